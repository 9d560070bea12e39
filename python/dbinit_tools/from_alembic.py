"""Converts an Alembic project's revisions into dbinit migrations.

    dbinit-from-alembic ALEMBIC_DIR --migrations-dir DIR [--version-table alembic_version]

For each revision, oldest first: `alembic upgrade PREV:REV --sql` (Alembic's
offline mode) gives NNNN_<message>.up.sql and `alembic downgrade REV:PREV
--sql` gives its .down.sql, one pair per revision, numbered after the highest
version already in DIR, each naming its Alembic revision in a header comment.
Alembic's own statements (BEGIN/COMMIT, its version table) are left out:
dbinit runs each migration in a transaction with its history row. A revision
that commits in the middle (autocommit_block, e.g. CREATE INDEX
CONCURRENTLY) becomes a `-- dbinit:no-transaction` migration.

ALEMBIC_DIR holds alembic.ini (or give the ini file itself). The project is
imported as Alembic imports it (env.py and the revisions may import your
app): the current directory, the ini's directory, its prepend_sys_path, and
--prepend-sys-path. Offline mode needs only the dialect: sqlalchemy.url
defaults to postgresql://. Revisions must form one line (no branches or
merges). Exit 2 on a bad argument or project; nothing is written then. With
dbinit at hand ($DBINIT, else the one installed with this package, else
PATH), what `dbinit lint` finds in the new up files is printed as warnings.
"""
import argparse
import io
import pathlib
import re
import shutil
import sys
import tempfile
from typing import Optional, Sequence

from dbinit_tools import lint_findings, project
from dbinit_tools.binary import find_dbinit
from dbinit_tools.cli import Parser, ToolError, add_common_options, require_extra, run

PROG = "dbinit-from-alembic"
NO_TRANSACTION = "-- dbinit:no-transaction"


def arguments(argv: Optional[Sequence[str]]):
    parser = Parser(prog=PROG, description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("alembic", type=pathlib.Path, metavar="ALEMBIC_DIR",
                        help="the Alembic project (its directory with alembic.ini, or the ini file)")
    parser.add_argument("--migrations-dir", metavar="DIR", required=True, type=pathlib.Path,
                        help="where to write the migrations")
    parser.add_argument("--version-table", default="alembic_version",
                        help="Alembic's version table, left out of the SQL (default: alembic_version)")
    add_common_options(parser)
    args = parser.parse_args(argv)
    args.ini = args.alembic / "alembic.ini" if args.alembic.is_dir() else args.alembic
    if not args.ini.is_file():
        raise ToolError(f"{args.ini}: no such file; expected an Alembic project's directory holding alembic.ini")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", args.version_table):
        raise ToolError(f"invalid --version-table {args.version_table!r}: expected a table name")
    return args


def alembic_config(ini: pathlib.Path, buffer: io.StringIO):
    from alembic.config import Config
    config = Config(str(ini), output_buffer=buffer)
    if not config.get_main_option("sqlalchemy.url"):
        config.set_main_option("sqlalchemy.url", "postgresql://")
    return config


def revisions_in_order(ini: pathlib.Path):
    from alembic.script import ScriptDirectory
    try:
        script = ScriptDirectory.from_config(alembic_config(ini, io.StringIO()))
        heads = script.get_heads()
        line = list(reversed(list(script.walk_revisions())))
    except Exception as error:  # Alembic's, or a revision file's own code
        raise ToolError(f"{ini}: reading the revisions failed: {type(error).__name__}: {first_line(error)}")
    if len(heads) != 1:
        raise ToolError(f"{ini}: {len(heads)} heads ({', '.join(heads) or 'none'}); expected one line of revisions")
    for revision in line:
        if isinstance(revision.down_revision, (tuple, list)):
            raise ToolError(f"revision {revision.revision} merges {', '.join(revision.down_revision)}; "
                            "expected one line of revisions")
    return line


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0]


def offline_sql(ini: pathlib.Path, direction: str, revision_range: str) -> str:
    from alembic import command
    buffer = io.StringIO()
    config = alembic_config(ini, buffer)
    try:
        getattr(command, direction)(config, revision_range, sql=True)
    except Exception as error:  # Alembic's, or the revision's own code
        raise ToolError(f"alembic {direction} {revision_range} --sql failed: {type(error).__name__}: "
                        f"{first_line(error)}")
    return buffer.getvalue()


