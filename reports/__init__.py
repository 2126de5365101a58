"""Figures and PDFs, built from the plain data that `programs/` queries return.

`reports.pdf` holds the PDF machinery (templates, fonts, the static-files-only URL fetcher),
`reports.registry` the report types the web app can offer, and one module per program lays out
its reports (`reports.study_tours`). Nothing here imports Flask or touches the database.
"""
