"""Alembic migrations shipped inside the package (applied on open and by `db upgrade`)."""
