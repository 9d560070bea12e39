"""Each Alembic revision as SQL: Alembic's offline (--sql) rendering of the
revision alone, or, where that fails, the statements it sends when run
online against the scratch database DATABASE_URL names (alembic_capture).

Both go through Alembic's EnvironmentContext and the project's own env.py,
as `alembic upgrade` does, with the one step to run as its fn."""
import functools
import io
import re
from dataclasses import dataclass
from typing import FrozenSet, List, Optional

from dbinit_tools import alembic_capture, alembic_history, database
from dbinit_tools.cli import ToolError

NO_TRANSACTION = "-- dbinit:no-transaction"
# Header lines dbinit reads to adopt a database Alembic built
# (src/migration_set/set.hpp, AlembicOrigin): keep the two in step.
HEADS_MARKER = "-- alembic_version after this migration:"
READS_ROWS_MARKER = "-- Its upgrade reads rows:"

# The objects that make a database not empty: what a scratch database must not hold.
NOT_EMPTY_SQL = """
SELECT kind || ' ' || name FROM (
  SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END AS kind,
         n.nspname || '.' || c.relname AS name
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  UNION ALL
  SELECT 'type', n.nspname || '.' || t.typname FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
   WHERE t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND t.typrelid IN
         (SELECT oid FROM pg_catalog.pg_class WHERE relkind = 'c'))
  UNION ALL
  SELECT 'function', n.nspname || '.' || p.proname FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
) objects
WHERE name !~ '^(pg_catalog|information_schema|pg_toast|pg_temp_[0-9]+|pg_toast_temp_[0-9]+)[.]'
LIMIT 1
"""


@dataclass
class Rendered:
    step: alembic_history.Step
    up: str
    down: Optional[str]            # None: no down file
    down_failure: str = ""         # why not
    captured: bool = False


class OfflineFailure(Exception):
    pass


# Written into Alembic's offline output around the revision's own function,
# so that what env.py emits around it (SET, BEGIN, the version table) stays out.
OWN_BEGINS, OWN_ENDS = "-- dbinit-from-alembic: the revision's own statements", "-- dbinit-from-alembic: end"


def around_revision_function(migration_step, enter, leave):
    """The step, with enter() and leave() called around the revision's
    upgrade() or downgrade() while Alembic runs it."""
    original = migration_step.migration_fn

    @functools.wraps(original)
    def wrapped(*args, **kwargs):
        enter()
        try:
            return original(*args, **kwargs)
        finally:
            leave()

    migration_step.migration_fn = wrapped
    return migration_step


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0]


class History:
    def __init__(self, ini, version_table: str):
        from alembic.script import ScriptDirectory
        self.ini = ini
        self.version_table = version_table
        try:
            self.script = ScriptDirectory.from_config(self.config())
            self.steps = alembic_history.upgrade_order(self.script)
        except Exception as error:  # Alembic's, or a revision file's own code
            raise ToolError(f"{ini}: reading the revisions failed: {type(error).__name__}: {first_line(error)}")

    def config(self, buffer=None, url: Optional[str] = None):
        from alembic.config import Config
        config = Config(str(self.ini), output_buffer=buffer or io.StringIO())
        if url is not None:
            config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        elif not config.get_main_option("sqlalchemy.url"):
            config.set_main_option("sqlalchemy.url", "postgresql://")
        return config

    def run_step(self, migration_step, config, as_sql: bool, starting: FrozenSet[str], destination: str):
        from alembic.runtime.environment import EnvironmentContext
        with EnvironmentContext(config, self.script, fn=lambda _heads, _context: [migration_step], as_sql=as_sql,
                                starting_rev=(sorted(starting) or None) if as_sql else None,
                                destination_rev=destination):
            self.script.run_env()

    def offline(self, step: alembic_history.Step, direction: str) -> str:
        from alembic.runtime.migration import MigrationStep
        buffer = io.StringIO()
        if direction == "upgrade":
            migration_step = MigrationStep.upgrade_from_script(self.script.revision_map, step.script)
            starting, destination = step.heads_before, step.revision
        else:
            migration_step = MigrationStep.downgrade_from_script(self.script.revision_map, step.script)
            starting, destination = step.heads_after, ",".join(sorted(step.heads_before)) or "base"
        paramstyle = []

        def begins():
            from alembic import op
            paramstyle.append(op.get_context().dialect.paramstyle)
            buffer.write(f"\n\n{OWN_BEGINS}\n\n")

        try:
            around_revision_function(migration_step, begins, lambda: buffer.write(f"\n\n{OWN_ENDS}\n\n"))
            self.run_step(migration_step, self.config(buffer), True, starting, destination)
        except (Exception, SystemExit) as error:  # Alembic's, or the revision's own code
            raise OfflineFailure(f"{type(error).__name__}: {first_line(error)}")
        if not paramstyle:
            raise OfflineFailure("the project's env.py did not run it in offline mode")
        # A dialect with the format or pyformat paramstyle (psycopg2's, when
        # env.py's offline mode does not ask for "named") doubles every % of
        # the SQL it compiles, for a driver that is not there to undo it.
        if paramstyle[0] in ("format", "pyformat"):
            return buffer.getvalue().replace("%%", "%")
        return buffer.getvalue()

    def render(self) -> List[Rendered]:
        ups, failures = {}, {}
        for step in self.steps:
            try:
                ups[step.revision] = offline_statements(self.offline(step, "upgrade"), self.version_table)
            except OfflineFailure as failure:
                failures[step.revision] = str(failure)
        captures = self.capture_online(failures) if failures else {}
        rendered = []
        for step in self.steps:
            if step.revision in captures:
                capture = captures[step.revision]
                up = header(step, "up", captured=True, reads_rows=capture.reads_rows,
                            reason=failures[step.revision]) + body(capture.statements)
                up = (NO_TRANSACTION + "\n" if capture.committed_between else "") + up
            else:
                statements, commits_inside = ups[step.revision]
                up = (NO_TRANSACTION + "\n" if commits_inside else "") + header(step, "up") + body(statements)
            try:
                statements, _ = offline_statements(self.offline(step, "downgrade"), self.version_table)
                down, failure = header(step, "down") + body(statements), ""
            except OfflineFailure as why:
                down, failure = None, f"cannot render offline: {why}"
            rendered.append(Rendered(step, up, down, failure, step.revision in captures))
        return rendered

    def capture_online(self, failures) -> dict:
        """Runs the revisions online, oldest first, up to the last one that
        failed offline; returns the captures of those that failed."""
        from alembic.runtime.migration import MigrationStep
        first = next(s for s in self.steps if s.revision in failures)
        if not _environ_has_url():
            raise ToolError(f"revision {first.revision} cannot render in Alembic's offline mode ({failures[first.revision]}); "
                            "set DATABASE_URL to an empty scratch database to capture it online")
        _, url = database.urls("the empty scratch database the revisions that cannot render offline run against")
        expected = require_empty(url)
        last = max(i for i, s in enumerate(self.steps) if s.revision in failures)
        captures = {}
        with alembic_capture.Recorder(self.version_table, expected) as recorder:
            for step in self.steps[:last + 1]:
                capture = alembic_capture.Capture()
                migration_step = MigrationStep.upgrade_from_script(self.script.revision_map, step.script)
                # Recorded while the revision's upgrade() runs, not what env.py sends around it.
                start = (lambda c=capture: setattr(recorder, "capture", c)) if step.revision in failures else (lambda: None)
                around_revision_function(migration_step, start, lambda: setattr(recorder, "capture", None))
                try:
                    self.run_step(migration_step, self.config(url=url), False, frozenset(), step.revision)
                except (Exception, SystemExit) as error:
                    if recorder.error:
                        raise ToolError(recorder.error)
                    raise ToolError(f"revision {step.revision}'s upgrade, run online against DATABASE_URL, failed: "
                                    f"{type(error).__name__}: {database.first_line(error)}")
                if step.revision in failures:
                    captures[step.revision] = capture
        return captures


