"""Friday Law Service Day pages."""