def own_statements(sql: str, version_table: str):
    """The revision's statements: Alembic's output in blank-line separated
    blocks, without its transaction control and version-table statements.
    Returns (text or None when nothing is left, commits_in_the_middle)."""
    table = re.escape(version_table)
    alembic_own = re.compile(
        rf"^(BEGIN|COMMIT);$|^(CREATE TABLE|DROP TABLE|INSERT INTO|UPDATE|DELETE FROM) {table}\b", re.IGNORECASE)
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", sql) if b.strip()]
    statements = [b for b in blocks if not alembic_own.search(b.strip())]
    # BEGIN and COMMIT between the revision's own statements: a revision
    # that commits part-way (autocommit_block), which dbinit runs outside a
    # transaction.
    positions = [i for i, b in enumerate(blocks) if b.strip().upper() in ("BEGIN;", "COMMIT;")]
    own = [i for i, b in enumerate(blocks) if not alembic_own.search(b.strip()) and not b.startswith("-- Running")]
    commits_inside = bool(own) and any(min(own) < i < max(own) for i in positions)
    if not any(not b.startswith("-- Running") for b in statements):
        return None, False
    return "\n\n".join(statements) + "\n", commits_inside


def slug(message: str, revision: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "_", (message or "").lower()).strip("_")
    return words[:50].rstrip("_") or f"revision_{revision}"


def next_version(directory: pathlib.Path) -> int:
    versions = [int(m.group(1)) for p in directory.iterdir() if (m := re.match(r"(\d+)_", p.name))]
    return max(versions, default=0) + 1


def _main(argv) -> int:
    args = arguments(argv)
    require_extra("sqlalchemy", "alembic")
    # Alembic applies prepend_sys_path relative to the current directory; the
    # ini's directory too, for a project converted from elsewhere.
    project.prepare_sys_path(args.prepend_sys_path + [str(args.ini.resolve().parent)], ini=args.ini)
    line = revisions_in_order(args.ini)
    if not line:
        raise ToolError(f"{args.ini}: no revisions to convert")
    if args.migrations_dir.exists() and not args.migrations_dir.is_dir():
        raise ToolError(f"--migrations-dir {args.migrations_dir}: not a directory")
    version = next_version(args.migrations_dir) if args.migrations_dir.is_dir() else 1

    # Written to a temporary directory first: a failure leaves DIR as it was.
    staging = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-from-alembic-"))
    try:
        for revision in line:
            previous = revision.down_revision or "base"
            name = f"{version:04d}_{slug(revision.doc, revision.revision)}"
            for direction, revision_range, suffix in (("upgrade", f"{previous}:{revision.revision}", "up"),
                                                      ("downgrade", f"{revision.revision}:{previous}", "down")):
                body, commits_inside = own_statements(offline_sql(args.ini, direction, revision_range),
                                                      args.version_table)
                header = (f"-- Alembic revision {revision.revision} ({revision.doc or 'no message'}), "
                          f"{'downgrade to ' + previous if suffix == 'down' else 'upgrade from ' + previous}.\n"
                          f"-- Converted by {PROG} from `alembic {direction} {revision_range} --sql`.\n")
                if body is None:
                    body = "-- Alembic's revision has no statements for this direction.\n"
                text = (NO_TRANSACTION + "\n" if commits_inside else "") + header + "\n" + body
                (staging / f"{name}.{suffix}.sql").write_text(text)
            version += 1
        written = sorted(staging.iterdir())
        for path in written:
            if (args.migrations_dir / path.name).exists():
                raise ToolError(f"{args.migrations_dir / path.name} exists; nothing was written")
        args.migrations_dir.mkdir(parents=True, exist_ok=True)
        for path in written:
            shutil.move(str(path), args.migrations_dir / path.name)
            print(args.migrations_dir / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    dbinit = find_dbinit(required=False)
    if dbinit:
        lint_findings.print_findings(PROG, dbinit, args.migrations_dir,
                                     [path.name for path in written if path.name.endswith(".up.sql")])
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