def _environ_has_url() -> bool:
    import os
    return bool(os.environ.get("DATABASE_URL"))


def require_empty(url: str):
    """(host, port, database) of the scratch database, once it is known to be empty."""
    from sqlalchemy import create_engine, pool, text
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            found = connection.execute(text(NOT_EMPTY_SQL)).scalar()
    except Exception as error:  # the driver's: cannot connect, refused
        raise ToolError(f"cannot read DATABASE_URL's database: {database.first_line(error)}")
    finally:
        engine.dispose()
    if found:
        raise ToolError(f"DATABASE_URL's database is not empty (it holds {found}): the revisions that cannot render "
                        "offline are captured on a scratch database that holds nothing")
    return (engine.url.host or "", engine.url.port or 5432, engine.url.database or "")


def header(step, suffix: str, captured=False, reads_rows=False, reason="") -> str:
    parents = ", ".join(step.parents) or "base"
    kind = "merge of" if step.is_merge else "from"
    lines = [f"-- Alembic revision {step.revision} ({step.script.doc or 'no message'}), "
             + (f"upgrade {kind} {parents}." if suffix == "up" else f"downgrade to {parents}.")]
    if captured:
        lines += [f"-- Captured against an empty database: it cannot render in Alembic's offline mode ({reason}),",
                  "-- so dbinit-from-alembic ran it online, with the project's env.py, on a scratch database built",
                  "-- from empty by the revisions before it, and wrote what it sent (not what it only read)."]
        if reads_rows:
            lines.append(f"{READS_ROWS_MARKER} what it does to rows that database did not have is not in this "
                         "file.")
    else:
        lines.append("-- Converted by dbinit-from-alembic from Alembic's offline (--sql) rendering.")
    if suffix == "up":
        lines.append(f"{HEADS_MARKER} {' '.join(sorted(step.heads_after))}")
    return "\n".join(lines) + "\n\n"


def body(statements: Optional[List[str]]) -> str:
    if not statements:
        return "-- No statements: Alembic's revision has none for this direction.\n"
    return "\n\n".join(statements) + "\n"


def offline_statements(sql: str, version_table: str):
    """The revision's own statements in Alembic's output (blank-line
    separated blocks between the markers around its function), without
    transaction control and version-table statements. Returns (statements,
    commits_in_the_middle): a COMMIT before its last statement (an
    autocommit_block, an op.execute("COMMIT")) makes a revision dbinit runs
    outside a transaction."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", sql) if b.strip()]
    begins, ends = blocks.index(OWN_BEGINS), len(blocks) - 1 - blocks[::-1].index(OWN_ENDS)
    inside = blocks[begins + 1:ends]
    table = re.escape(version_table)
    alembic_own = re.compile(rf"^(CREATE TABLE|DROP TABLE|INSERT INTO|UPDATE|DELETE FROM) {table}\b", re.IGNORECASE)
    control = re.compile(r"^(BEGIN|COMMIT|START TRANSACTION|END|ROLLBACK)\s*;$", re.IGNORECASE)
    own = [i for i, b in enumerate(inside) if not control.match(b.strip()) and not alembic_own.search(b.strip())]
    commits = [i for i, b in enumerate(inside) if control.match(b.strip())]
    commits_inside = bool(own) and any(i < max(own) for i in commits)
    return [inside[i] for i in own], commits_inside
