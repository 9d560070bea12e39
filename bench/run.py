#!/usr/bin/env python3
"""The measurements of scripts/bench; run it through that script, which
installs the tools, builds the binaries and starts the cluster and the proxy.

Every tool runs as a child spawned with posix_spawn, and wall time is
measured around spawn..wait4. Peak RSS comes from separate runs under GNU
time (%M: the largest resident set of the process and the children it waited
for): a child of this Python process would start with the parent's resident
set as its high-water mark. Each row prints as soon as it is measured; all of
them, with the machine and the date, go to --out, and a chart of them to
--chart (bench/chart.py).

The floor rows run bench/floor_client.c, built like dbinit: the least a libpq
client can do for the same work, so that dbinit's cost above it is its own.
"""
import argparse
import datetime
import hashlib
import math
import os
import pathlib
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import psycopg2

from chart import Panel, write_svg

QUICK = os.environ.get("BENCH_QUICK") == "1"
GNU_TIME = "/usr/bin/time"
CHATBOT_TABLES = ("conversations", "messages")
# sql/ (the product's migrations) and bench/alembic/versions hold the same steps.
PRODUCT_MIGRATIONS = len(list((pathlib.Path(__file__).resolve().parents[1] / "sql").glob("*.up.sql")))


def reps(full: int, quick: int) -> int:
    return quick if QUICK else full


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --- running things ---------------------------------------------------------------

@dataclass
class Run:
    wall: float  # seconds
    rss_kb: int
    exit_code: int
    stderr_path: pathlib.Path


def spawn(argv, env, stderr_path: pathlib.Path) -> int:
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, str(stderr_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    return os.posix_spawn(argv[0], argv, env, file_actions=actions)


def error_line(path: pathlib.Path) -> str:
    """The line of a failed run's stderr that names the error."""
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception)\b", line) or re.search(r"\bERROR\b", line):
            return line.strip()
    return lines[-1].strip() if lines else ""


def last_lines(path: pathlib.Path, count: int = 5) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").strip().splitlines()[-count:])
    except OSError:
        return ""


class Runner:
    def __init__(self, work: pathlib.Path):
        self.work = work
        self.base_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(work)}

    def env(self, **extra) -> dict:
        return {**self.base_env, **extra}

    def run(self, argv, env, check: bool = True, rss: bool = False) -> Run:
        """Runs argv; with rss, under GNU time, whose %M goes to Run.rss_kb (wall then includes time's own start)."""
        stderr_path = self.work / "stderr.txt"
        rss_path = self.work / "rss.txt"
        spawned = [GNU_TIME, "-f", "%M", "-o", str(rss_path), "--"] + list(argv) if rss else argv
        start = time.perf_counter()
        pid = spawn(spawned, env, stderr_path)
        _, status, _ = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        peak = int(rss_path.read_text().split()[-1]) if rss else 0
        result = Run(wall, peak, os.waitstatus_to_exitcode(status), stderr_path)
        if check and result.exit_code != 0:
            raise BenchError(f"{' '.join(argv)} exited with {result.exit_code}:\n{last_lines(stderr_path, 15)}")
        return result

    def run_at_once(self, argv, env, count: int):
        """Starts `count` copies as fast as possible; returns (total seconds, runs)."""
        paths = [self.work / f"replica-{i}.stderr" for i in range(count)]
        start = time.perf_counter()
        pids = {spawn(argv, env, path): path for path in paths}
        runs = []
        while pids:
            pid, status, _ = os.wait4(-1, 0)
            if pid in pids:
                runs.append(Run(time.perf_counter() - start, 0, os.waitstatus_to_exitcode(status), pids.pop(pid)))
        return time.perf_counter() - start, runs


# --- the cluster and its log ------------------------------------------------------

LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+ \[(\d+)\] app=(\S*) (\w+):  (.*)$")


@dataclass
class Session:
    received: datetime.datetime
    authorized: datetime.datetime = None
    ended: datetime.datetime = None
    application: str = ""
    statements: int = 0
    server_seconds: float = 0.0  # the statements' execution time (log_duration)
    # The server's idle time before each log line after the authorization, in
    # seconds: the time since the line before, less the work a duration line
    # reports (which began after the wait). A wait for the client shows here;
    # the time a statement runs does not.
    waits: list = field(default_factory=list)
    last_line: datetime.datetime = None


@dataclass
class LinkStats:
    """What the server saw of one run: sessions and statements."""
    sessions: list = field(default_factory=list)

    @property
    def connections(self) -> int:
        return len(self.sessions)

    @property
    def statements(self) -> int:
        return sum(session.statements for session in self.sessions)

    def round_trips_after_connect(self, rtt: float, offset: float = 0.0) -> float:
        """Server time from 'authorized' to 'disconnection', less the time spent
        executing statements, in round trips.

        The interval also holds one extra round trip: the way of the last
        authentication message to the client and of the client's close back
        to the server. What remains beyond whole round trips is the client's
        own work. Sessions without authentication (pg_isready's probe) count 0.
        `offset` is subtracted per session: what a connect-and-close session
        measures (the server's own start-up after the authorization line).
        """
        total = 0.0
        for session in self.sessions:
            if session.authorized and session.ended:
                idle = (session.ended - session.authorized).total_seconds() - session.server_seconds
                total += idle / rtt - 1 - offset
        return total

    def whole_round_trips_after_connect(self, rtt: float) -> int:
        """The server's idle times after the first, each in whole round trips
        (rounded down, with a tenth of a round trip for the log's millisecond
        timestamps), summed over the run's connections.

        Each answer the server sends costs one wait of at least a round trip
        (the answer's way out, the next message's or the close's way back); a
        round trip the log does not show (a protocol message without a
        statement) makes a wait a round trip longer. The client's own work
        between round trips lengthens a wait by less than a round trip, even
        on a busy machine, and counts nothing: unlike round_trips_after_connect,
        the figure is a whole number. The first idle time (the last start-up
        message out, the first message back, with the server's own start-up)
        is the connection's, as there.
        """
        return sum(math.floor(wait / rtt + 0.1) for session in self.sessions
                   if session.authorized and session.ended for wait in session.waits[1:])


