"""Storage: where the database lives, how connections behave, migrations and maintenance.

One SQLite file by default (WAL, busy timeout, foreign keys, `BEGIN IMMEDIATE` for writes), or any
SQLAlchemy URL such as `postgresql+psycopg://…`. The schema is owned by the Alembic migrations in
`db/migrations`, applied automatically when a database is opened.
"""
