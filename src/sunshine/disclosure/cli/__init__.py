"""`sunshine notice …` and `sunshine budget …`: disclosure's commands, one module per concern."""
