#!/usr/bin/env python3
"""The measurements of scripts/bench; run it through that script, which
installs the tools, builds the binaries and starts the clusters and the proxy.

Runs the sections of dbinit_bench in order, each printing its table as soon
as it is measured, then writes results.md (--out: the machine, what is
measured, the summary with the goals, every section) and its chart (--chart).
With --only noop it runs section 1 alone (its two clusters), with --only tls
section 8 (its own cluster); either prints its tables and goals without
writing results.md.
"""
import argparse
import os
import pathlib
import sys

from dbinit_bench import as_init, fresh, many, noop, replicas, report, size, slow_link, tls_link
from dbinit_bench.bench import Bench
from dbinit_bench.chart import write_svg
from dbinit_bench.runner import BenchError
from dbinit_bench.tools import floor_build


# What every run needs, what section 1 and section 8 need, and what the whole bench needs besides.
EVERY = ("--password", "--dbinit", "--binary-kind", "--work")
NOOP = ("--pg-port", "--server-log", "--pg17-port", "--pg17-server-log", "--alembic-dir", "--floor-client")
TLS = ("--tls-pg-port", "--tls-proxy-port", "--rtt-ms", "--tls-server-log", "--tls-proxy-log")
WHOLE = NOOP + TLS + ("--ram-pg-port", "--proxy-port", "--many", "--ram-server-log", "--dbinit-many",
                      "--alembic-many-dir", "--many-migrations-dir", "--out", "--chart")
# Each section that runs alone (--only), with what it needs.
ALONE = {"noop": (noop.run, NOOP), "tls": (tls_link.run, TLS)}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="dbinit benchmarks (run scripts/bench)")
    for name in ("--pg-port", "--ram-pg-port", "--proxy-port", "--many", "--pg17-port", "--tls-pg-port",
                 "--tls-proxy-port"):
        parser.add_argument(name, type=int)
    parser.add_argument("--rtt-ms", type=float)
    for name in ("--password", "--server-log", "--ram-server-log", "--dbinit", "--binary-kind", "--dbinit-many",
                 "--alembic-dir", "--alembic-many-dir", "--floor-client", "--many-migrations-dir", "--work", "--out",
                 "--chart", "--pg17-server-log", "--tls-server-log", "--tls-proxy-log"):
        parser.add_argument(name)
    parser.add_argument("--before", help="an earlier dbinit, measured beside --dbinit in section 8 (optional)")
    parser.add_argument("--only", choices=sorted(ALONE), help="run one section alone: noop (1) or tls (8)")
    parser.add_argument("--sql-dir", default=str(report.REPO / "sql"))
    args = parser.parse_args()
    needed = EVERY + (ALONE[args.only][1] if args.only else WHOLE)
    missing = [name for name in needed if getattr(args, name[2:].replace("-", "_")) is None]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    return args


def run_alone(bench: Bench, load_at_start: float) -> int:
    """--only SECTION: its tables and goals printed; results.md is the whole bench's alone."""
    print(report.header(bench.servers, bench.args.binary_kind, load_at_start), flush=True)
    ALONE[bench.args.only][0](bench)
    print("Goals:\n\n" + "\n".join(f"- {line}" for line in bench.results.goals) + "\n\n"
          f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f}.", flush=True)
    return 0


def main() -> int:
    args = arguments()
    load_at_start = os.getloadavg()[0]
    try:
        bench = Bench.from_args(args)
        if args.only:
            return run_alone(bench, load_at_start)
        header = report.header(bench.servers, args.binary_kind, load_at_start)
        print(header, flush=True)
        noop_databases = noop.run(bench)
        fresh.run(bench)
        many.run(bench)
        slow_link.run(bench, noop_databases)
        replicas.run(bench)
        as_init.run(bench)
        size.run(bench)
        tls_link.run(bench)
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
