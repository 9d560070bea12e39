"""The tools' commands as the sections run them, each against a database of a
cluster under an application name (which the statement log shows), and the
checks that a run left the schema it should have.

The tools: dbinit (build-static/dbinit, or build-bench/dbinit with the
generated migrations embedded), `alembic upgrade head`, bench/noop_check.sh
(pg_isready + psql) and the floor, bench/floor_client.c (scripts/bench
builds it like dbinit).
"""
import dataclasses
import hashlib
import pathlib
from dataclasses import dataclass

from .cluster import Cluster
from .report import REPO
from .runner import BenchError, Runner, require

CHATBOT_TABLES = ("conversations", "messages")
# sql/ (the product's migrations) and bench/alembic/versions hold the same steps.
PRODUCT_MIGRATIONS = len(list((REPO / "sql").glob("*.up.sql")))


def file_checksum(path: pathlib.Path) -> str:
    """dbinit's migration checksum: SHA-256 of the file without a BOM, with LF line endings."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def floor_build(binary_kind: str) -> str:
    """How the floor client is linked: as dbinit is (scripts/bench)."""
    if binary_kind == "static":
        return "static, against the same static libpq and OpenSSL, stripped"
    return "dynamic OpenSSL, against the same libpq 17 as the dynamic dbinit benchmarked here, stripped"


def concatenate_migrations(directory: pathlib.Path, count: int, work: pathlib.Path) -> tuple:
    """The migrations build-bench/dbinit embeds, in order, as files for the floor client, which
    sends "BEGIN;", a file and "COMMIT;": all in one transaction; and each in its own (the
    least a client can do when every migration is its own transaction, as in dbinit), every
    commit but the last asynchronous, as dbinit's."""
    files = sorted(directory.glob("*.up.sql"))
    if len(files) != count:
        raise BenchError(f"{directory} holds {len(files)} migrations, not {count}")
    texts = [file.read_text() for file in files]
    together = work / "many.sql"
    together.write_text("".join(texts))
    apart = work / "many_transactions.sql"
    # Each file ends with its semicolon (bench/generate_migrations.py).
    apart.write_text("".join(f"SET LOCAL synchronous_commit = off;\n{text}COMMIT;\nBEGIN;\n" for text in texts[:-1]) +
                     texts[-1])
    return str(together), str(apart)


@dataclass(frozen=True)
class Tools:
    runner: Runner
    cluster: Cluster  # where the commands run; on() gives the same tools on another
    dbinit: str
    dbinit_many: str  # build-bench/dbinit, with `many` migrations embedded
    many: int
    floor: str
    many_sql: str  # the floor's input: the many migrations as one transaction
    many_transactions_sql: str  # and each in its own
    alembic: str
    alembic_ini: str
    alembic_many_ini: str
    noop_script: str
    expected_history: str  # what bench/noop_check.sh compares: version:checksum, as dbinit computes them

    @classmethod
    def from_args(cls, args, runner: Runner, cluster: Cluster) -> "Tools":
        """The tools of bench/run.py's arguments; without --many (section 1 alone), none of the many migrations'."""
        many_sql, many_transactions_sql = (
            concatenate_migrations(pathlib.Path(args.many_migrations_dir), args.many, runner.work) if args.many
            else (None, None))
        return cls(
            runner=runner, cluster=cluster, dbinit=args.dbinit, dbinit_many=args.dbinit_many, many=args.many,
            floor=args.floor_client, many_sql=many_sql, many_transactions_sql=many_transactions_sql,
            alembic=runner.which("alembic"),
            alembic_ini=str(pathlib.Path(args.alembic_dir).resolve() / "alembic.ini"),
            alembic_many_ini=str(pathlib.Path(args.alembic_many_dir).resolve() / "alembic.ini") if args.many else None,
            noop_script=str(REPO / "bench" / "noop_check.sh"),
            expected_history=",".join(f"{int(path.name.split('_')[0])}:{file_checksum(path)}"
                                      for path in sorted(pathlib.Path(args.sql_dir).glob("*.up.sql"))))

    def on(self, cluster: Cluster) -> "Tools":
        return dataclasses.replace(self, cluster=cluster)

    # The commands of each tool, against `database` as `application`: (argv, env).
    def dbinit_migrate(self, database, application, slow=False, binary=None):
        return [binary or self.dbinit, "migrate"], self.runner.env(
            DATABASE_URL=self.cluster.url(database, application, slow))

    def alembic_upgrade(self, database, application, slow=False, ini=None):
        return [self.alembic, "-c", ini or self.alembic_ini, "upgrade", "head"], self.runner.env(
            DATABASE_URL=self.cluster.url(database, application, slow))

    def floor_noop(self, database, application, slow=False):
        return [self.floor, "noop"], self.runner.env(DATABASE_URL=self.cluster.url(database, application, slow))

    def floor_many(self, database, application, slow=False, apart=False):
        return [self.floor, "many", self.many_transactions_sql if apart else self.many_sql], self.runner.env(
            DATABASE_URL=self.cluster.url(database, application, slow))

    def shell_check(self, database, application, slow=False):
        return ["/bin/bash", self.noop_script], self.runner.env(
            DATABASE_URL=self.cluster.url(database, application, slow), EXPECTED_HISTORY=self.expected_history)

    def fresh_command(self, tool, prefix, slow=False, many=False):
        """A command that runs `tool` on a new database: () -> (argv, env, database)."""
        def command():
            database = self.cluster.create_database(f"{prefix}_{tool}")
            if tool == "dbinit":
                argv, env = self.dbinit_migrate(database, "bench_dbinit", slow,
                                                binary=self.dbinit_many if many else None)
            elif tool in ("floor", "floor_apart"):  # only the many migrations have a floor
                argv, env = self.floor_many(database, "bench_floor", slow, apart=tool == "floor_apart")
            else:
                argv, env = self.alembic_upgrade(database, "bench_alembic", slow,
                                                 ini=self.alembic_many_ini if many else None)
            return argv, env, database
        return command

    # Checks that a run left the schema it should have.
    def check_chatbot_schema(self, database, tool):
        tables = {row[0] for row in self.cluster.query(
            database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        if not set(CHATBOT_TABLES) <= tables:
            return False
        if tool == "dbinit":
            rows = self.cluster.query(database, "SELECT version, state FROM dbinit_schema_history ORDER BY version")
            return rows == [(version, "applied") for version in range(1, PRODUCT_MIGRATIONS + 1)]
        return self.cluster.query(database, "SELECT version_num FROM alembic_version") == [(f"{PRODUCT_MIGRATIONS:04d}",)]

    def check_many_schema(self, database, tool=None):
        count = self.cluster.query(database, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench_step_%'")
        return count[0][0] == self.many

    def check_and_drop(self, check):
        """After a run on its own new database (Runner.compare's `after`): check(database, tool)
        must hold; then the database is dropped."""
        def after(database, tool):
            require(check(database, tool), f"{tool} left a wrong schema in {database}")
            self.cluster.drop_database(database)
        return after
