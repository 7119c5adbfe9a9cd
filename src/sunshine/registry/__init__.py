"""The community registry: communities, buildings, units with their areas, owners and shares, residents, vehicles, parking spaces; roster import and export."""