class Cluster:
    def __init__(self, port: int, proxy_port: int, password: str, log_path: pathlib.Path):
        self.port, self.proxy_port, self.password, self.log_path = port, proxy_port, password, log_path
        self.admin = self.connect("postgres")
        self.databases = 0

    def connect(self, database: str, slow: bool = False, application: str = "bench_admin"):
        connection = psycopg2.connect(host="127.0.0.1", port=self.proxy_port if slow else self.port, user="postgres",
                                      password=self.password, dbname=database, application_name=application)
        connection.autocommit = True
        return connection

    def url(self, database: str, application: str, slow: bool = False) -> str:
        port = self.proxy_port if slow else self.port
        return f"postgresql://postgres:{self.password}@127.0.0.1:{port}/{database}?application_name={application}"

    def create_database(self, prefix: str) -> str:
        self.databases += 1
        name = f"{prefix}_{self.databases}"
        with self.admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        with self.admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")

    def query(self, database: str, sql: str):
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()

    def setting(self, name: str) -> str:
        with self.admin.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    def log_offset(self) -> int:
        return self.log_path.stat().st_size

    def link_stats(self, start: int) -> LinkStats:
        """Sessions that began after log offset `start`, once all of them ended."""
        deadline = time.monotonic() + 5
        while True:
            with self.log_path.open("rb") as log:
                log.seek(start)
                text = log.read().decode(errors="replace")
            sessions = self.parse_sessions(text)
            if all(s.ended or not s.authorized for s in sessions) or time.monotonic() > deadline:
                return LinkStats(sessions)
            time.sleep(0.05)

    @staticmethod
    def parse_sessions(text: str) -> list:
        sessions, current = [], {}
        for line in text.splitlines():
            match = LOG_LINE.match(line)
            if not match:
                continue  # continuation of a multi-line statement
            stamp, pid, _, level, message = match.groups()
            when = datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f")
            if message.startswith("connection received:"):
                current[pid] = Session(received=when)
                sessions.append(current[pid])
                continue
            session = current.get(pid)
            if session is None:
                continue  # the admin connection, or a session begun before `start`
            if session.authorized:
                work = float(message.split()[1]) / 1000 if level == "LOG" and message.startswith("duration: ") else 0
                session.waits.append((when - session.last_line).total_seconds() - work)
            session.last_line = when
            if message.startswith("connection authorized:"):
                session.authorized = when
                found = re.search(r"application_name=(\S+)", message)
                session.application = found.group(1) if found else ""
            elif level == "LOG" and (message.startswith("statement: ") or message.startswith("execute ")):
                session.statements += 1
            elif level == "LOG" and message.startswith("duration: "):
                session.server_seconds += float(message.split()[1]) / 1000
            elif message.startswith("disconnection:"):
                session.ended = when
        return sessions


# --- statistics and Markdown ----------------------------------------------------

def spread(values):
    """(median, 10th percentile, 90th percentile)."""
    values = list(values)
    middle = statistics.median(values)
    if len(values) < 2:
        return middle, middle, middle
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return middle, deciles[0], deciles[-1]


def ms(seconds: float) -> str:
    value = seconds * 1000
    if abs(value) >= 10000:
        return f"{seconds:.1f} s"
    if abs(value) >= 1000:
        return f"{seconds:.2f} s"
    if abs(value) >= 100:
        return f"{value:.0f} ms"
    if abs(value) >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def mib(kb: float) -> str:
    return f"{kb / 1024:.1f} MiB"


def with_spread(values, unit=ms) -> str:
    middle, low, high = spread(values)
    return f"{unit(middle)} ({unit(low)}–{unit(high)})"


def ratio(ours: float, theirs: float) -> str:
    if theirs == 0:
        return "–"
    value = ours / theirs
    return f"{value:.0f}" if value >= 10 else f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def time_panel(title: str, bars) -> Panel:
    """A chart panel of wall times; bars: (label, seconds, role), role as in bench/chart.py."""
    panel = Panel(title, "wall time, ms")
    for label, seconds, role in bars:
        panel.add(label, seconds * 1000, ms(seconds), role)
    return panel


def role(tool: str) -> str:
    return {"dbinit": "ours", "floor": "floor"}.get(tool, "other")


def plural(count: str, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == "1" else "s")


REPO = pathlib.Path(__file__).resolve().parent.parent


def shown_path(path: str) -> str:
    """A path as results.md shows it: relative to the repository when inside it (no machine's checkout)."""
    resolved = pathlib.Path(path).resolve()
    return str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else path


def table(headers, rows) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


class Report:
    def __init__(self):
        self.sections = []

    def add(self, text: str) -> None:
        self.sections.append(text)
        print(text + "\n", flush=True)


