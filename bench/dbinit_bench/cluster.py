"""The throwaway PostgreSQL clusters scripts/bench starts, and what their
statement log says of a run: its sessions, statements, and the server's idle
times, from which section 4 counts round trips.

scripts/bench configures every cluster with log_statement=all,
log_connections, log_disconnections, log_duration and the line prefix
'%m [%p] app=%a ' that LOG_LINE reads.
"""
import datetime
import math
import pathlib
import re
import time
from dataclasses import dataclass, field

import psycopg2

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
