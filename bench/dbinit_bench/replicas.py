"""Section 5, concurrent replicas: 16 and 64 `dbinit migrate` processes
started at once against one new database, as replicas of a service starting
together would.

Against: as many `alembic upgrade head` processes. Failures (processes that
exited non-zero, with their errors), whether the schema is right, and the
total time from the first start to the last exit.

Goal: no threshold judged; every dbinit process succeeds and the schema is
right (the failures and the check are in the table).
"""
import os
import re
import statistics

from .bench import Bench
from .report import ms, ratio, role, table, time_panel, with_spread
from .runner import error_line, progress, reps

COUNTS = (16, 64)


def run(bench: Bench) -> None:
    progress("5/8 concurrent replicas")
    tools, results = bench.tools, bench.results
    trials = reps(5, 2)
    results.describe(
        "Concurrent replicas",
        f"{' and '.join(map(str, COUNTS))} `dbinit migrate` processes started at once against one new database, "
        f"{trials} trials, against as many `alembic upgrade head` processes; failures, the schema, and the time "
        f"from the first start to the last exit.",
        "no threshold; every dbinit process succeeds and leaves the schema right (Alembic takes no lock).")
    rows, errors, outcome = [], {}, {}
    for count in COUNTS:
        trial_results = {"dbinit": [], "alembic": []}
        for _ in range(trials):
            for tool in trial_results:
                argv, env, database = tools.fresh_command(tool, "replicas")()
                total, runs = bench.runner.run_at_once(argv, env, count)
                failed = [run for run in runs if run.exit_code != 0]
                for run in failed:
                    message = re.sub(r"\d+", "N", error_line(run.stderr_path) or f"exit code {run.exit_code}")
                    errors[(tool, message[:200])] = errors.get((tool, message[:200]), 0) + 1
                trial_results[tool].append((total, len(failed), tools.check_chatbot_schema(database, tool)))
                bench.cluster.drop_database(database)
        ours = statistics.median(total for total, _, _ in trial_results["dbinit"])
        results.panels.append(time_panel(f"5. {count} replicas at once on a fresh database: total time", [
            (label, statistics.median(total for total, _, _ in trial_results[tool]), role(tool))
            for tool, label in (("dbinit", "dbinit migrate"), ("alembic", "alembic upgrade head"))]))
        for tool, label in (("dbinit", "`dbinit migrate`"), ("alembic", "`alembic upgrade head`")):
            trials_of_tool = trial_results[tool]
            failures = [failed for _, failed, _ in trials_of_tool]
            total = statistics.median(t for t, _, _ in trials_of_tool)
            outcome[(count, tool)] = f"{sum(failures)} failed of {count * trials}, {ms(total)}"
            rows.append([count, label,
                         f"{sum(failures)} of {count * trials} ({', '.join(map(str, failures))})",
                         f"{sum(ok for _, _, ok in trials_of_tool)} of {trials}",
                         with_spread(t for t, _, _ in trials_of_tool),
                         "–" if tool == "dbinit" else ratio(ours, total)])
    for count in COUNTS:
        results.summary.append(f"{count} replicas at once, {trials} trials: dbinit {outcome[(count, 'dbinit')]}; "
                               f"Alembic {outcome[(count, 'alembic')]} (median total time per trial).")
    notes = "\n".join(f"- {tool}, {n}×: `{message}`" for (tool, message), n in sorted(errors.items()))
    results.add_section(
        f"## 5. Concurrent replicas on a fresh database\n\n"
        f"N processes started at once against one new database, {trials} trials each. *Failures*: processes "
        f"that exited non-zero (per trial in parentheses). *Schema correct*: both tables exist and the "
        f"history holds exactly the product's versions. *Total time*: from the first start to the last exit, "
        f"median (10th–90th percentile). Alembic takes no lock: replicas that overlap in creating the tables "
        f"fail. Here, {os.cpu_count()} cores share the replicas' start-up work, which staggers them; replicas "
        f"with a CPU each overlap more.\n\n" +
        table(["replicas", "tool", "failures", "schema correct", "total time", "dbinit / tool (time)"], rows) +
        ("\n\nError of the failed processes (digits as N):\n\n" + notes if notes else ""))
