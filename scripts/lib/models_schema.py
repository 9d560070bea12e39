"""SQLModel metadata against a live database, with Alembic's own autogenerate.

Shared by scripts/migration-from-models and the tests in test/python: what
"the models and the migrations agree" means is said once, here.

Compared: tables, columns, types (compare_type), server defaults and
identity (compare_server_default), nullability, indexes, unique constraints
and foreign keys, as Alembic's autogenerate does; and, since Alembic leaves
them out, check constraints by name. The history tables of dbinit and of
Alembic are not part of the app's schema and are left out.
"""
import importlib
from typing import Iterable, List

from alembic.autogenerate import compare_metadata, produce_migrations
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops
from sqlalchemy import MetaData, inspect

TOOL_TABLES = {"dbinit_schema_history", "alembic_version"}


def load_metadata(modules: Iterable[str]) -> MetaData:
    """Imports each module (which registers its table models) and returns the
    metadata they share: SQLModel.metadata."""
    for module in modules:
        importlib.import_module(module)
    from sqlmodel import SQLModel
    return SQLModel.metadata


def _include_object(ignored_tables):
    def include(obj, name, type_, _reflected, _compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table not in ignored_tables

    return include


def _context(connection, ignored_tables) -> MigrationContext:
    return MigrationContext.configure(connection, opts={
        "compare_type": True,
        "compare_server_default": True,
        "include_object": _include_object(ignored_tables),
    })


def _check_constraint_differences(connection, metadata: MetaData, ignored_tables) -> List[str]:
    inspector = inspect(connection)
    found = []
    for table in metadata.sorted_tables:
        if table.name in ignored_tables or not inspector.has_table(table.name):
            continue
        from sqlalchemy import CheckConstraint
        wanted = {c.name for c in table.constraints if isinstance(c, CheckConstraint) and c.name}
        present = {c["name"] for c in inspector.get_check_constraints(table.name)}
        found += [f"check constraint {table.name}.{name}: in the models, not in the database"
                  for name in sorted(wanted - present)]
        found += [f"check constraint {table.name}.{name}: in the database, not in the models"
                  for name in sorted(present - wanted)]
    return found


def differences(connection, metadata: MetaData, ignored_tables=TOOL_TABLES) -> List[str]:
    """One line per difference between the models and the database; none when
    they agree."""
    lines = [repr(d) for d in compare_metadata(_context(connection, ignored_tables), metadata)]
    return lines + _check_constraint_differences(connection, metadata, ignored_tables)


def migration_ops(connection, metadata: MetaData, ignored_tables=TOOL_TABLES) -> ops.MigrationScript:
    """What would bring the database to the models (upgrade_ops), and back
    (downgrade_ops), as Alembic's autogenerate plans it."""
    return produce_migrations(_context(connection, ignored_tables), metadata)


def _flatten(operations):
    for operation in operations:
        if isinstance(operation, ops.OpContainer):
            yield from _flatten(operation.ops)
        else:
            yield operation


def render_sql(operations: ops.OpContainer, dialect: str = "postgresql") -> str:
    """The operations as plain SQL, rendered by Alembic in its offline (--sql)
    mode: what `alembic upgrade --sql` would print for them, without its
    BEGIN/COMMIT (dbinit runs each migration in its own transaction)."""
    import io
    buffer = io.StringIO()
    context = MigrationContext.configure(dialect_name=dialect, opts={
        "as_sql": True, "output_buffer": buffer, "literal_binds": True, "transactional_ddl": False})
    operations_proxy = Operations(context)
    for operation in _flatten(operations.ops):
        operations_proxy.invoke(operation)
    return buffer.getvalue()
