"""People who log in, their roles per community, sessions, login codes, devices, the policy."""
