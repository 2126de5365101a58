"""The coordinators' dashboard, the records behind each figure, and the report PDFs."""
