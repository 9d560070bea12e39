"""What the Python tests share: a throwaway PostgreSQL cluster, dbinit, paths.

Each cluster lives in a temp directory on a free loopback port, is owned by
the postgres user when the tests run as root (initdb refuses root), and is
stopped and removed when its `with` block ends.
"""
import contextlib
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
DEMO = REPO / "demo"
# The server under test: the machine's PostgreSQL 15, unless
# DBINIT_TEST_POSTGRES_VERSION names another, which runs inside the root
# DBINIT_TEST_POSTGRES_ROOT (scripts/postgres17-root) with chroot.
PG_VERSION = os.environ.get("DBINIT_TEST_POSTGRES_VERSION") or "15"
PG_ROOT = os.environ.get("DBINIT_TEST_POSTGRES_ROOT") or ""
PG_BIN = pathlib.Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
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


def as_postgres(argv):
    if os.geteuid() != 0:
        return list(argv)
    return (["chroot", PG_ROOT] if PG_ROOT else []) + ["runuser", "-u", "postgres", "--"] + [str(a) for a in argv]


def pg_tool(name):
    """The argv start of one of the server's client programs (pg_dump), from its root when it has one."""
    return (["chroot", PG_ROOT] if PG_ROOT else []) + [str(PG_BIN / name)]


def give_to_postgres(path):
    """Owned by the postgres user of the system the server runs in (a root's own uid)."""
    if os.geteuid() != 0:
        return
    for line in pathlib.Path(PG_ROOT + "/etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == "postgres":
            os.chown(path, int(fields[2]), int(fields[3]))
            return
    raise RuntimeError(f"no postgres user in {PG_ROOT}/etc/passwd")


def inside(path) -> pathlib.Path:
    """A path as the server sees it: inside its root, when it runs in one."""
    return pathlib.Path("/" + str(pathlib.Path(path).relative_to(PG_ROOT or "/")))


class Cluster:
    """A PostgreSQL cluster (PG_VERSION) with a scram password for the postgres user."""

    def __init__(self, tls_from=None):
        """tls_from: a directory holding server.crt and server.key, served with ssl=on."""
        self.tls_from = tls_from
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-pytest-", dir=(PG_ROOT + "/tmp") if PG_ROOT else None))
        self.port = free_port()
        self.password = "pw-" + secrets.token_hex(8)
        self.data = self.dir / "data"

    def __enter__(self):
        try:
            return self._start()
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)  # __exit__ does not run when __enter__ fails
            raise

    def _start(self):
        give_to_postgres(self.dir)
        password_file = self.dir / "pw"
        password_file.write_text(self.password + "\n")
        give_to_postgres(password_file)
        subprocess.run(as_postgres([PG_BIN / "initdb", "-D", inside(self.data), "-U", "postgres",
                                    "--auth=scram-sha-256", f"--pwfile={inside(password_file)}", "--no-sync"]),
                       check=True, capture_output=True)
        password_file.unlink()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {inside(self.dir)} -c fsync=off"
        if PG_ROOT:
            options += " -c dynamic_shared_memory_type=mmap"  # a root has no /dev/shm of its own
        if self.tls_from:
            # The server refuses a key others can read; the postgres user must own both.
            for name in ("server.crt", "server.key"):
                shutil.copy(pathlib.Path(self.tls_from) / name, self.dir / name)
                os.chmod(self.dir / name, 0o600)
                give_to_postgres(self.dir / name)
            options += (f" -c ssl=on -c ssl_cert_file={inside(self.dir / 'server.crt')}"
                        f" -c ssl_key_file={inside(self.dir / 'server.key')}")
        subprocess.run(as_postgres([PG_BIN / "pg_ctl", "-D", inside(self.data), "-l", inside(self.dir / "server.log"),
                                    "-w", "-o", options, "start"]), check=True, capture_output=True)
        return self

    def __exit__(self, *_):
        subprocess.run(as_postgres([PG_BIN / "pg_ctl", "-D", inside(self.data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

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
