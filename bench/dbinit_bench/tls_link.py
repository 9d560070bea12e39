"""Section 8, TLS over a slow link: the no-op start against PostgreSQL 17 with
TLS on (a self-signed P-256 certificate, every other setting the server's
default, ssl_ecdh_curve among them), through a bench/delay_proxy.py of its
own (--rtt-ms) that logs each connection (--connection-log): the round trips
it saw on the wire, and the ServerHellos and HelloRetryRequests the server
sent.

Cases: no TLS (sslmode=disable); sslmode=require with sslnegotiation=postgres
(an SSLRequest, then the handshake); sslmode=require with
sslnegotiation=direct (the handshake from the first byte). An earlier dbinit
(--before; scripts/bench: DBINIT_BENCH_BEFORE) runs beside it, when given,
without sslnegotiation, which libpq before 17 does not know.

Goals: direct is one round trip faster than postgres (MIN_DIRECT_SAVING); TLS
(direct) costs at most one round trip more than no TLS (MAX_TLS_COST).
Judged on the round trips the proxy counts; the wall times' differences in
round trips of the measured link stand beside them, which also hold the
handshake's computing, stretched on a busy machine.
"""
import pathlib
import statistics
import time
from dataclasses import dataclass

from .bench import Bench
from .report import REPO, ms, plural, role, table, time_panel, with_spread
from .runner import BenchError, progress, reps, require

MIN_DIRECT_SAVING = 1
MAX_TLS_COST = 1

# (case, label, the URL's parameters)
CASES = (
    ("plain", "no TLS", "sslmode=disable"),
    ("postgres", "TLS, sslnegotiation=postgres", "sslmode=require&sslnegotiation=postgres"),
    ("direct", "TLS, sslnegotiation=direct", "sslmode=require&sslnegotiation=direct"),
)
# libpq before 17 refuses sslnegotiation in a URL; its only way is an SSLRequest first.
BEFORE_CASES = {"plain": "sslmode=disable", "postgres": "sslmode=require"}
BEFORE_LABELS = {"postgres": "TLS, sslmode=require (an SSLRequest first)"}
DIFFERENCES = (("TLS (postgres) − no TLS", "postgres", "plain"), ("TLS (direct) − no TLS", "direct", "plain"),
               ("postgres − direct", "postgres", "direct"))


@dataclass
class Measured:
    wall: float  # seconds
    connections: int
    set_up: float  # the server's log: "connection received" to "authorized", seconds, over the connections
    round_trips: int  # on the wire, as the proxy counts them, over the connections
    server_hellos: int
    hello_retries: int


