#!/usr/bin/env python3
"""The measurements of scripts/bench; run it through that script, which
installs the tools, builds the binaries and starts the clusters and the proxy.

Runs the sections of dbinit_bench in order, each printing its table as soon
as it is measured, then writes results.md (--out: the machine, what is
measured, the summary with the goals, every section) and its chart (--chart).
"""
import argparse
import os
import pathlib
import sys

from dbinit_bench import as_init, fresh, many, noop, replicas, report, size, slow_link
from dbinit_bench.bench import Bench
from dbinit_bench.chart import write_svg
from dbinit_bench.runner import BenchError
from dbinit_bench.tools import floor_build


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="dbinit benchmarks (run scripts/bench)")
    for name in ("--pg-port", "--ram-pg-port", "--proxy-port", "--many"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, required=True)
    for name in ("--password", "--server-log", "--ram-server-log", "--dbinit", "--binary-kind", "--dbinit-many",
                 "--alembic-dir", "--alembic-many-dir", "--floor-client", "--many-migrations-dir", "--work", "--out",
                 "--chart"):
        parser.add_argument(name, required=True)
    parser.add_argument("--sql-dir", default=str(report.REPO / "sql"))
    return parser.parse_args()


def main() -> int:
    args = arguments()
    load_at_start = os.getloadavg()[0]
    try:
        bench = Bench.from_args(args)
        header = report.header(bench.cluster, args.binary_kind, load_at_start)
        print(header, flush=True)
        noop_databases = noop.run(bench)
        fresh.run(bench)
        many.run(bench)
        slow_link.run(bench, noop_databases)
        replicas.run(bench)
        as_init.run(bench)
        size.run(bench)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    results = bench.results
    load_at_end = os.getloadavg()[0]
    overview = report.overview(results, floor_build(args.binary_kind), load_at_start, load_at_end)
    summary = report.summary(results)
    print(overview + "\n\n" + summary + "\n", flush=True)
    write_svg(results.panels, pathlib.Path(args.chart), report.CHART_TITLE)
    footer = f"Load average (1 min) at the end: {load_at_end:.1f}."
    print(footer, flush=True)
    text = "\n\n".join([header + "\n" + overview, summary, report.CHART_LINK, *results.sections, footer])
    pathlib.Path(args.out).write_text(report.without_local_paths(text, bench.work) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
