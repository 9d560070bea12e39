"""dbinit's Python tools: migrations written from SQLModel models
(dbinit-from-models) or converted from Alembic revisions
(dbinit-from-alembic), as plain SQL that the dbinit binary applies."""
