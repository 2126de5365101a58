"""Legal check-up pages."""