def file_checksum(path: pathlib.Path) -> str:
    """dbinit's migration checksum: SHA-256 of the file without a BOM, with LF line endings."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


# --- the benchmarks ---------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.rtt = args.rtt_ms / 1000
        self.work = pathlib.Path(args.work)
        self.runner = Runner(self.work)
        self.cluster = Cluster(args.pg_port, args.proxy_port, args.password, pathlib.Path(args.server_log))
        # Section 3 only, without the delaying proxy (scripts/bench: its data is in RAM).
        self.ram_cluster = Cluster(args.ram_pg_port, args.proxy_port, args.password, pathlib.Path(args.ram_server_log))
        self.report = Report()
        self.summary = []  # one line per row, for the top of the results
        self.goals = []  # the goals of the issue, each with its figures and "met" or "not met"
        self.panels = []  # the chart, one Panel per comparison
        self.floor = args.floor_client
        self.many_sql, self.many_transactions_sql = self.concatenate_migrations(pathlib.Path(args.many_migrations_dir))
        self.alembic = self.which("alembic")
        self.alembic_ini = str(pathlib.Path(args.alembic_dir).resolve() / "alembic.ini")
        self.alembic_many_ini = str(pathlib.Path(args.alembic_many_dir).resolve() / "alembic.ini")
        self.noop_script = str(pathlib.Path(__file__).resolve().parent / "noop_check.sh")
        # What bench/noop_check.sh compares: version:checksum, as dbinit computes them.
        self.expected_history = ",".join(
            f"{int(path.name.split('_')[0])}:{file_checksum(path)}"
            for path in sorted(pathlib.Path(args.sql_dir).glob("*.up.sql")))

    def concatenate_migrations(self, directory: pathlib.Path) -> tuple:
        """The migrations build-bench/dbinit embeds, in order, as files for the floor client, which
        sends "BEGIN;", a file and "COMMIT;": all in one transaction; and each in its own (the
        least a client can do when every migration is its own transaction, as in dbinit), every
        commit but the last asynchronous, as dbinit's."""
        files = sorted(directory.glob("*.up.sql"))
        if len(files) != self.args.many:
            raise BenchError(f"{directory} holds {len(files)} migrations, not {self.args.many}")
        texts = [file.read_text() for file in files]
        together = self.work / "many.sql"
        together.write_text("".join(texts))
        apart = self.work / "many_transactions.sql"
        # Each file ends with its semicolon (bench/generate_migrations.py).
        apart.write_text("".join(f"SET LOCAL synchronous_commit = off;\n{text}COMMIT;\nBEGIN;\n" for text in texts[:-1]) +
                         texts[-1])
        return str(together), str(apart)

    def floor_build(self) -> str:
        """How the floor client is linked: as dbinit is (scripts/bench)."""
        if self.args.binary_kind == "static":
            return "static, against the same static libpq and OpenSSL, stripped"
        return "dynamic, against Debian's libpq, like the dynamic dbinit benchmarked here, stripped"

    def goal(self, text: str, met: bool) -> None:
        self.goals.append(f"{text}: **{'met' if met else 'not met'}**.")

    def which(self, name: str) -> str:
        """A program from the system PATH the tools run with (never a pyenv shim)."""
        path = shutil.which(name, path=self.runner.base_env["PATH"])
        if not path:
            raise BenchError(f"{name} not found in {self.runner.base_env['PATH']}")
        return path

    # The commands of each tool, against `database` as `application`.
    def dbinit_migrate(self, database, application, slow=False, binary=None):
        return [binary or self.args.dbinit, "migrate"], self.runner.env(
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

    def check_many_schema(self, database):
        count = self.cluster.query(database, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench_step_%'")
        return count[0][0] == self.args.many

    def require(self, ok: bool, what: str) -> None:
        if not ok:
            raise BenchError(what)

    def compare(self, commands, runs: int, rss_runs: int, check=None):
        """Runs each tool's command `runs` times for wall time and `rss_runs` times
        under GNU time for peak RSS, tools interleaved.

        commands: tool -> () -> (argv, env, database). With `check`, each run
        gets its own new database, checked with check(database, tool) and dropped.
        Returns ({tool: [seconds]}, {tool: [KiB]}).
        """
        wall = {tool: [] for tool in commands}
        rss = {tool: [] for tool in commands}
        for i in range(max(runs, rss_runs)):
            # The order turns round every other run: a tool that always runs
            # right after another would always find the server and the page
            # cache as that one left them (about 1% on the no-op start).
            order = list(commands.items())
            if i % 2:
                order.reverse()
            for tool, command in order:
                for measure_rss in [False] * (i < runs) + [True] * (i < rss_runs):
                    argv, env, database = command()
                    run = self.runner.run(argv, env, rss=measure_rss)
                    if check:
                        self.require(check(database, tool), f"{tool} left a wrong schema in {database}")
                        self.cluster.drop_database(database)
                    (rss[tool] if measure_rss else wall[tool]).append(run.rss_kb if measure_rss else run.wall)
        return wall, rss

    def fresh_command(self, tool, prefix, slow=False, many=False):
        """A command that runs `tool` on a new database."""
        def command():
            database = self.cluster.create_database(f"{prefix}_{tool}")
            if tool == "dbinit":
                argv, env = self.dbinit_migrate(database, "bench_dbinit", slow,
                                                binary=self.args.dbinit_many if many else None)
            elif tool in ("floor", "floor_apart"):  # only the many migrations have a floor
                argv, env = self.floor_many(database, "bench_floor", slow, apart=tool == "floor_apart")
            else:
                argv, env = self.alembic_upgrade(database, "bench_alembic", slow,
                                                 ini=self.alembic_many_ini if many else None)
            return argv, env, database
        return command

    # 1 ---------------------------------------------------------------------------
    def noop(self):
        progress("1/7 no-op start")
        self.noop_db = {"dbinit": self.cluster.create_database("noop_dbinit"),
                        "alembic": self.cluster.create_database("noop_alembic")}
        self.runner.run(*self.dbinit_migrate(self.noop_db["dbinit"], "bench_setup"))
        self.runner.run(*self.alembic_upgrade(self.noop_db["alembic"], "bench_setup"))
        # The floor reads the history dbinit wrote: the same rows dbinit reads.
        commands = {
            "dbinit": lambda: (*self.dbinit_migrate(self.noop_db["dbinit"], "bench_dbinit"), None),
            "floor": lambda: (*self.floor_noop(self.noop_db["dbinit"], "bench_floor"), None),
            "alembic": lambda: (*self.alembic_upgrade(self.noop_db["alembic"], "bench_alembic"), None),
            "shell": lambda: (*self.shell_check(self.noop_db["dbinit"], "bench_shell"), None),
        }
        for command in commands.values():  # warm-up: page cache, .pyc files
            self.runner.run(*command()[:2])
        wall, rss = self.compare(commands, reps(20, 3), reps(5, 2))
        # The goal is a 5% margin, about as wide as this machine's noise over
        # 20 runs: dbinit and the floor run 100 times more, interleaved.
        close, _ = self.compare({tool: commands[tool] for tool in ("dbinit", "floor")}, reps(100, 3), 0)
        for tool, values in close.items():
            wall[tool] += values
        labels = {"dbinit": "`dbinit migrate`", "floor": "minimal libpq client (floor)",
                  "alembic": "`alembic upgrade head`",
                  "shell": "`pg_isready` + `psql` script (bench/noop_check.sh)"}
        median = {tool: statistics.median(values) for tool, values in wall.items()}
        median_rss = {tool: statistics.median(values) for tool, values in rss.items()}
        over_floor = median["dbinit"] / median["floor"]
        self.goal(f"No-op start within 5% of the floor (a minimal libpq client, linked like dbinit, that connects "
                  f"and reads the history with one SELECT): dbinit {ms(median['dbinit'])} vs floor {ms(median['floor'])}, "
                  f"{over_floor:.3f}× (goal ≤ 1.05×)", over_floor <= 1.05)
        self.summary.append(
            f"No-op start: `dbinit migrate` {ms(median['dbinit'])} ({mib(median_rss['dbinit'])} peak RSS) vs "
            f"the floor {ms(median['floor'])} ({mib(median_rss['floor'])}): {ratio(median['dbinit'], median['floor'])}×; "
            f"vs `alembic upgrade head` {ms(median['alembic'])} ({mib(median_rss['alembic'])}): "
            f"{ratio(median['dbinit'], median['alembic'])}×; vs a pg_isready + psql script {ms(median['shell'])}: "
            f"{ratio(median['dbinit'], median['shell'])}×.")
        self.panels.append(time_panel("1. No-op start (database already current)", [
            (label.replace("`", ""), median[tool], role(tool)) for tool, label in labels.items()]))
        rows = []
        for tool, label in labels.items():
            mine = tool == "dbinit"
            rows.append([label, with_spread(wall[tool]), with_spread(rss[tool], mib),
                         "–" if mine else ratio(statistics.median(wall["dbinit"]), statistics.median(wall[tool])),
                         "–" if mine else ratio(statistics.median(rss["dbinit"]), statistics.median(rss[tool]))])
        self.report.add(
            f"## 1. No-op start (database already current)\n\n"
            f"Wall time: median (10th–90th percentile) over {len(wall['dbinit'])} runs for dbinit and the floor, "
            f"{len(wall['alembic'])} for the others, after one warm-up run, tools interleaved, in turned-round order every other run. "
            f"Peak RSS: {len(rss['dbinit'])} runs under GNU time, the largest process of the run (for the script: "
            f"bash, pg_isready or psql). The floor (bench/floor_client.c) is the least a client can do here: "
            f"built like dbinit ({self.floor_build()}), it connects with the same URL, reads the "
            f"history with one SELECT (dbinit's query without its Alembic probe) and exits; what dbinit takes "
            f"beyond it is dbinit's own work (configuration, its embedded migrations, the comparison). dbinit can "
            f"come in under it: it does OpenSSL's first use (about 4 ms of CPU) while the server forks its "
            f"backend and checks the password, where the floor, like any plain libpq client, does it once the "
            f"server's answer is in, with the server waiting (src/pg/crypto_warm_up.hpp).\n\n" +
            table(["tool", "wall time", "peak RSS", "dbinit / tool (time)", "dbinit / tool (RSS)"], rows))

    # 2 ---------------------------------------------------------------------------
    def fresh(self):
        progress("2/7 fresh database")
        commands = {tool: self.fresh_command(tool, "fresh") for tool in ("dbinit", "alembic")}
        wall, rss = self.compare(commands, reps(5, 2), reps(3, 1), check=self.check_chatbot_schema)
        ours, theirs = statistics.median(wall["dbinit"]), statistics.median(wall["alembic"])
        self.summary.append(f"Fresh database (chatbot schema): dbinit {ms(ours)} vs Alembic {ms(theirs)}: "
                            f"{ratio(ours, theirs)}×.")
        self.panels.append(time_panel("2. Fresh database: the chatbot schema", [
            ("dbinit migrate", ours, "ours"), ("alembic upgrade head", theirs, "other")]))
        rows = [["`dbinit migrate`", with_spread(wall["dbinit"]), with_spread(rss["dbinit"], mib), "–"],
                ["`alembic upgrade head`", with_spread(wall["alembic"]), with_spread(rss["alembic"], mib),
                 ratio(ours, theirs)]]
        self.report.add(
            f"## 2. Fresh database: create the chatbot schema (2 migrations)\n\n"
            f"Each run on a new database. Wall time: median (10th–90th percentile) over {len(wall['dbinit'])} runs; "
            f"peak RSS: {len(rss['dbinit'])} runs under GNU time.\n\n" +
            table(["tool", "wall time", "peak RSS", "dbinit / tool (time)"], rows))

    # 3 ---------------------------------------------------------------------------
    def many_on(self, cluster, runs: int, rss_runs: int):
        """Section 3's four commands, each on new databases of `cluster`: ({tool: [s]}, {tool: [KiB]})."""
        disk_cluster, self.cluster = self.cluster, cluster
        try:
            commands = {tool: self.fresh_command(tool, "many", many=True)
                        for tool in ("dbinit", "floor", "floor_apart", "alembic")}
            return self.compare(commands, runs, rss_runs, check=lambda database, _: self.check_many_schema(database))
        finally:
            self.cluster = disk_cluster

    def many(self):
        count = self.args.many
        progress(f"3/7 {count} migrations")
        # Warm-up without a database: Alembic compiles its revision files once.
        self.runner.run([self.alembic, "-c", self.alembic_many_ini, "heads"], self.runner.env())
        self.runner.run([self.args.dbinit_many, "--version"], self.runner.env())
        # The floor client is warm from section 1 (the same binary); its SQL file was just written.
        storages = {"disk": self.many_on(self.cluster, reps(7, 1), reps(2, 1)),
                    "RAM": self.many_on(self.ram_cluster, reps(7, 1), 0)}
        where = {"disk": "data on disk", "RAM": "data in RAM (tmpfs)"}
        labels = {"dbinit": "`dbinit migrate` (build-bench/dbinit)",
                  "floor": f"floor: the same {count:,} statements as one transaction in one message "
                           f"(minimal libpq client)",
                  "floor_apart": f"floor with a transaction per migration: the same {count:,} statements, each "
                                 f"in its own transaction, all in one message (minimal libpq client)",
                  "alembic": f"`alembic upgrade head` ({count} revisions)"}
        tables = []
        for storage, (wall, rss) in storages.items():
            median = {tool: statistics.median(values) for tool, values in wall.items()}
            ours, floor, floor_apart, theirs = median["dbinit"], median["floor"], median["floor_apart"], median["alembic"]
            self.goal(f"{count:,} migrations within 2× of the floor (the same {count:,} statements as one transaction "
                      f"in one message), {where[storage]}: dbinit {ms(ours)} vs floor {ms(floor)}, {ours / floor:.2f}× "
                      f"(goal ≤ 2×)", ours <= 2 * floor)
            self.goal(f"{count:,} migrations at least 5× faster than `alembic upgrade head`, {where[storage]}: dbinit "
                      f"{ms(ours)} vs Alembic {ms(theirs)}, {theirs / ours:.1f}× faster (goal ≥ 5×; the floor itself "
                      f"is {theirs / floor:.1f}× faster than Alembic here)", theirs >= 5 * ours)
            self.summary.append(f"{count:,} migrations, {where[storage]}: dbinit {ms(ours)} ({ms(ours / count)} per "
                                f"migration) vs the floor {ms(floor)}: {ratio(ours, floor)}×; vs Alembic {ms(theirs)} "
                                f"({ms(theirs / count)}): {ratio(ours, theirs)}×; each migration in its own "
                                f"transaction with neither history nor lock (the floor client, one message): "
                                f"{ms(floor_apart)}, dbinit {ratio(ours, floor_apart)}× this.")
            self.panels.append(time_panel(f"3. {count:,} migrations on a fresh database, {where[storage]}", [
                ("dbinit migrate", ours, "ours"), ("floor: one transaction, one message", floor, "floor"),
                ("floor: a transaction per migration", floor_apart, "floor"),
                ("alembic upgrade head", theirs, "other")]))
            rows = []
            for tool, label in labels.items():
                rows.append([label, with_spread(wall[tool]), ms(median[tool] / count),
                             with_spread(rss[tool], mib) if rss[tool] else "–",
                             "–" if tool == "dbinit" else ratio(ours, median[tool])])
            tables.append(f"With the cluster's {where[storage]}: wall time median (10th–90th percentile) over "
                          f"{len(wall['dbinit'])} runs, each on a new database" +
                          (f"; peak RSS: {len(rss['dbinit'])} runs under GNU time" if rss["dbinit"] else "") +
                          ".\n\n" +
                          table(["tool", "wall time", "per migration", "peak RSS", "dbinit / tool (time)"], rows))
        self.report.add(
            f"## 3. Many migrations: {count:,} trivial migrations on a fresh database\n\n"
            f"Each migration creates one empty table (`CREATE TABLE bench_step_NNNN (id integer)`), the same SQL "
            f"for every row. dbinit sends every pending migration in one message, each still in its own "
            f"transaction (`BEGIN` … `COMMIT`, with its history row), every commit but the last asynchronous "
            f"(`synchronous_commit` off for the transaction), the last durable; Alembic, as configured by default, runs "
            f"them all in one transaction, statement by statement. The floor (bench/floor_client.c, built like "
            f"dbinit) sends `BEGIN;`, the {count:,} statements and `COMMIT;` in one message (one `PQexec`): one "
            f"round trip and one durable commit, without history, lock or checks, the least any client can do "
            f"for this work. The second floor row sends the same statements each in its own transaction "
            f"(`BEGIN`, `SET LOCAL synchronous_commit = off`, the statement, `COMMIT`; the last durable), still one "
            f"message: what one transaction per migration costs by itself, without dbinit's history rows, lock "
            f"and version guard. *Per migration* = wall time ÷ {count:,}.\n\n"
            f"It runs twice: on the cluster of every other section, whose data is on this machine's disk, and on a "
            f"second cluster, configured the same, whose data directory is in RAM (tmpfs, where fsync returns at "
            f"once). On disk, creating each table's file is most of the server's time, the same for every tool; "
            f"in RAM what remains is each client's own cost.\n\n" + "\n\n".join(tables))

    # 4 ---------------------------------------------------------------------------
    def slow_link(self):
        progress("4/7 over a slow link")
        rtt = self.rtt

        def measured(argv, env, database=None, tool=None):
            start = self.cluster.log_offset()
            run = self.runner.run(argv, env)
            stats = self.cluster.link_stats(start)
            if database:
                self.require(self.check_chatbot_schema(database, tool), f"{tool} left a wrong schema in {database}")
                self.cluster.drop_database(database)
            return run, stats

        # A session that connects and closes has no round trip after connecting;
        # what it measures is subtracted from every session below.
        calibration = []
        for _ in range(reps(10, 3)):
            start = self.cluster.log_offset()
            self.cluster.connect(self.noop_db["dbinit"], slow=True, application="bench_calibration").close()
            stats = self.cluster.link_stats(start)
            self.require(stats.connections == 1 and stats.statements == 0, "calibration session sent statements")
            calibration.append(stats.round_trips_after_connect(rtt))
        offset = statistics.median(calibration)

        noop = {"dbinit": [], "floor": [], "alembic": [], "shell": []}
        for _ in range(reps(10, 2)):
            noop["dbinit"].append(measured(*self.dbinit_migrate(self.noop_db["dbinit"], "bench_dbinit", slow=True)))
            noop["floor"].append(measured(*self.floor_noop(self.noop_db["dbinit"], "bench_floor", slow=True)))
            noop["alembic"].append(measured(*self.alembic_upgrade(self.noop_db["alembic"], "bench_alembic", slow=True)))
            noop["shell"].append(measured(*self.shell_check(self.noop_db["dbinit"], "bench_shell", slow=True)))
        fresh = {"dbinit": [], "alembic": []}
        for _ in range(reps(5, 2)):
            for tool in fresh:
                fresh[tool].append(measured(*self.fresh_command(tool, "slow", slow=True)(), tool))

        rows, link, after_connect, whole = [], {}, {}, {}
        labels = (("dbinit", "dbinit"), ("floor", "minimal libpq client (floor)"), ("alembic", "Alembic"),
                  ("shell", "pg_isready + psql"))
        for case, results in (("no-op", noop), ("fresh", fresh)):
            ours = statistics.median(run.wall for run, _ in results["dbinit"])
            bars = []
            for tool, label in labels:
                if tool not in results:
                    continue
                pairs = results[tool]
                wall = [run.wall for run, _ in pairs]
                after = statistics.median(stats.round_trips_after_connect(rtt, offset) for _, stats in pairs)
                statements = statistics.median(stats.statements for _, stats in pairs)
                link[(case, tool)] = (ms(statistics.median(wall)), f"{statements:g}", f"{after:.1f}")
                after_connect[(case, tool)] = after
                whole[(case, tool)] = statistics.median(stats.whole_round_trips_after_connect(rtt) for _, stats in pairs)
                bars.append((label, statistics.median(wall), role(tool)))
                rows.append([
                    case, label, with_spread(wall),
                    "–" if tool == "dbinit" else ratio(ours, statistics.median(wall)),
                    f"{statistics.median(wall) / rtt:.1f}",
                    f"{statistics.median(stats.connections for _, stats in pairs):g}",
                    f"{statements:g}", f"{after:.1f}", f"{whole[(case, tool)]:g}",
                ])
            self.panels.append(time_panel(f"4. {case.capitalize()} start over a {self.args.rtt_ms:g} ms round-trip link",
                                          bars))
        # Judged on the whole count: the other one also holds the client's own
        # work, which a busy machine stretches.
        extra = whole[("fresh", "dbinit")] - whole[("no-op", "dbinit")]
        self.goal(f"A fresh database at most one round trip after connecting more than a no-op start "
                  f"({self.args.rtt_ms:g} ms link): dbinit fresh {whole[('fresh', 'dbinit')]:g}, no-op "
                  f"{whole[('no-op', 'dbinit')]:g} whole round trips after connecting: {extra:g} more (goal ≤ 1; "
                  f"from the server's time: {after_connect[('fresh', 'dbinit')]:.1f} and "
                  f"{after_connect[('no-op', 'dbinit')]:.1f})", extra <= 1)
        for case in ("no-op", "fresh"):
            (ours_wall, ours_statements, ours_trips), (wall, statements, trips) = link[(case, "dbinit")], link[(case, "alembic")]
            self.summary.append(
                f"{case.capitalize()} start over a {self.args.rtt_ms:g} ms round-trip link: dbinit {ours_wall}, "
                f"{plural(ours_statements, 'statement')}, {ours_trips} round trips after connecting; Alembic {wall}, "
                f"{plural(statements, 'statement')}, {trips} round trips.")
        self.report.add(
            f"## 4. Over a slow link ({self.args.rtt_ms:g} ms round trip)\n\n"
            f"Through bench/delay_proxy.py, which holds every chunk {self.args.rtt_ms / 2:g} ms in each direction. "
            f"Median (10th–90th percentile) over {len(noop['dbinit'])} no-op and {len(fresh['dbinit'])} fresh runs "
            f"(fresh: a new database each). *wall ÷ RTT* includes process start and connecting (SSL request and "
            f"SCRAM: 4 round trips per libpq connection). From the server's log: *connections*; *statements*, "
            f"every `statement:` line (with psycopg2's BEGIN and SQLAlchemy's start-up queries); and "
            f"*round trips after connect* = (disconnection − authorization − statement execution time) ÷ RTT − 1 "
            f"− {offset:.2f}, summed over the run's connections. The − 1 is the way of the server's last "
            f"start-up message to the client and of the client's close back; {offset:.2f} is what a session that "
            f"connects and closes at once measures (median of {len(calibration)}: the server's own start-up after "
            f"logging the authorization). What remains above a whole number is the client's own work between "
            f"round trips; pg_isready's probe never authenticates and counts 0. *Whole round trips* counts each "
            f"time the server waited for its client after answering: the idle time between consecutive log lines "
            f"of a session (less the execution time a `duration:` line reports), each rounded down to whole round "
            f"trips (with 0.1 for the log's millisecond timestamps), summed without the first wait after the "
            f"authorization; the client's own work adds less than a round trip to a wait and counts nothing, a "
            f"round trip the log does not show still counts. The floor (section 1) sends one SELECT: one round "
            f"trip after connecting, the least a client that reads the history can do. dbinit sends a fresh "
            f"database's pending migrations in one message after its history read: a fresh start should cost "
            f"one round trip more than a no-op one.\n\n" +
            table(["database", "tool", "wall time", "dbinit / tool", "wall ÷ RTT", "connections", "statements",
                   "round trips after connect", "whole round trips after connect"], rows))

    # 5 ---------------------------------------------------------------------------
    def replicas(self):
        progress("5/7 concurrent replicas")
        trials = reps(5, 2)
        rows, errors, outcome = [], {}, {}
        for count in (16, 64):
            results = {"dbinit": [], "alembic": []}
            for _ in range(trials):
                for tool in results:
                    argv, env, database = self.fresh_command(tool, "replicas")()
                    total, runs = self.runner.run_at_once(argv, env, count)
                    failed = [run for run in runs if run.exit_code != 0]
                    for run in failed:
                        message = re.sub(r"\d+", "N", error_line(run.stderr_path) or f"exit code {run.exit_code}")
                        errors[(tool, message[:200])] = errors.get((tool, message[:200]), 0) + 1
                    results[tool].append((total, len(failed), self.check_chatbot_schema(database, tool)))
                    self.cluster.drop_database(database)
            ours = statistics.median(total for total, _, _ in results["dbinit"])
            self.panels.append(time_panel(f"5. {count} replicas at once on a fresh database: total time", [
                (label, statistics.median(total for total, _, _ in results[tool]), role(tool))
                for tool, label in (("dbinit", "dbinit migrate"), ("alembic", "alembic upgrade head"))]))
            for tool, label in (("dbinit", "`dbinit migrate`"), ("alembic", "`alembic upgrade head`")):
                trial_results = results[tool]
                failures = [failed for _, failed, _ in trial_results]
                total = statistics.median(t for t, _, _ in trial_results)
                outcome[(count, tool)] = f"{sum(failures)} failed of {count * trials}, {ms(total)}"
                rows.append([count, label,
                             f"{sum(failures)} of {count * trials} ({', '.join(map(str, failures))})",
                             f"{sum(ok for _, _, ok in trial_results)} of {trials}",
                             with_spread(t for t, _, _ in trial_results),
                             "–" if tool == "dbinit" else ratio(ours, total)])
        for count in (16, 64):
            self.summary.append(f"{count} replicas at once, {trials} trials: dbinit {outcome[(count, 'dbinit')]}; "
                                f"Alembic {outcome[(count, 'alembic')]} (median total time per trial).")
        notes = "\n".join(f"- {tool}, {n}×: `{message}`" for (tool, message), n in sorted(errors.items()))
        self.report.add(
            f"## 5. Concurrent replicas on a fresh database\n\n"
            f"N processes started at once against one new database, {trials} trials each. *Failures*: processes "
            f"that exited non-zero (per trial in parentheses). *Schema correct*: both tables exist and the "
            f"history holds exactly the product's versions. *Total time*: from the first start to the last exit, "
            f"median (10th–90th percentile). Alembic takes no lock: replicas that overlap in creating the tables "
            f"fail. Here, {os.cpu_count()} cores share the replicas' start-up work, which staggers them; replicas "
            f"with a CPU each overlap more.\n\n" +
            table(["replicas", "tool", "failures", "schema correct", "total time", "dbinit / tool (time)"], rows) +
            ("\n\nError of the failed processes (digits as N):\n\n" + notes if notes else ""))

    # 6 ---------------------------------------------------------------------------
    def as_init(self):
        progress("6/7 as init")
        dbinit_help = subprocess.run([self.args.dbinit, "--help"], capture_output=True, text=True).stdout
        inits = []
        ours = None
        if re.search(r"--mode\b.*supervise", dbinit_help):
            ours = "dbinit --skip-wait --skip-migrations --mode supervise"
            inits.append((ours, [self.args.dbinit, "--skip-wait", "--skip-migrations", "--mode", "supervise", "--"]))
        else:
            progress("this dbinit has no --mode supervise; row 6 lists the other inits only")
        for label, argv in (("tini -s", ["tini", "-s", "--"]), ("tini-static -s", ["tini-static", "-s", "--"]),
                            ("dumb-init", ["dumb-init", "--"]), ("catatonit", ["catatonit", "--"])):
            inits.append((label, [self.which(argv[0])] + argv[1:]))
        # Each init runs from a copy made the same way, as an image's COPY
        # would write it: a binary straight from the linker maps about 0.25 MiB
        # more on its first page faults than the same bytes copied (measured on
        # this machine's ext4: 0.67 against 0.42 MiB), which is the page cache's
        # doing, not the program's.
        copies = self.work / "inits"
        copies.mkdir(exist_ok=True)
        for index, (label, argv) in enumerate(inits):
            copy = copies / pathlib.Path(argv[0]).name
            shutil.copy2(argv[0], copy)
            inits[index] = (label, [str(copy)] + argv[1:])
        sleep, true = self.which("sleep"), self.which("true")
        env = self.runner.env()

        resident = {label: [] for label, _ in inits}
        for _ in range(reps(5, 2)):
            for label, argv in inits:
                resident[label].append(self.supervising_rss(argv + [sleep, "60"], env))

        # Each X -- true is paired with a run of true alone just before it.
        added = {label: [] for label, _ in inits}
        baseline = []
        for argv in [[true]] + [argv + [true] for _, argv in inits]:
            self.runner.run(argv, env)  # warm-up
        for _ in range(reps(200, 10)):
            for label, argv in inits:
                alone = self.runner.run([true], env).wall
                baseline.append(alone)
                added[label].append(self.runner.run(argv + [true], env).wall - alone)
        memory_panel = Panel("6. As init: resident memory while supervising", "MiB")
        latency_panel = Panel("6. As init: added start latency", "ms")
        for label, _ in inits:
            chart_label = "dbinit --mode supervise" if label == ours else label
            chart_role = "ours" if label == ours else "other"
            memory = statistics.median(resident[label])
            memory_panel.add(chart_label, memory / 1024, f"{memory / 1024:.2f} MiB", chart_role)
            latency = statistics.median(added[label])
            # A latency at or below zero (noise) cannot show on a log axis; drawn at 1 µs, labelled as measured.
            latency_panel.add(chart_label, max(latency * 1000, 0.001), ms(latency), chart_role)
        self.panels += [memory_panel, latency_panel]
        rows = []
        for label, _ in inits:
            if ours is None or label == ours:
                rss_ratio = added_ratio = "–"
            else:
                rss_ratio = ratio(statistics.median(resident[ours]), statistics.median(resident[label]))
                added_ratio = ratio(statistics.median(added[ours]), statistics.median(added[label]))
            rows.append([f"`{label}`", with_spread(resident[label], lambda kb: f"{kb / 1024:.2f} MiB"), rss_ratio,
                         with_spread(added[label]), added_ratio])
        if ours:
            others = ", ".join(f"{label.split()[0]} {statistics.median(resident[label]) / 1024:.2f} MiB / "
                               f"{ms(statistics.median(added[label]))}" for label, _ in inits if label != ours)
            static_label = "tini-static -s"
            if static_label in resident:
                memory_ratio = statistics.median(resident[ours]) / statistics.median(resident[static_label])
                latency_ratio = statistics.median(added[ours]) / statistics.median(added[static_label])
                self.summary.append(
                    f"As init against tini-static, side by side: resident memory {memory_ratio:.2f}× (goal ≤ 1.1×), "
                    f"added start latency {latency_ratio:.2f}× (goal ≤ 1.3×).")
            self.summary.append(f"As init (resident memory / added start latency): dbinit "
                                f"{statistics.median(resident[ours]) / 1024:.2f} MiB / {ms(statistics.median(added[ours]))}; "
                                f"{others}.")
        self.report.add(
            f"## 6. As init\n\n"
            f"*Resident memory*: VmRSS of the init process while it supervises `sleep`, 0.5 s after the start, "
            f"{len(resident[inits[0][0]])} samples. *Added start latency*: wall time of `X -- true` minus that of "
            f"`true` alone run just before it (median {ms(statistics.median(baseline))}), {len(added[inits[0][0]])} "
            f"pairs each. Median (10th–90th percentile). Debian's `tini` and `dumb-init` are dynamically linked; "
            f"`tini-static`, `catatonit` and dbinit are static.\n\n" +
            table(["init", "resident memory", "dbinit / init (memory)", "added start latency",
                   "dbinit / init (latency)"], rows))

    def supervising_rss(self, argv, env) -> int:
        pid = spawn(argv, env, self.work / "init.stderr")
        try:
            time.sleep(0.5)
            children = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            comms = [pathlib.Path(f"/proc/{child}/comm").read_text().strip() for child in children]
            if "sleep" not in comms:
                raise BenchError(f"{argv[0]} is not supervising sleep (children: {comms}):\n"
                                 f"{last_lines(self.work / 'init.stderr')}")
            status = pathlib.Path(f"/proc/{pid}/status").read_text()
            return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
        finally:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.01)

    # 7 ---------------------------------------------------------------------------
    def size(self):
        progress("7/7 size")
        ours_label = ("dbinit, static" if self.args.binary_kind == "static"
                      else "dbinit, DYNAMIC Release build (the static build failed)")
        binaries = [(ours_label, self.args.dbinit)] + [
            (name, self.which(name)) for name in ("tini-static", "tini", "dumb-init", "catatonit")]
        ours = os.path.getsize(self.args.dbinit)
        rows = []
        panel = Panel("7. Size", "MiB")
        for label, path in binaries:
            size = os.path.getsize(path)
            kind = subprocess.run(["file", "-b", path], capture_output=True, text=True).stdout
            linkage = "static" if "statically linked" in kind else "dynamic" if "dynamically" in kind else "?"
            rows.append([label, f"`{shown_path(path)}`", linkage, f"{size:,} B ({size / 1024 / 1024:.2f} MiB)",
                         "–" if path == self.args.dbinit else ratio(ours, size)])
            panel.add(label, size / 1024 / 1024, f"{size / 1024 / 1024:.2f} MiB",
                      "ours" if path == self.args.dbinit else "other")
        stack = ["python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "python3-alembic",
                 "python3-sqlalchemy", "python3-psycopg2", "python3-mako", "python3-markupsafe", "libpq5"]
        installed = 0
        for package in stack:
            out = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}", package],
                                 capture_output=True, text=True).stdout.strip()
            installed += int(out or 0) * 1024
        rows.append(["Alembic's stack: " + ", ".join(stack), "(Debian Installed-Size)", "–",
                     f"{installed:,} B ({installed / 1024 / 1024:.1f} MiB)", ratio(ours, installed)])
        panel.add("Alembic's stack (Debian packages, Python)", installed / 1024 / 1024,
                  f"{installed / 1024 / 1024:.1f} MiB")
        self.panels.append(panel)
        self.summary.append(f"Size: {binaries[0][0]} {ours / 1024 / 1024:.2f} MiB vs tini-static "
                            f"{os.path.getsize(binaries[1][1]) / 1024 / 1024:.2f} MiB; Alembic's Debian packages "
                            f"with Python {installed / 1024 / 1024:.1f} MiB.")
        self.report.add("## 7. Size\n\n" + table(["binary", "path", "linkage", "size", "dbinit / binary"], rows))