def run(bench: Bench) -> None:
    progress("8/8 TLS over a slow link")
    cluster, runner, results, rtt_ms = bench.tls_cluster, bench.runner, bench.results, bench.args.rtt_ms
    results.describe(
        "TLS over a slow link",
        f"the no-op start against PostgreSQL 17 with TLS on (its defaults, a P-256 certificate), through a proxy "
        f"that makes the link a {rtt_ms:g} ms round trip and counts round trips and HelloRetryRequests on the "
        f"wire: no TLS, then `sslmode=require` with `sslnegotiation=postgres` and with `direct`; an earlier "
        f"dbinit beside it when the run names one.",
        f"`sslnegotiation=direct` at least {MIN_DIRECT_SAVING} round trip faster than `postgres`, and TLS "
        f"(direct) at most {MAX_TLS_COST} round trip more than no TLS.")

    binaries = {"after": bench.args.dbinit}
    if bench.args.before:
        before = bench.work / "dbinit-before"
        # A release binary embeds no migrations: bundled with sql/, it reads the same history as dbinit.
        runner.run([bench.args.before, "bundle", str(REPO / "sql"), "--output", str(before)], runner.env())
        binaries["before"] = str(before)
    cases = {"after": {case: query for case, _, query in CASES}, "before": BEFORE_CASES}
    labels = {(binary, case): label for binary in binaries for case, label, _ in CASES}
    labels.update({("before", case): label for case, label in BEFORE_LABELS.items()})

    database = cluster.create_database("tls_noop")
    runner.run(*command(bench, binaries["after"], database, "bench_setup", "sslmode=disable", slow=False))
    proxy_log = pathlib.Path(bench.args.tls_proxy_log)
    proxy_start = proxy_log.stat().st_size
    rtt = link_round_trip(cluster, database)
    proxy_lines(proxy_log, proxy_start, 1)  # its connection's line in, before the first run's offset
    plan = [(binary, case) for binary in binaries for case in cases[binary]]
    for binary, case in plan:  # warm-up: page cache, the server's caches (measured: each proxy line in)
        argv, env = command(bench, binaries[binary], database, "bench_warmup", cases[binary][case])
        measure(bench, argv, env, tls=case != "plain")
    measured = {key: [] for key in plan}
    for i in range(reps(15, 2)):
        # The order turns round every other run, as in Runner.compare.
        for binary, case in (plan if i % 2 == 0 else list(reversed(plan))):
            argv, env = command(bench, binaries[binary], database, f"bench_{binary}_{case}", cases[binary][case])
            measured[(binary, case)].append(measure(bench, argv, env, tls=case != "plain"))

    def median(key, what):
        return statistics.median(what(m) for m in measured[key])

    wall = {key: median(key, lambda m: m.wall) for key in plan}
    wire = {key: median(key, lambda m: m.round_trips) for key in plan}
    rows = []
    for key in plan:
        binary = key[0]
        retries = sorted(m.hello_retries for m in measured[key])
        rows.append([
            binary, labels[key], with_spread([m.wall for m in measured[key]]), f"{wall[key] / rtt:.1f}",
            f"{median(key, lambda m: m.connections):g}", f"{median(key, lambda m: m.set_up) / rtt:.1f}",
            f"{wire[key]:g}", f"{median(key, lambda m: m.server_hellos):g}",
            f"{retries[0]}" if retries[0] == retries[-1] else f"{retries[0]}–{retries[-1]}",
        ])
    # Each ratio on the chart is to direct TLS, what dbinit can do best with TLS; no TLS is the reference.
    chart = [(("after", "direct"), "dbinit"), (("after", "postgres"), "other"), (("before", "postgres"), "other"),
             (("after", "plain"), "floor")]
    results.panels.append(time_panel(
        f"8. TLS: no-op start over a {rtt_ms:g} ms round-trip link, PostgreSQL 17",
        [(f"{key[0]}: {labels[key]}" + (" (the reference)" if tool == "floor" else ""), wall[key], role(tool))
         for key, tool in chart if key in wall]))

    difference_rows = []
    for binary in binaries:
        for label, more, less in DIFFERENCES:
            if more in cases[binary] and less in cases[binary]:
                delta = wall[(binary, more)] - wall[(binary, less)]
                difference_rows.append([binary, label, ms(delta), f"{delta / rtt:.1f}",
                                        f"{wire[(binary, more)] - wire[(binary, less)]:g}"])

    def trips(binary, more, less):
        """(on the wire, from the wall times) round trips that `more` takes beyond `less`."""
        return (wire[(binary, more)] - wire[(binary, less)],
                (wall[(binary, more)] - wall[(binary, less)]) / rtt)

    saving, saving_time = trips("after", "postgres", "direct")
    cost, cost_time = trips("after", "direct", "plain")
    results.goal(f"Direct TLS at least {MIN_DIRECT_SAVING} round trip faster than an SSLRequest first "
                 f"(PostgreSQL 17, {rtt_ms:g} ms link): {plural(f'{saving:g}', 'round trip')} fewer on the wire, "
                 f"{ms(wall[('after', 'postgres')])} against {ms(wall[('after', 'direct')])} "
                 f"({saving_time:.1f} round trips; goal ≥ {MIN_DIRECT_SAVING})", saving >= MIN_DIRECT_SAVING)
    results.goal(f"TLS at most {MAX_TLS_COST} round trip more than no TLS (direct, {rtt_ms:g} ms link): "
                 f"{cost:g} more on the wire, {ms(wall[('after', 'direct')])} against "
                 f"{ms(wall[('after', 'plain')])} ({cost_time:.1f} round trips; goal ≤ {MAX_TLS_COST})",
                 cost <= MAX_TLS_COST)
    line = (f"TLS over a {rtt_ms:g} ms link (no-op start, PostgreSQL 17, round trips on the wire): no TLS "
            f"{ms(wall[('after', 'plain')])}, {wire[('after', 'plain')]:g}; sslnegotiation=postgres "
            f"{ms(wall[('after', 'postgres')])}, {wire[('after', 'postgres')]:g}; direct "
            f"{ms(wall[('after', 'direct')])}, {wire[('after', 'direct')]:g}")
    if "before" in binaries:
        line += (f"; the earlier dbinit: no TLS {ms(wall[('before', 'plain')])}, {wire[('before', 'plain')]:g}; "
                 f"TLS {ms(wall[('before', 'postgres')])}, {wire[('before', 'postgres')]:g}")
    results.summary.append(line + ".")

    before_text = (f"*before*: an earlier dbinit ({pathlib.Path(bench.args.before).name}), bundled with sql/; "
                   f"its libpq has no `sslnegotiation`, so its TLS is `sslmode=require` alone, an SSLRequest "
                   f"first. " if "before" in binaries else
                   "No earlier dbinit was named (scripts/bench: DBINIT_BENCH_BEFORE=PATH). ")
    results.add_section(
        f"## 8. TLS over a slow link ({rtt_ms:g} ms round trip, PostgreSQL {cluster.setting('server_version')})\n\n"
        f"`dbinit migrate` on a database already current, against a PostgreSQL 17 server with `ssl=on`, a "
        f"self-signed P-256 certificate and every other setting at its default (`ssl_ecdh_curve` "
        f"{cluster.setting('ssl_ecdh_curve')}), through a bench/delay_proxy.py of its own, which holds every "
        f"chunk {rtt_ms / 2:g} ms in each direction. *after*: the dbinit benchmarked here; {before_text}"
        f"Median (10th–90th percentile) over {len(measured[plan[0]])} runs per case, the cases interleaved. "
        f"*RTT*: the link's round trip as measured, the median time of `SELECT 1` through the proxy on an open "
        f"connection: {ms(rtt)}. *Set-up ÷ RTT*: from the server's log, the time from the connection's arrival "
        f"to its authorization (TLS, start-up, SCRAM), in round trips. From the proxy: *round trips on the "
        f"wire*, each time the server answered what the client had sent (the client's own work between its "
        f"messages adds none); *ServerHellos* and *HelloRetryRequests* per run, read in the server's handshake "
        f"records (a HelloRetryRequest is a ServerHello whose random is SHA-256(\"HelloRetryRequest\"), and "
        f"costs the client a round trip).\n\n" +
        table(["binary", "case", "wall time", "wall ÷ RTT", "connections", "set-up ÷ RTT (server)",
               "round trips on the wire", "ServerHellos", "HelloRetryRequests"], rows) +
        "\n\nThe differences: of the median wall times, in milliseconds and in round trips of the measured link "
        "(which also hold the handshake's computing), and of the round trips on the wire (what the goals "
        "judge):\n\n" +
        table(["binary", "difference", "wall time", "wall time ÷ RTT", "round trips on the wire"],
              difference_rows))


