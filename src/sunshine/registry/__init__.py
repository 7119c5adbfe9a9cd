"""The community registry: units and areas, owners, residents, vehicles, spaces; the roster."""
