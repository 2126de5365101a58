"""Enterprise legal check-ups (企业法治体检): program 2 of DOMAIN.md."""