def command(bench: Bench, binary: str, database: str, application: str, query: str, slow: bool = True):
    """`binary migrate` against `database` of the TLS cluster, the URL's parameters extended by `query`."""
    url = bench.tls_cluster.url(database, application, slow) + "&" + query
    return [binary, "migrate"], bench.runner.env(DATABASE_URL=url)


def measure(bench: Bench, argv, env, tls: bool) -> Measured:
    cluster, proxy_log = bench.tls_cluster, pathlib.Path(bench.args.tls_proxy_log)
    start, proxy_start = cluster.log_offset(), proxy_log.stat().st_size
    run = bench.runner.run(argv, env)
    stats = cluster.link_stats(start)
    seen = proxy_lines(proxy_log, proxy_start, stats.connections)
    require(all(line["tls"] == ("1" if tls else "0") for line in seen),
            f"the proxy saw {seen} for {env['DATABASE_URL'].split('?')[1]}")
    return Measured(
        wall=run.wall, connections=stats.connections,
        set_up=sum((s.authorized - s.received).total_seconds() for s in stats.sessions if s.authorized),
        round_trips=sum(int(line["round_trips"]) for line in seen),
        server_hellos=sum(int(line.get("server_hellos", 0)) for line in seen),
        hello_retries=sum(int(line.get("hello_retries", 0)) for line in seen))


def proxy_lines(path: pathlib.Path, start: int, count: int) -> list:
    """The proxy's lines after offset `start`, as dicts, once there are `count`
    (a line per connection, written when it has ended)."""
    deadline = time.monotonic() + 5
    while True:
        with path.open("rb") as log:
            log.seek(start)
            lines = log.read().decode().splitlines()
        if len(lines) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if len(lines) != count:
        raise BenchError(f"the proxy logged {len(lines)} connections, the server {count}: {lines}")
    return [dict(field.split("=", 1) for field in line.split()) for line in lines]


def link_round_trip(cluster, database: str) -> float:
    """The link's round trip as measured: the median of `SELECT 1` through the proxy, in seconds."""
    connection = cluster.connect(database, slow=True, application="bench_rtt")
    try:
        times = []
        with connection.cursor() as cursor:
            for _ in range(20):
                start = time.perf_counter()
                cursor.execute("SELECT 1")
                cursor.fetchall()
                times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        connection.close()
