"""SQLModel metadata against a live database, with Alembic's own autogenerate.

What "the models and the database agree" means is said once, here, for
dbinit-from-models (which writes the difference as a migration, or with
--check lists it) and for whoever compares in a test.

Compared: tables, columns, types (compare_type), server defaults and
identity (compare_server_default), nullability, indexes, unique constraints
and foreign keys, as Alembic's autogenerate does; and, since Alembic leaves
them out, check constraints by name. The history tables of dbinit and of
Alembic are not part of the app's schema and are left out.
"""
import io
from typing import Iterable, Iterator, List, Tuple

from alembic.autogenerate import compare_metadata, produce_migrations
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops
from sqlalchemy import CheckConstraint, Enum, MetaData, inspect
from sqlalchemy.dialects import postgresql

TOOL_TABLES = frozenset({"dbinit_schema_history", "alembic_version"})


def sqlmodel_metadata() -> MetaData:
    """The metadata SQLModel's table models register in."""
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


def _check_constraints(connection, metadata: MetaData, ignored_tables):
    """(table, in the models by name, in the database by name) for each table
    of the models that the database has."""
    inspector = inspect(connection)
    for table in metadata.sorted_tables:
        if table.name in ignored_tables or not inspector.has_table(table.name):
            continue
        wanted = {c.name: c.sqltext for c in table.constraints if isinstance(c, CheckConstraint) and c.name}
        present = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        yield table, wanted, present


def _name(thing) -> str:
    return getattr(thing, "name", None) or repr(thing)


def _modification(kind: str, value) -> str:
    """A column's type, nullability or default as SQL spells it."""
    if kind == "modify_type":
        try:
            return "type " + value.compile(dialect=postgresql.dialect())
        except Exception:  # a type the dialect cannot compile: its repr says enough
            return f"type {value!r}"
    if kind == "modify_nullable":
        return "NULL" if value else "NOT NULL"
    if kind == "modify_default":
        text = getattr(getattr(value, "arg", None), "text", getattr(value, "arg", value))
        return "no default" if value is None else f"DEFAULT {text}"
    return f"{kind[len('modify_'):]} {value!r}"


def describe(difference) -> str:
    """One of compare_metadata's tuples as a line a person reads."""
    if isinstance(difference, list):  # a column's modifications
        return "; ".join(describe(d) for d in difference)
    kind = difference[0]
    models, database = "in the models, not in the database", "in the database, not in the models"
    if kind in ("add_table", "remove_table"):
        return f"table {difference[1].name}: {models if kind == 'add_table' else database}"
    if kind in ("add_column", "remove_column"):
        return f"column {difference[2]}.{difference[3].name}: {models if kind == 'add_column' else database}"
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        thing = {"index": "index", "constraint": "constraint", "fk": "foreign key"}[kind.split("_", 1)[1]]
        item = difference[1]
        return f"{thing} {_name(item)} on {item.table.name}: {models if kind.startswith('add') else database}"
    if kind.startswith("modify_"):
        _, _, table, column, _, existing, wanted = difference
        return f"column {table}.{column}: {_modification(kind, existing)} in the database, " \
               f"{_modification(kind, wanted)} in the models"
    return repr(difference)


def differences(connection, metadata: MetaData, ignored_tables=TOOL_TABLES) -> List[str]:
    """One line per difference between the models and the database; none when
    they agree."""
    lines = [describe(d) for d in compare_metadata(_context(connection, ignored_tables), metadata)]
    for table, wanted, present in _check_constraints(connection, metadata, ignored_tables):
        lines += [f"check constraint {name} on {table.name}: in the models, not in the database"
                  for name in sorted(wanted.keys() - present.keys())]
        lines += [f"check constraint {name} on {table.name}: in the database, not in the models"
                  for name in sorted(present.keys() - wanted.keys())]
    return lines


