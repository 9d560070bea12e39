"""What the Python tests share: a throwaway PostgreSQL cluster, dbinit, paths.

Each cluster is made by scripts/lib/pg-scratch, as the scripts' and the C++
tests' are: a temp directory on a free loopback port, owned by the postgres
user when the tests run as root (initdb refuses root); it is stopped and
removed when its `with` block ends.
"""
import contextlib
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
DEMO = REPO / "demo"
# The server under test: the machine's PostgreSQL 15, unless
# DBINIT_TEST_POSTGRES_VERSION names another, which runs inside the root
# DBINIT_TEST_POSTGRES_ROOT (scripts/postgres17-root) with chroot.
PG_VERSION = os.environ.get("DBINIT_TEST_POSTGRES_VERSION") or "15"
PG_ROOT = os.environ.get("DBINIT_TEST_POSTGRES_ROOT") or ""
PG_BIN = pathlib.Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
PG_SCRATCH = REPO / "scripts" / "lib" / "pg-scratch"
# The tests run under the venv CTest names (DBINIT_TEST_PYTHON, made by
# scripts/python-env --package): its python, its console scripts, and the
# dbinit package installed in it from python/, as a user installs it.
PYTHON = sys.executable
VENV_BIN = pathlib.Path(sys.executable).parent
sys.path.insert(0, str(DEMO))


def venv_environ(env=None) -> dict:
    """An environment whose PATH starts with the venv's bin/ (uvicorn, alembic)."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def tool(name: str) -> str:
    """A console script of the installed package (dbinit-from-models), once
    the venv is known to hold python/ as it is now."""
    script = VENV_BIN / name
    if not script.is_file():
        raise unittest.SkipTest(f"{name} is not installed beside {sys.executable}: run the tests with the venv "
                                "of scripts/python-env --package requirements/test.txt (CTest: DBINIT_TEST_PYTHON)")
    import importlib.util
    installed = pathlib.Path(importlib.util.find_spec("dbinit_tools").origin).parent
    stale = [source.name for source in sorted((REPO / "python" / "dbinit_tools").glob("*.py"))
             if not (installed / source.name).is_file() or (installed / source.name).read_bytes() != source.read_bytes()]
    if stale:
        raise AssertionError(f"the venv's dbinit_tools ({installed}) differs from python/ in {', '.join(stale)}: "
                             "run scripts/python-env --package requirements/test.txt and reconfigure")
    return str(script)


def sqlalchemy_url(url: str) -> str:
    """A libpq URL with the driver SQLAlchemy should use: psycopg 3 when the
    venv has it, else psycopg2."""
    import importlib.util
    driver = "psycopg" if importlib.util.find_spec("psycopg") else "psycopg2"
    return url.replace("postgresql://", f"postgresql+{driver}://", 1)


def dbinit_binary() -> str:
    """The dbinit under test: $DBINIT (CTest sets it), else build/dbinit."""
    binary = os.path.abspath(os.environ.get("DBINIT") or str(REPO / "build" / "dbinit"))
    if not os.access(binary, os.X_OK):
        raise unittest.SkipTest(f"no dbinit at {binary}; set DBINIT")
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_tool(name):
    """The argv start of one of the server's client programs (pg_dump), from its root when it has one."""
    return (["chroot", PG_ROOT] if PG_ROOT else []) + [str(PG_BIN / name)]


class Cluster:
    """A PostgreSQL cluster (PG_VERSION) with a scram password for the postgres user."""

    def __init__(self, tls_from=None):
        """tls_from: a directory holding server.crt and server.key, served with ssl=on."""
        self.tls_from = tls_from
        self.port = free_port()
        self.password = "pw-" + secrets.token_hex(8)
        self.dir = None

    def __enter__(self):
        argv = [PG_SCRATCH, "new", "--version", PG_VERSION, "--password", self.password, "--port", str(self.port),
                "--name", "dbinit-pytest", "--set", "fsync = off"]
        if PG_ROOT:
            argv += ["--root", PG_ROOT]
        if self.tls_from:
            argv += ["--ssl", pathlib.Path(self.tls_from) / "server.crt", pathlib.Path(self.tls_from) / "server.key"]
        made = subprocess.run([str(a) for a in argv], capture_output=True, text=True)
        if made.returncode != 0:
            raise RuntimeError(f"scripts/lib/pg-scratch new exited {made.returncode}:\n{made.stderr}")
        self.dir = pathlib.Path(dict(line.split("=", 1) for line in made.stdout.splitlines())["dir"])
        return self

    def __exit__(self, *_):
        subprocess.run([str(PG_SCRATCH), "remove", self.dir], capture_output=True)

    def url(self, database="postgres") -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{database}"

    def environ(self, database="postgres", **extra) -> dict:
        """The environment for a tool that reaches `database` (DATABASE_URL, PGPASSWORD)."""
        env = dict(os.environ, DATABASE_URL=self.url(database), PGPASSWORD=self.password, PGHOST="127.0.0.1",
                   PGPORT=str(self.port), PGUSER="postgres", PGDATABASE=database)
        env.update(extra)
        return env

    def create_database(self, name: str) -> str:
        self.sql("postgres", f'CREATE DATABASE "{name}"', autocommit=True)
        return name

    @contextlib.contextmanager
    def connect(self, database="postgres", autocommit=False):
        import psycopg2
        connection = psycopg2.connect(self.url(database))
        connection.autocommit = autocommit
        try:
            yield connection
            if not autocommit:
                connection.commit()
        finally:
            connection.close()

    def sql(self, database, statement, parameters=None, autocommit=False):
        """Runs one statement; its rows, or None when it returns none."""
        with self.connect(database, autocommit) as connection, connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else None

    def engine(self, database):
        from sqlalchemy import create_engine
        return create_engine(sqlalchemy_url(self.url(database)))


def keep_in_suite_log(what, text):
    """With DBINIT_TEST_LOG_DIR set (scripts/test sets it), a child's output
    is kept there for scripts/check-secrets."""
    directory = os.environ.get("DBINIT_TEST_LOG_DIR")
    if directory:
        with open(os.path.join(directory, "python-tests.log"), "a") as log:
            log.write(f"$ {what}\n{text}\n")


def run_dbinit(cluster, database, *arguments, migrations_dir=None, check=True):
    """`dbinit ARGUMENTS` against `database`; the completed process (text)."""
    argv = [dbinit_binary()]
    if migrations_dir is not None:
        argv += ["--migrations-dir", str(migrations_dir)]
    argv += list(arguments)
    result = subprocess.run(argv, env=cluster.environ(database), capture_output=True, text=True, timeout=120)
    keep_in_suite_log(argv[0], result.stdout + result.stderr)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, argv))} exited {result.returncode}:\n{result.stderr}")
    return result


def without_password(text: str, cluster) -> str:
    """The log text, kept for the suite's check, once it holds no password."""
    keep_in_suite_log("a log checked by a test", text)
    assert cluster.password not in text, "a log line carries the database password"
    return text
