"""People who log in, their roles per community, sessions, one-time codes, devices, and the permission policy."""
