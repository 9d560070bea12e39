"""Writes the next dbinit migration from your SQLModel models.

    dbinit-from-models app.models --initial --name initial
    DATABASE_URL=postgresql://...scratch... dbinit-from-models app.models --name add_tags
    DATABASE_URL=postgresql://... dbinit-from-models app.models --check

Alembic's "autogenerate from SQLModel.metadata", with plain SQL as the result.
Run it from your project's directory: it imports MODULE[,MODULE...] as
Alembic imports env.py (the current directory, prepend_sys_path from
./alembic.ini, and --prepend-sys-path), which registers the table models in
SQLModel.metadata. Then:

  --initial  writes the first migration, DIR/0001_NAME.up.sql and .down.sql:
             the whole schema of the models (CREATE TABLE ...), no database
             needed. DIR must hold no migration yet. On a database that
             SQLModel.metadata.create_all made, `dbinit migrate --baseline 1`
             records it without running it.
  (default)  brings the scratch database named by DATABASE_URL to the current
             head with `dbinit migrate`, diffs the models against it with
             Alembic's autogenerate (types and server defaults compared; check
             constraints too, which Alembic leaves out), and writes the next
             DIR/NNNN_NAME.up.sql and .down.sql.
  --check    compares the models with the database at DATABASE_URL as it is
             (nothing migrated, nothing written), one line per difference;
             exit 0 when they agree, 1 when not.

The files are numbered by `dbinit new`, rendered by Alembic in its offline
(--sql) mode, checked by dbinit, and what `dbinit lint` finds in the new up
file is printed as warnings. dbinit is $DBINIT, else the one installed with
this package, else the one on PATH. Nothing to write: a message and exit 1.
A bad argument or project: one line and exit 2; the database unreachable:
exit 3. Review what it wrote: autogenerate cannot see renames, and a NOT NULL
column added to a table with rows needs a default or a backfill (it warns).
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys
from typing import List, Optional, Sequence

from dbinit_tools import database, lint_findings, project
from dbinit_tools.binary import find_dbinit
from dbinit_tools.cli import Parser, ToolError, add_common_options, require_extra, run

PROG = "dbinit-from-models"
NAME_RULE = "lower-case letters, digits and underscores, e.g. add_user_id"


def arguments(argv: Optional[Sequence[str]]):
    parser = Parser(prog=PROG, description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", metavar="MODULE[,MODULE...]", help="modules defining the table models")
    parser.add_argument("--name", help=f"the migration's name: {NAME_RULE}")
    parser.add_argument("--migrations-dir", metavar="DIR", default="sql", type=pathlib.Path,
                        help="the migration set (default: sql)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--initial", action="store_true", help="write the first migration, the whole schema")
    mode.add_argument("--check", action="store_true", help="list how the models and the database differ")
    add_common_options(parser)
    args = parser.parse_args(argv)
    args.modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    if not args.modules:
        raise ToolError("no module given: expected MODULE[,MODULE...], e.g. app.models")
    if args.check:
        if args.name is not None:
            raise ToolError("--check writes nothing: drop --name")
        return args
    if args.name is None:
        raise ToolError(f"--name is required: the migration's name, {NAME_RULE}")
    if not re.fullmatch(r"[a-z0-9_]+", args.name):
        raise ToolError(f"invalid --name {args.name!r}: expected {NAME_RULE}")
    if not args.migrations_dir.is_dir():
        raise ToolError(f"--migrations-dir {args.migrations_dir}: no such directory")
    return args


def load_models(args):
    searched = project.prepare_sys_path(args.prepend_sys_path)
    project.import_modules(args.modules, searched)
    from dbinit_tools import models_schema
    metadata = models_schema.sqlmodel_metadata()
    if not [t for t in metadata.sorted_tables if t.name not in models_schema.TOOL_TABLES]:
        raise ToolError(f"{', '.join(args.modules)} define no table models (SQLModel classes with table=True)")
    return metadata


def dbinit_env(libpq_url: Optional[str]) -> dict:
    """The environment for dbinit: DATABASE_URL in libpq's form, or none."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if libpq_url:
        env["DATABASE_URL"] = libpq_url
    return env


def bring_to_head(dbinit: str, directory: pathlib.Path, env: dict) -> None:
    result = subprocess.run([dbinit, "--migrations-dir", str(directory), "migrate"], capture_output=True, text=True,
                            env=env)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise ToolError(f"dbinit migrate exited {result.returncode}: the scratch database is not at the current head",
                        result.returncode)