# --- machine and main -------------------------------------------------------------

def package_version(package: str) -> str:
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True).stdout or "?"


def machine(bench: Bench, repo: pathlib.Path) -> str:
    cpu = "?"
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+)", pathlib.Path("/proc/meminfo").read_text()).group(1)
    commit = subprocess.run(["git", "-C", str(repo), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    cluster = bench.cluster
    tools = ", ".join(f"{p} {package_version(p)}" for p in (
        "python3-alembic", "python3-sqlalchemy", "python3-psycopg2", "tini", "dumb-init", "catatonit"))
    return (
        "# dbinit benchmarks\n\n"
        "Produced by `scripts/bench`; every figure below comes from that run.\n\n"
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}\n"
        f"- Machine: {cpu}, {os.cpu_count()} cores, {int(memory) / 1024 / 1024:.1f} GiB RAM, "
        f"Linux {platform.release()}, Debian {pathlib.Path('/etc/debian_version').read_text().strip()}\n"
        f"- PostgreSQL {cluster.setting('server_version')} on loopback, scram-sha-256, "
        f"fsync={cluster.setting('fsync')}, synchronous_commit={cluster.setting('synchronous_commit')}, "
        f"log_statement=all\n"
        f"- dbinit {commit} ({bench.args.binary_kind} Release binary); {tools}\n"
        f"- Load average (1 min) at the start: {os.getloadavg()[0]:.1f} (other work on the machine shows here)\n")


def main() -> int:
    parser = argparse.ArgumentParser(description="dbinit benchmarks (run scripts/bench)")
    for name in ("--pg-port", "--ram-pg-port", "--proxy-port", "--many"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, required=True)
    for name in ("--password", "--server-log", "--ram-server-log", "--dbinit", "--binary-kind", "--dbinit-many", "--alembic-dir",
                 "--alembic-many-dir", "--floor-client", "--many-migrations-dir", "--work", "--out", "--chart"):
        parser.add_argument(name, required=True)
    parser.add_argument("--sql-dir", default=str(pathlib.Path(__file__).resolve().parent.parent / "sql"))
    args = parser.parse_args()

    try:
        bench = Bench(args)
        header = machine(bench, REPO)
        print(header, flush=True)
        for step in (bench.noop, bench.fresh, bench.many, bench.slow_link, bench.replicas, bench.as_init, bench.size):
            step()
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    summary = ("## Summary\n\nGoals, each judged on this run's figures:\n\n" +
               "\n".join(f"- {line}" for line in bench.goals) + "\n\nMeasurements:\n\n" +
               "\n".join(f"- {line}" for line in bench.summary))
    print(summary + "\n", flush=True)
    # results.md and the chart sit side by side in bench/; scripts/bench moves the chart there.
    chart = ("![dbinit against each alternative, per section: wall time (resident memory and size in 6 and 7), "
             "log scale, dbinit highlighted](results.svg)")
    write_svg(bench.panels, pathlib.Path(args.chart), "dbinit (highlighted) against each alternative; "
              "floor: a minimal libpq client")
    footer = f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f}."
    print(footer, flush=True)
    text = header + "\n" + summary + "\n\n" + chart + "\n\n" + "\n\n".join(bench.report.sections) + "\n\n" + footer
    pathlib.Path(args.out).write_text(without_local_paths(text, bench.work) + "\n")
    return 0


def without_local_paths(text: str, work: pathlib.Path) -> str:
    """The results name no directory of this machine: a path under the scratch
    directory or the checkout loses that prefix (a safety net: the rows print
    paths relative to the repository already)."""
    for directory in sorted({str(work), str(work.resolve()), str(REPO)}, key=len, reverse=True):
        text = text.replace(directory + "/", "")
    return text

if __name__ == "__main__":
    sys.exit(main())
