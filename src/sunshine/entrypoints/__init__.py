"""The outer edge: the web app factory, the root `sunshine` command, and the full table list."""
