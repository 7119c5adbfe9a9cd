"""Technical plumbing: settings, database, web dependencies, templating, i18n, clock."""
