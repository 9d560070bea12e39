"""Converts an Alembic project's revisions into dbinit migrations.

    dbinit-from-alembic ALEMBIC_DIR --migrations-dir DIR [--version-table alembic_version]

Every revision, in the order `alembic upgrade heads` applies them to an
empty database (Alembic's own revision map walks branches, merges, merges of
merges and redundant parent edges; revision ids may be anything), becomes
NNNN_<message>.up.sql and .down.sql, numbered after the highest version
already in DIR, each naming its Alembic revision, its parents and what
alembic_version holds after it in a header. A merge revision with an empty
body is a migration too, with no statements: every revision keeps its
version, so a database stamped at the merge is adopted there.

Each up file is Alembic's offline (--sql) rendering of the revision alone,
without Alembic's BEGIN/COMMIT and version-table statements. A revision that
cannot render offline (it reads rows, calls inspect() or has_table, opens a
Session, commits) is run online instead, with the project's env.py, against
the empty scratch database that DATABASE_URL names (refused unless it holds
no table, view, sequence, type or function outside the system schemas), the
revisions before it run there first; the statements it sent are written,
parameters as literals, without what only read, and its header says it was
captured against an empty database (and, when it read rows, that its effect
on existing rows is not in the file). Nothing is created anywhere else; the
scratch database is left at the last revision captured. A revision that
commits part-way (autocommit_block, a commit() before CREATE INDEX
CONCURRENTLY) becomes a `-- dbinit:no-transaction` migration. A downgrade
that raises or cannot render offline gives no down file, said per revision
on stderr.

dbinit adopts a database Alembic built by the headers: `dbinit migrate`
records the versions through the one whose header names the database's
alembic_version as applied, and runs those after it (docs/migrations.md).

ALEMBIC_DIR holds alembic.ini (or give the ini file itself). The project is
imported as Alembic imports it (env.py and the revisions may import your
app): the current directory, the ini's directory, its prepend_sys_path, and
--prepend-sys-path. Offline mode needs only the dialect: sqlalchemy.url
defaults to postgresql://. Exit 2 on a bad argument or project; nothing is
written then. With dbinit at hand ($DBINIT, else the one installed with
this package, else PATH), what `dbinit lint` finds in the new up files is
printed as warnings.
"""
import argparse
import pathlib
import re
import shutil
import sys
import tempfile
from typing import Optional, Sequence

from dbinit_tools import alembic_render, lint_findings, project
from dbinit_tools.binary import find_dbinit
from dbinit_tools.cli import Parser, ToolError, add_common_options, require_extra, run

PROG = "dbinit-from-alembic"


def arguments(argv: Optional[Sequence[str]]):
    parser = Parser(prog=PROG, description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("alembic", type=pathlib.Path, metavar="ALEMBIC_DIR", nargs="?",
                        help="the Alembic project (its directory with alembic.ini, or the ini file)")
    parser.add_argument("--migrations-dir", metavar="DIR", type=pathlib.Path,
                        help="where to write the migrations")
    parser.add_argument("--version-table", default="alembic_version",
                        help="Alembic's version table, left out of the SQL (default: alembic_version)")
    add_common_options(parser)
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", args.version_table):
        raise ToolError(f"invalid --version-table {args.version_table!r}: expected a table name")
    if args.alembic is None or args.migrations_dir is None:
        raise ToolError("expected ALEMBIC_DIR and --migrations-dir DIR")
    args.ini = args.alembic / "alembic.ini" if args.alembic.is_dir() else args.alembic
    if not args.ini.is_file():
        raise ToolError(f"{args.ini}: no such file; expected an Alembic project's directory holding alembic.ini")
    return args


def slug(message: str, revision: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "_", (message or "").lower()).strip("_")
    return words[:50].rstrip("_") or "revision_" + (re.sub(r"[^a-z0-9]+", "_", revision.lower()).strip("_") or "x")


def next_version(directory: pathlib.Path) -> int:
    versions = [int(m.group(1)) for p in directory.iterdir() if (m := re.match(r"(\d+)_", p.name))]
    return max(versions, default=0) + 1


def convert(args) -> int:
    require_extra("sqlalchemy", "alembic")
    # Alembic applies prepend_sys_path relative to the current directory; the
    # ini's directory too, for a project converted from elsewhere.
    project.prepare_sys_path(args.prepend_sys_path + [str(args.ini.resolve().parent)], ini=args.ini)
    if args.migrations_dir.exists() and not args.migrations_dir.is_dir():
        raise ToolError(f"--migrations-dir {args.migrations_dir}: not a directory")
    history = alembic_render.History(args.ini, args.version_table)
    if not history.steps:
        raise ToolError(f"{args.ini}: no revisions to convert")
    rendered = history.render()
    version = next_version(args.migrations_dir) if args.migrations_dir.is_dir() else 1

    # Written to a temporary directory first: a failure leaves DIR as it was.
    staging = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-from-alembic-"))
    try:
        for number, migration in enumerate(rendered, start=version):
            name = f"{number:04d}_{slug(migration.step.script.doc, migration.step.revision)}"
            (staging / f"{name}.up.sql").write_text(migration.up)
            if migration.down is not None:
                (staging / f"{name}.down.sql").write_text(migration.down)
            else:
                print(f"{PROG}: {name}: no down file: Alembic revision {migration.step.revision}'s downgrade "
                      f"{migration.down_failure}", file=sys.stderr)
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
    merges = sum(m.step.is_merge for m in rendered)
    captured = [m for m in rendered if m.captured]
    print(f"{PROG}: {len(rendered)} revisions ({merges} merges, their empty ones as migrations without statements), "
          f"{len(captured)} captured online against an empty database"
          + (f" ({', '.join(m.step.revision for m in captured)})" if captured else "")
          + f", {sum(m.down is None for m in rendered)} without a down file", file=sys.stderr)
    dbinit = find_dbinit(required=False)
    if dbinit:
        lint_findings.print_findings(PROG, dbinit, args.migrations_dir,
                                     [path.name for path in written if path.name.endswith(".up.sql")])
    return 0


def _main(argv) -> int:
    return convert(arguments(argv))


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
