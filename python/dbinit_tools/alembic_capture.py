"""Recording what an Alembic upgrade sends when it runs online.

SQLAlchemy's before_cursor_execute event, on every Engine, sees each
statement as the driver gets it; the driver's own client-side rendering
(psycopg's ClientCursor.mogrify, psycopg2's cursor.mogrify) turns it and its
parameters into the text with literals. Statements that only read (SELECT,
catalog inspection, SHOW) and transaction control are not migration
statements: they are left out, and the capture says whether the revision
read rows of a table (not only the catalogs) and whether it committed, or
ran in autocommit, before its last statement (a no-transaction migration).
"""
import re
from dataclasses import dataclass, field
from typing import List, Optional

READING = re.compile(r"^\s*(SELECT|WITH|SHOW|EXPLAIN|VALUES|TABLE)\b", re.IGNORECASE)
# What makes a reading statement write after all: SELECT ... INTO, a data-
# modifying WITH, the built-in functions that change state (a row lock,
# FOR [NO KEY] UPDATE, is not a change).
WRITING = re.compile(r"\bINTO\b|\b(INSERT|DELETE|MERGE)\b|(?<!FOR )(?<!KEY )\bUPDATE\b|"
                     r"\b(setval|nextval|pg_advisory\w*|set_config|pg_notify|lo_\w+|pg_terminate_backend)\s*\(",
                     re.IGNORECASE)
CALL = re.compile(r'(?:("?[\w$]+"?)\s*\.\s*)?("?[\w$]+"?)\s*\(')
# Words before a parenthesis in a statement that only reads: SQL's own, and
# built-in functions without side effects (SQLAlchemy's inspection calls
# pg_catalog's by their qualified names). A call of anything else, a
# function of the project's own above all, may write: such a SELECT is kept.
READ_ONLY_CALLS = frozenset("""
    select from where and or not in exists any all some values as on join using over filter within partition by
    order group having case when then else end is distinct between like ilike similar escape array row cast
    count sum min max avg array_agg string_agg bool_and bool_or every json_agg jsonb_agg json_object_agg
    jsonb_object_agg json_build_object jsonb_build_object json_build_array jsonb_build_array to_json to_jsonb
    row_number rank dense_rank lag lead first_value last_value coalesce nullif greatest least lower upper
    length char_length octet_length trim btrim ltrim rtrim substring substr position strpos replace concat
    concat_ws left right split_part regexp_replace regexp_match abs round floor ceil ceiling trunc mod
    now current_date current_time current_timestamp localtimestamp date_trunc date_part extract age
    to_char to_date to_timestamp to_number make_interval current_schema current_schemas current_database
    current_user session_user version to_regclass to_regtype format_type unnest generate_series
    gen_random_uuid md5 encode decode
""".split())
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b",
                                 re.IGNORECASE)
COMMITTING = re.compile(r"^\s*(COMMIT|END|ROLLBACK)\s*;?\s*$", re.IGNORECASE)
RELATION = re.compile(r'\b(?:FROM|JOIN)\s+((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)', re.IGNORECASE)
CATALOGS = ("pg_catalog.", "information_schema.", "pg_")


@dataclass
class Capture:
    statements: List[str] = field(default_factory=list)
    reads_rows: bool = False
    # A commit (or autocommit) before the last statement: the revision does
    # not run in one transaction.
    committed_between: bool = False
    _committed: bool = False

    def commit(self):
        self._committed = True

    def add(self, statement: str, autocommit: bool):
        if autocommit or self._committed:
            self.committed_between = True
        self.statements.append(statement)


def only_reads(statement: str) -> bool:
    if not READING.match(statement) or WRITING.search(re.sub(r"\s+", " ", statement)):
        return False
    for schema, name in CALL.findall(statement):
        if schema.strip('"').lower() != "pg_catalog" and name.strip('"').lower() not in READ_ONLY_CALLS:
            return False
    return True


def reads_table_rows(statement: str) -> bool:
    """A read of a table's rows, not only of the catalogs."""
    for name in RELATION.findall(statement):
        plain = re.sub(r'\s+|"', "", name).lower()
        if not plain.startswith(CATALOGS):
            return True
    return False


def literal_text(cursor, statement: str, parameters) -> str:
    """The statement as the driver would send it with the parameters in it."""
    if parameters is None or (isinstance(parameters, (tuple, list, dict)) and not parameters and "%" not in statement):
        return statement
    raw = getattr(cursor, "_cursor", cursor)  # SQLAlchemy's async adaptation wraps the driver's cursor
    module = type(raw).__module__.split(".")[0]
    if module == "psycopg2":
        return raw.mogrify(statement, parameters).decode(raw.connection.encoding.lower().replace("utf8", "utf-8"))
    if module == "psycopg":
        import psycopg
        connection = raw.connection
        client = (psycopg.AsyncClientCursor if isinstance(connection, psycopg.AsyncConnection) else psycopg.ClientCursor)
        return client(connection).mogrify(statement, parameters)
    raise UnrenderableParameters(f"statements through {module} cannot be rendered with their parameters; "
                                 "give DATABASE_URL as postgresql+psycopg:// or postgresql+psycopg2://")


class UnrenderableParameters(Exception):
    pass


class Recorder:
    """Listens on every Engine while it is open; statements go to `capture`
    (None: not recording), except the version table's."""

    def __init__(self, version_table: str, expect_database):
        self.capture: Optional[Capture] = None
        self.version_table = re.compile(rf"\b{re.escape(version_table)}\b", re.IGNORECASE)
        self.expect_database = expect_database  # (host, port, database) DATABASE_URL names
        self.error: Optional[str] = None

    def __enter__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        event.listen(Engine, "engine_connect", self._connected)
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "commit", self._commit)
        event.listen(Engine, "rollback", self._commit)
        return self

    def __exit__(self, *_):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        event.remove(Engine, "engine_connect", self._connected)
        event.remove(Engine, "before_cursor_execute", self._statement)
        event.remove(Engine, "commit", self._commit)
        event.remove(Engine, "rollback", self._commit)

    def _connected(self, connection, *_):
        url = connection.engine.url
        found = (url.host or "", url.port or 5432, url.database or "")
        if found != self.expect_database:
            # Raised before the project's first statement reaches that server.
            self.error = (f"env.py connected to database {found[2]!r} at {found[0]}:{found[1]}, not to DATABASE_URL's; "
                          "the upgrades run online only against DATABASE_URL (make env.py use sqlalchemy.url "
                          "or DATABASE_URL)")
            raise RuntimeError(self.error)

    def _commit(self, *_):
        if self.capture is not None:
            self.capture.commit()

    def _statement(self, connection, cursor, statement, parameters, context, executemany):
        if self.capture is None or self.version_table.search(statement):
            return
        if TRANSACTION_CONTROL.match(statement):
            if COMMITTING.match(statement):
                self.capture.commit()
            return
        if only_reads(statement):
            self.capture.reads_rows = self.capture.reads_rows or reads_table_rows(statement)
            return
        autocommit = bool(getattr(connection.connection.dbapi_connection, "autocommit", False))
        for one in (parameters if executemany else [parameters]):
            self.capture.add(literal_text(cursor, statement, one).strip().rstrip(";") + ";", autocommit)
