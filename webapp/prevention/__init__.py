"""The seasonal prevention list's pages."""