def migration_ops(connection, metadata: MetaData,
                  ignored_tables=TOOL_TABLES) -> Tuple[ops.UpgradeOps, ops.DowngradeOps]:
    """What would bring the database to the models, and back: Alembic's
    autogenerate plan, with the check constraints it leaves out."""
    script = produce_migrations(_context(connection, ignored_tables), metadata)
    upgrade_checks, downgrade_checks = [], []
    for table, wanted, present in _check_constraints(connection, metadata, ignored_tables):
        for name in sorted(wanted.keys() - present.keys()):
            upgrade_checks.append(ops.CreateCheckConstraintOp(name, table.name, wanted[name]))
            downgrade_checks.append(ops.DropConstraintOp(name, table.name, type_="check"))
        for name in sorted(present.keys() - wanted.keys()):
            upgrade_checks.append(ops.DropConstraintOp(name, table.name, type_="check"))
            downgrade_checks.append(ops.CreateCheckConstraintOp(name, table.name, present[name]))
    return (ops.UpgradeOps(ops=list(script.upgrade_ops.ops) + upgrade_checks),
            ops.DowngradeOps(ops=list(reversed(downgrade_checks)) + list(script.downgrade_ops.ops)))


def initial_ops(metadata: MetaData, ignored_tables=TOOL_TABLES) -> Tuple[ops.UpgradeOps, ops.DowngradeOps]:
    """The whole schema of the models, and its removal, without a database:
    each table (its constraints with it) in dependency order, then its
    indexes; the tables dropped in the reverse order, then the enum types
    their columns made."""
    tables = [t for t in metadata.sorted_tables if t.name not in ignored_tables]
    upgrade = []
    for table in tables:
        upgrade.append(ops.CreateTableOp.from_table(table))
        upgrade += [ops.CreateIndexOp.from_index(index)
                    for index in sorted(table.indexes, key=lambda i: i.name or "")]
    # By name alone: a drop op carrying the table's columns drops their enum
    # types as well on some Alembic releases and not on others.
    downgrade = [ops.DropTableOp(table.name, schema=table.schema) for table in reversed(tables)]
    # CREATE TABLE made the native enum types its columns use; the drops
    # above leave them, so the down file drops them too, last.
    preparer = postgresql.dialect().identifier_preparer
    enums = {}
    for table in tables:
        for column in table.columns:
            if isinstance(column.type, Enum) and column.type.native_enum and column.type.name:
                enums.setdefault(column.type.name, column.type)
    downgrade += [ops.ExecuteSQLOp(f"DROP TYPE {preparer.format_type(enum)}") for enum in enums.values()]
    return ops.UpgradeOps(ops=upgrade), ops.DowngradeOps(ops=downgrade)


def flatten(operations: Iterable) -> Iterator:
    for operation in operations:
        if isinstance(operation, ops.OpContainer):
            yield from flatten(operation.ops)
        else:
            yield operation


def risky_columns(upgrade: ops.UpgradeOps) -> Iterator[str]:
    """NOT NULL columns added to existing tables without a server default:
    such an ALTER fails on a table with rows."""
    for operation in flatten(upgrade.ops):
        if isinstance(operation, ops.AddColumnOp):
            column = operation.column
            if not column.nullable and column.server_default is None and column.identity is None:
                yield f"{operation.table_name}.{column.name}"


def render_sql(operations: ops.OpContainer, dialect: str = "postgresql") -> str:
    """The operations as plain SQL, rendered by Alembic in its offline (--sql)
    mode: what `alembic upgrade --sql` would print for them, without its
    BEGIN/COMMIT (dbinit runs each migration in its own transaction)."""
    buffer = io.StringIO()
    context = MigrationContext.configure(dialect_name=dialect, opts={
        "as_sql": True, "output_buffer": buffer, "literal_binds": True, "transactional_ddl": False})
    proxy = Operations(context)
    for operation in flatten(operations.ops):
        proxy.invoke(operation)
    return buffer.getvalue()
