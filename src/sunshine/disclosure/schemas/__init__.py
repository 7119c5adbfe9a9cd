"""What crosses disclosure's JSON API, one module per concern."""
