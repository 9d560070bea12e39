"""Section 1, no-op start: `dbinit migrate` on a database that is already
current, the start of every container after the first, on PostgreSQL 15 and
on PostgreSQL 17 (bench.cluster and bench.pg17_cluster, neither with TLS
nor behind a proxy): the same measurement on each, with the cluster as its
parameter.

Against: the floor (bench/floor_client.c: connects, reads the history with
dbinit's SELECT, exits), `alembic upgrade head`, and a `pg_isready` + `psql`
script (bench/noop_check.sh). Wall time and peak RSS.

Goal: on each server, dbinit within 5% of the floor (MAX_OVER_FLOOR).
"""
import statistics

from .bench import Bench
from .cluster import Cluster
from .report import mib, ms, ratio, role, table, time_panel, with_spread
from .runner import progress, reps
from .tools import floor_build

MAX_OVER_FLOOR = 1.05
LABELS = {"dbinit": "`dbinit migrate`", "floor": "minimal libpq client (floor)",
          "alembic": "`alembic upgrade head`",
          "shell": "`pg_isready` + `psql` script (bench/noop_check.sh)"}


def run(bench: Bench) -> dict:
    """Measures section 1 on each server; returns its databases on the first (PostgreSQL 15), current, by tool
    ("dbinit", "alembic"), for section 4."""
    bench.results.describe(
        "No-op start",
        "`dbinit migrate` on a database already current (the start of every container after the first), on "
        "PostgreSQL 15 and on PostgreSQL 17, against the floor, `alembic upgrade head` and the `pg_isready` + "
        "`psql` script; wall time and peak RSS.",
        f"on each server, dbinit within {MAX_OVER_FLOOR - 1:.0%} of the floor (≤ {MAX_OVER_FLOOR:g}×).")
    first = measure(bench, bench.cluster, first=True)
    measure(bench, bench.pg17_cluster, first=False)
    return first


def measure(bench: Bench, cluster: Cluster, first: bool) -> dict:
    """The no-op start on `cluster`: its goal, summary line, chart panel and table (after the section's
    method when `first`); returns its databases, current, by tool."""
    server = f"PostgreSQL {cluster.setting('server_version').split()[0]}"
    progress(f"1/8 no-op start, {server}")
    tools, runner, results = bench.tools.on(cluster), bench.runner, bench.results
    databases = {"dbinit": cluster.create_database("noop_dbinit"),
                 "alembic": cluster.create_database("noop_alembic")}
    runner.run(*tools.dbinit_migrate(databases["dbinit"], "bench_setup"))
    runner.run(*tools.alembic_upgrade(databases["alembic"], "bench_setup"))
    # The floor reads the history dbinit wrote: the same rows dbinit reads.
    commands = {
        "dbinit": lambda: (*tools.dbinit_migrate(databases["dbinit"], "bench_dbinit"), None),
        "floor": lambda: (*tools.floor_noop(databases["dbinit"], "bench_floor"), None),
        "alembic": lambda: (*tools.alembic_upgrade(databases["alembic"], "bench_alembic"), None),
        "shell": lambda: (*tools.shell_check(databases["dbinit"], "bench_shell"), None),
    }
    for command in commands.values():  # warm-up: page cache, .pyc files
        runner.run(*command()[:2])
    wall, rss = runner.compare(commands, reps(20, 3), reps(5, 2))
    # The goal is a 5% margin, about as wide as this machine's noise over
    # 20 runs: dbinit and the floor run 100 times more, interleaved.
    close, _ = runner.compare({tool: commands[tool] for tool in ("dbinit", "floor")}, reps(100, 3), 0)
    for tool, values in close.items():
        wall[tool] += values
    median = {tool: statistics.median(values) for tool, values in wall.items()}
    median_rss = {tool: statistics.median(values) for tool, values in rss.items()}
    over_floor = median["dbinit"] / median["floor"]
    results.goal(f"No-op start within {MAX_OVER_FLOOR - 1:.0%} of the floor on {server} (a minimal libpq client, "
                 f"linked like dbinit, that connects and reads the history with one SELECT): dbinit "
                 f"{ms(median['dbinit'])} vs floor {ms(median['floor'])}, {over_floor:.3f}× "
                 f"(goal ≤ {MAX_OVER_FLOOR:g}×)", over_floor <= MAX_OVER_FLOOR)
    results.summary.append(
        f"No-op start, {server}: `dbinit migrate` {ms(median['dbinit'])} ({mib(median_rss['dbinit'])} peak RSS) "
        f"vs the floor {ms(median['floor'])} ({mib(median_rss['floor'])}): "
        f"{ratio(median['dbinit'], median['floor'])}×; vs `alembic upgrade head` {ms(median['alembic'])} "
        f"({mib(median_rss['alembic'])}): {ratio(median['dbinit'], median['alembic'])}×; vs a pg_isready + psql "
        f"script {ms(median['shell'])}: {ratio(median['dbinit'], median['shell'])}×.")
    results.panels.append(time_panel(f"1. No-op start (database already current), {server}", [
        (label.replace("`", ""), median[tool], role(tool)) for tool, label in LABELS.items()]))
    rows = []
    for tool, label in LABELS.items():
        mine = tool == "dbinit"
        rows.append([label, with_spread(wall[tool]), with_spread(rss[tool], mib),
                     "–" if mine else ratio(median["dbinit"], median[tool]),
                     "–" if mine else ratio(median_rss["dbinit"], median_rss[tool])])
    method = (
        f"## 1. No-op start (database already current)\n\n"
        f"The same runs on each server: PostgreSQL 15, the cluster of sections 2 to 7, and PostgreSQL 17, a "
        f"cluster of its own in the Debian 13 root (without TLS, as the first). "
        f"Wall time: median (10th–90th percentile) over {len(wall['dbinit'])} runs for dbinit and the floor, "
        f"{len(wall['alembic'])} for the others, after one warm-up run, tools interleaved, in turned-round order "
        f"every other run. Peak RSS: {len(rss['dbinit'])} runs under GNU time, the largest process of the run (for "
        f"the script: bash, pg_isready or psql). The floor (bench/floor_client.c) is the least a client can do here: "
        f"built like dbinit ({floor_build(bench.args.binary_kind)}), it connects with the same URL, reads the "
        f"history with one SELECT (dbinit's query without its Alembic probe) and exits; what dbinit takes "
        f"beyond it is dbinit's own work (configuration, its embedded migrations, the comparison). dbinit can "
        f"come in under it: it does OpenSSL's first use (about 4 ms of CPU) while the server forks its "
        f"backend and checks the password, where the floor, like any plain libpq client, does it once the "
        f"server's answer is in, with the server waiting (src/pg/crypto_warm_up.hpp).\n\n") if first else ""
    results.add_section(
        f"{method}### {server}\n\n" +
        table(["tool", "wall time", "peak RSS", "dbinit / tool (time)", "dbinit / tool (RSS)"], rows))
    return databases
