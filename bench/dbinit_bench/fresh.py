"""Section 2, fresh database: `dbinit migrate` creating the product's schema
(sql/: the chatbot's tables) on a new database, each run on its own.

Against: `alembic upgrade head` with the same migrations (bench/alembic).
Wall time and peak RSS; every run's schema checked.

Goal: none of its own; the comparison with Alembic. What a fresh database
costs over a no-op start in round trips is section 4's goal.
"""
import statistics

from .bench import Bench
from .report import mib, ms, ratio, table, time_panel, with_spread
from .runner import progress, reps
from .tools import PRODUCT_MIGRATIONS


def run(bench: Bench) -> None:
    progress("2/8 fresh database")
    tools, results = bench.tools, bench.results
    results.describe(
        "Fresh database",
        f"`dbinit migrate` creating the product's schema ({PRODUCT_MIGRATIONS} migrations) on a new database, against "
        "`alembic upgrade head`; wall time and peak RSS, each run's schema checked.",
        "none of its own (it shows what a first start saves over Alembic; section 4 judges what it costs over a "
        "no-op start).")
    commands = {tool: tools.fresh_command(tool, "fresh") for tool in ("dbinit", "alembic")}
    wall, rss = bench.runner.compare(commands, reps(5, 2), reps(3, 1),
                                     after=tools.check_and_drop(tools.check_chatbot_schema))
    ours, theirs = statistics.median(wall["dbinit"]), statistics.median(wall["alembic"])
    results.summary.append(f"Fresh database (chatbot schema): dbinit {ms(ours)} vs Alembic {ms(theirs)}: "
                           f"{ratio(ours, theirs)}×.")
    results.panels.append(time_panel("2. Fresh database: the chatbot schema", [
        ("dbinit migrate", ours, "ours"), ("alembic upgrade head", theirs, "other")]))
    rows = [["`dbinit migrate`", with_spread(wall["dbinit"]), with_spread(rss["dbinit"], mib), "–"],
            ["`alembic upgrade head`", with_spread(wall["alembic"]), with_spread(rss["alembic"], mib),
             ratio(ours, theirs)]]
    results.add_section(
        f"## 2. Fresh database: create the chatbot schema ({PRODUCT_MIGRATIONS} migrations)\n\n"
        f"Each run on a new database. Wall time: median (10th–90th percentile) over {len(wall['dbinit'])} runs; "
        f"peak RSS: {len(rss['dbinit'])} runs under GNU time.\n\n" +
        table(["tool", "wall time", "peak RSS", "dbinit / tool (time)"], rows))
