"""The reference community on paper, pure.

- plan: units, owners, residents and vehicles, derived deterministically
"""
