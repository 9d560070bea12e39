"""Section 3, many migrations: build-bench/dbinit applying 1,000 (--many)
trivial migrations, one `CREATE TABLE` each, to a new database; on the
cluster whose data is on disk and on the one whose data is in RAM (tmpfs),
so that the client's own cost shows apart from the server's file creation.

Against: two floors (bench/floor_client.c sending the same statements in one
message: as one transaction; each in its own transaction) and `alembic
upgrade head` over as many generated revisions. Wall time, per migration,
peak RSS (on disk); every run's tables counted.

Goals, on either cluster: dbinit within 2× of the one-transaction floor
(MAX_OVER_FLOOR) and at least 5× faster than Alembic (MIN_OVER_ALEMBIC).
"""
import statistics

from .bench import Bench
from .report import mib, ms, ratio, table, time_panel, with_spread
from .runner import Runner, progress, reps
from .tools import Tools

MAX_OVER_FLOOR = 2
MIN_OVER_ALEMBIC = 5


def run(bench: Bench) -> None:
    count = bench.args.many
    progress(f"3/8 {count} migrations")
    tools, runner, results = bench.tools, bench.runner, bench.results
    results.describe(
        "Many migrations",
        f"`dbinit migrate` applying {count:,} trivial migrations (one `CREATE TABLE` each, each its own "
        f"transaction) to a new database, against the floor (the same statements in one message, as one "
        f"transaction; and, as a second floor, each in its own) and `alembic upgrade head` over {count:,} "
        f"revisions; once with the cluster's data on disk, once in RAM, where the server's file creation no "
        f"longer hides the client's own cost.",
        f"on disk and in RAM, dbinit within {MAX_OVER_FLOOR:g}× of the one-transaction floor and at least "
        f"{MIN_OVER_ALEMBIC:g}× faster than Alembic.")
    # Warm-up without a database: Alembic compiles its revision files once.
    runner.run([tools.alembic, "-c", tools.alembic_many_ini, "heads"], runner.env())
    runner.run([tools.dbinit_many, "--version"], runner.env())
    # The floor client is warm from section 1 (the same binary); its SQL file was just written.
    storages = {"disk": measure(runner, tools, reps(7, 1), reps(2, 1)),
                "RAM": measure(runner, tools.on(bench.ram_cluster), reps(7, 1), 0)}
    where = {"disk": "data on disk", "RAM": "data in RAM (tmpfs)"}
    labels = {"dbinit": "`dbinit migrate` (build-bench/dbinit)",
              "floor": f"floor: the same {count:,} statements as one transaction in one message "
                       f"(minimal libpq client)",
              "floor_apart": f"floor with a transaction per migration: the same {count:,} statements, each "
                             f"in its own transaction, all in one message (minimal libpq client)",
              "alembic": f"`alembic upgrade head` ({count} revisions)"}
    tables, floor_per_statement = [], {}
    for storage, (wall, rss) in storages.items():
        median = {tool: statistics.median(values) for tool, values in wall.items()}
        ours, floor, floor_apart, theirs = median["dbinit"], median["floor"], median["floor_apart"], median["alembic"]
        floor_per_statement[storage] = floor / count
        results.goal(f"{count:,} migrations within {MAX_OVER_FLOOR:g}× of the floor (the same {count:,} statements "
                     f"as one transaction in one message), {where[storage]}: dbinit {ms(ours)} vs floor {ms(floor)}, "
                     f"{ours / floor:.2f}× (goal ≤ {MAX_OVER_FLOOR:g}×)", ours <= MAX_OVER_FLOOR * floor)
        results.goal(f"{count:,} migrations at least {MIN_OVER_ALEMBIC:g}× faster than `alembic upgrade head`, "
                     f"{where[storage]}: dbinit {ms(ours)} vs Alembic {ms(theirs)}, {theirs / ours:.1f}× faster "
                     f"(goal ≥ {MIN_OVER_ALEMBIC:g}×; the floor itself is {theirs / floor:.1f}× faster than "
                     f"Alembic here)", theirs >= MIN_OVER_ALEMBIC * ours)
        results.summary.append(f"{count:,} migrations, {where[storage]}: dbinit {ms(ours)} ({ms(ours / count)} per "
                               f"migration) vs the floor {ms(floor)}: {ratio(ours, floor)}×; vs Alembic {ms(theirs)} "
                               f"({ms(theirs / count)}): {ratio(ours, theirs)}×; each migration in its own "
                               f"transaction with neither history nor lock (the floor client, one message): "
                               f"{ms(floor_apart)}, dbinit {ratio(ours, floor_apart)}× this.")
        results.panels.append(time_panel(f"3. {count:,} migrations on a fresh database, {where[storage]}", [
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
    results.add_section(
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
        f"in RAM what remains is each client's own cost. Here the floor's one transaction took "
        f"{ms(floor_per_statement['disk'])} per `CREATE TABLE` on disk and {ms(floor_per_statement['RAM'])} "
        f"in RAM.\n\n" + "\n\n".join(tables))


def measure(runner: Runner, tools: Tools, runs: int, rss_runs: int):
    """The four commands, each run on new databases of tools.cluster: ({tool: [s]}, {tool: [KiB]})."""
    commands = {tool: tools.fresh_command(tool, "many", many=True)
                for tool in ("dbinit", "floor", "floor_apart", "alembic")}
    return runner.compare(commands, runs, rss_runs, after=tools.check_and_drop(tools.check_many_schema))
