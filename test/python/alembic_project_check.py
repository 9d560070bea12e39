"""dbinit-from-alembic on any Alembic project, against alembic upgrade heads.

    alembic_project_check.py ALEMBIC_DIR --python VENV_PYTHON [--env NAME=VALUE]... [--cwd DIR]
    alembic_project_check.py --ini-template FILE --python VENV_PYTHON [--env NAME=VALUE]... --cwd DIR

Not a test of the suite: a harness for trying the tool on real projects, run
with the venv of requirements/test.txt (it starts its cluster as the tests
do). In a throwaway PostgreSQL cluster (support.Cluster, PostgreSQL 15 or
DBINIT_TEST_POSTGRES_VERSION), it runs `alembic upgrade heads` on one empty
database, converts the project with dbinit-from-alembic (this tree's
python/, run by VENV_PYTHON, a venv with the project's own pinned
requirements and psycopg) capturing on a second, applies the converted set
with dbinit ($DBINIT, else build/dbinit) to a third, and compares `pg_dump
--schema-only` of the first and the third, the version tables aside. It
prints the revision and merge counts, the revisions captured online, and
the comparison. Projects whose env.py reads its own variables get them with
--env NAME=VALUE, where VALUE may hold {host}, {port}, {user}, {password}
and {database}; a project that keeps no alembic.ini of its own (its CLI
builds Alembic's config) gets one from --ini-template, formatted the same
way and with {url}, written for each database. Exit 0 when the schemas are
equal, 1 when not.
"""
import argparse
import difflib
import os
import pathlib
import re
import shutil
import subprocess
import sys

from support import REPO, Cluster, dbinit_binary, pg_tool


def values(cluster, database):
    return {"host": "127.0.0.1", "port": cluster.port, "user": "postgres", "password": cluster.password,
            "database": database, "url": cluster.url(database)}


def project_for(args, cluster, database, directory):
    """The Alembic directory for a run against database."""
    if args.ini_template is None:
        return args.alembic.resolve()
    ini = directory / database / "alembic.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text(args.ini_template.read_text().format(**values(cluster, database)))
    return ini.parent


def environ(cluster, database, templates, python):
    env = cluster.environ(database)
    for template in templates:
        name, _, value = template.partition("=")
        env[name] = value.format(**values(cluster, database))
    env["PATH"] = f"{pathlib.Path(python).parent}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = str(REPO / "python")
    env["DBINIT"] = dbinit_binary()
    return env


def schema(cluster, database):
    dump = subprocess.run(pg_tool("pg_dump") + ["--schema-only", "--no-owner", "-T", "alembic_version",
                                                "-T", "dbinit_schema_history", cluster.url(database)],
                          capture_output=True, text=True, check=True).stdout
    return re.sub(r"^\\(un)?restrict .*$", "", dump, flags=re.MULTILINE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("alembic", type=pathlib.Path, nargs="?")
    parser.add_argument("--ini-template", type=pathlib.Path)
    parser.add_argument("--python", required=True)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--cwd", type=pathlib.Path)
    args = parser.parse_args()
    if (args.alembic is None) == (args.ini_template is None):
        parser.error("give ALEMBIC_DIR or --ini-template")
    cwd = args.cwd or args.alembic
    out = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"alembic-check-{os.getpid()}"
    inis = out.with_name(out.name + "-ini")  # they hold the cluster's password: removed at the end
    try:
        return check(args, cwd, out, inis)
    finally:
        shutil.rmtree(inis, ignore_errors=True)


def check(args, cwd, out, inis):
    with Cluster() as cluster:
        for database in ("by_alembic", "scratch", "by_dbinit"):
            cluster.create_database(database)
        ini = str(project_for(args, cluster, "by_alembic", inis) / "alembic.ini")
        upgrade = subprocess.run([args.python, "-m", "alembic", "-c", ini, "upgrade", "heads"], cwd=cwd,
                                 env=environ(cluster, "by_alembic", args.env, args.python),
                                 capture_output=True, text=True)
        if upgrade.returncode:
            sys.exit(f"alembic upgrade heads failed:\n{upgrade.stderr[-3000:]}")
        converted = subprocess.run([args.python, "-m", "dbinit_tools.from_alembic",
                                    str(project_for(args, cluster, "scratch", inis)),
                                    "--migrations-dir", str(out)], cwd=cwd,
                                   env=environ(cluster, "scratch", args.env, args.python), capture_output=True, text=True)
        tool_lines = [line for line in converted.stderr.splitlines() if line.startswith("dbinit-from-alembic")]
        print("\n".join(tool_lines))
        if converted.returncode:
            sys.exit(f"dbinit-from-alembic exited {converted.returncode}:\n{converted.stderr[-3000:]}")
        applied = subprocess.run([dbinit_binary(), "--migrations-dir", str(out), "migrate"],
                                 env=cluster.environ("by_dbinit"), capture_output=True, text=True)
        if applied.returncode:
            sys.exit(f"dbinit migrate exited {applied.returncode}:\n{applied.stderr[-3000:]}")
        expected, got = schema(cluster, "by_alembic"), schema(cluster, "by_dbinit")
        tables = len(re.findall(r"^CREATE TABLE ", expected, re.MULTILINE))
        if expected == got:
            print(f"schema: equal (pg_dump --schema-only, {tables} tables, {len(expected.splitlines())} lines); "
                  f"converted set in {out}")
            return 0
        print(f"schema: DIFFERENT ({tables} tables); converted set in {out}")
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                                   "alembic upgrade heads", "dbinit migrate"))
        return 1


if __name__ == "__main__":
    sys.exit(main())