def connected(sqlalchemy_url: str, work):
    """work(connection)'s result; an unreachable database is exit 3."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError
    engine = create_engine(sqlalchemy_url)  # database.urls has parsed it
    try:
        with engine.connect() as connection:
            return work(connection)
    except SQLAlchemyError as error:
        raise ToolError(f"cannot compare with the database: {database.first_line(error)}", 3)
    finally:
        engine.dispose()


def check(args) -> int:
    _, sqlalchemy_url = database.urls("the database to compare the models with")
    metadata = load_models(args)
    from dbinit_tools import models_schema
    found = connected(sqlalchemy_url, lambda c: models_schema.differences(c, metadata))
    for line in found:
        print(line)
    if found:
        print(f"{PROG}: {len(found)} differences between {', '.join(args.modules)} and the database", file=sys.stderr)
        return 1
    print(f"{PROG}: {', '.join(args.modules)} and the database agree", file=sys.stderr)
    return 0


def existing_migrations(directory: pathlib.Path) -> List[str]:
    return sorted(p.name for p in directory.iterdir() if re.match(r"\d+_.*\.up\.sql$", p.name))


def write(args, dbinit: str, upgrade, downgrade, source: str, env: dict) -> List[pathlib.Path]:
    """The pair of files, numbered by `dbinit new`, checked by dbinit; none
    left behind when dbinit refuses them."""
    from dbinit_tools import models_schema
    created = subprocess.run([dbinit, "new", args.name, "--migrations-dir", str(args.migrations_dir)],
                             capture_output=True, text=True, env=env)
    if created.returncode != 0:
        sys.stderr.write(created.stderr)
        raise ToolError(f"dbinit new exited {created.returncode}", created.returncode)
    up_path, down_path = (pathlib.Path(p) for p in created.stdout.split())
    header = (f"-- {up_path.name.split('.')[0]}: generated by {PROG} from {', '.join(args.modules)}\n"
              f"-- ({source}, rendered as SQL). Review it before committing.\n\n")
    up_path.write_text(header + models_schema.render_sql(upgrade))
    down_path.write_text(header.replace("generated", "the reverse, generated") + models_schema.render_sql(downgrade))
    checked = subprocess.run([dbinit, "--migrations-dir", str(args.migrations_dir), "--version"],
                             capture_output=True, text=True, env=env)
    if checked.returncode != 0:
        up_path.unlink()
        down_path.unlink()
        sys.stderr.write(checked.stderr)
        raise ToolError("the generated migration is not a valid dbinit migration; nothing was written")
    for column in models_schema.risky_columns(upgrade):
        print(f"{PROG}: warning: {column} is added NOT NULL without a server default; on a table with rows this "
              "fails: give it a server_default or backfill it first", file=sys.stderr)
    lint_findings.print_findings(PROG, dbinit, args.migrations_dir, [up_path], env=env)
    print(up_path)
    print(down_path)
    return [up_path, down_path]


def initial(args) -> int:
    existing = existing_migrations(args.migrations_dir)
    if existing:
        raise ToolError(f"--initial writes the first migration, and {args.migrations_dir} holds {len(existing)} "
                        f"(up to {existing[-1]}): without --initial, the next one is written from a scratch database")
    dbinit = find_dbinit()
    metadata = load_models(args)
    from dbinit_tools import models_schema
    upgrade, downgrade = models_schema.initial_ops(metadata)
    write(args, dbinit, upgrade, downgrade, "the whole schema of the models", env=dbinit_env(None))
    return 0


def next_migration(args) -> int:
    dbinit = find_dbinit()
    libpq_url, sqlalchemy_url = database.urls("a scratch database, which this brings to the current head")
    env = dbinit_env(libpq_url)
    metadata = load_models(args)
    bring_to_head(dbinit, args.migrations_dir, env)
    from dbinit_tools import models_schema
    upgrade, downgrade = connected(sqlalchemy_url, lambda c: models_schema.migration_ops(c, metadata))
    if upgrade.is_empty():
        print(f"{PROG}: nothing to write: the models in {', '.join(args.modules)} and the database migrated with "
              f"{args.migrations_dir} agree", file=sys.stderr)
        return 1
    write(args, dbinit, upgrade, downgrade, "Alembic autogenerate against the current head", env=env)
    return 0


def _main(argv) -> int:
    args = arguments(argv)
    require_extra("sqlalchemy", "sqlmodel", "alembic")
    if args.check:
        return check(args)
    return initial(args) if args.initial else next_migration(args)


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
