"""Section 6, as init: dbinit as the container's PID 1 that only supervises
(`--skip-wait --skip-migrations --mode supervise`), the part of it that
stays resident. Resident memory while it supervises `sleep`, and the start
latency it adds to a command (`X -- true` against `true` alone).

Against: tini, tini-static, dumb-init and catatonit, each run, as dbinit,
from a copy of its binary.

Goal, against tini-static (printed under Measurements, not judged): resident
memory ≤ 1.1× (MAX_MEMORY_OVER_TINI), added start latency ≤ 1.3×
(MAX_LATENCY_OVER_TINI).
"""
import os
import pathlib
import re
import shutil
import signal
import statistics
import subprocess
import time

from .bench import Bench
from .chart import Panel
from .report import ms, ratio, table, with_spread
from .runner import BenchError, last_lines, progress, reps, spawn

MAX_MEMORY_OVER_TINI = 1.1
MAX_LATENCY_OVER_TINI = 1.3


def run(bench: Bench) -> None:
    progress("6/8 as init")
    runner, results, dbinit = bench.runner, bench.results, bench.args.dbinit
    results.describe(
        "As init",
        "dbinit as the container's PID 1 that only supervises (`--mode supervise`): its resident memory while it "
        "supervises `sleep`, and the start latency it adds to a command; against tini, tini-static, dumb-init and "
        "catatonit, each run from a copy of its binary.",
        f"against tini-static, resident memory ≤ {MAX_MEMORY_OVER_TINI:g}× and added start latency "
        f"≤ {MAX_LATENCY_OVER_TINI:g}× (the ratios are under Measurements).")
    dbinit_help = subprocess.run([dbinit, "--help"], capture_output=True, text=True).stdout
    inits = []
    ours = None
    if re.search(r"--mode\b.*supervise", dbinit_help):
        ours = "dbinit --skip-wait --skip-migrations --mode supervise"
        inits.append((ours, [dbinit, "--skip-wait", "--skip-migrations", "--mode", "supervise", "--"]))
    else:
        progress("this dbinit has no --mode supervise; row 6 lists the other inits only")
    for label, argv in (("tini -s", ["tini", "-s", "--"]), ("tini-static -s", ["tini-static", "-s", "--"]),
                        ("dumb-init", ["dumb-init", "--"]), ("catatonit", ["catatonit", "--"])):
        inits.append((label, [runner.which(argv[0])] + argv[1:]))
    # Each init runs from a copy made the same way, as an image's COPY
    # would write it: a binary straight from the linker maps about 0.25 MiB
    # more on its first page faults than the same bytes copied (measured on
    # this machine's ext4: 0.67 against 0.42 MiB), which is the page cache's
    # doing, not the program's.
    copies = bench.work / "inits"
    copies.mkdir(exist_ok=True)
    for index, (label, argv) in enumerate(inits):
        copy = copies / pathlib.Path(argv[0]).name
        shutil.copy2(argv[0], copy)
        inits[index] = (label, [str(copy)] + argv[1:])
    sleep, true = runner.which("sleep"), runner.which("true")
    env = runner.env()

    resident = {label: [] for label, _ in inits}
    for _ in range(reps(5, 2)):
        for label, argv in inits:
            resident[label].append(supervising_rss(bench.work, argv + [sleep, "60"], env))

    # Each X -- true is paired with a run of true alone just before it.
    added = {label: [] for label, _ in inits}
    baseline = []
    for argv in [[true]] + [argv + [true] for _, argv in inits]:
        runner.run(argv, env)  # warm-up
    for _ in range(reps(200, 10)):
        for label, argv in inits:
            alone = runner.run([true], env).wall
            baseline.append(alone)
            added[label].append(runner.run(argv + [true], env).wall - alone)
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
    results.panels += [memory_panel, latency_panel]
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
            results.summary.append(
                f"As init against tini-static, side by side: resident memory {memory_ratio:.2f}× "
                f"(goal ≤ {MAX_MEMORY_OVER_TINI:g}×), added start latency {latency_ratio:.2f}× "
                f"(goal ≤ {MAX_LATENCY_OVER_TINI:g}×).")
        results.summary.append(f"As init (resident memory / added start latency): dbinit "
                               f"{statistics.median(resident[ours]) / 1024:.2f} MiB / "
                               f"{ms(statistics.median(added[ours]))}; {others}.")
    results.add_section(
        f"## 6. As init\n\n"
        f"*Resident memory*: VmRSS of the init process while it supervises `sleep`, 0.5 s after the start, "
        f"{len(resident[inits[0][0]])} samples. *Added start latency*: wall time of `X -- true` minus that of "
        f"`true` alone run just before it (median {ms(statistics.median(baseline))}), {len(added[inits[0][0]])} "
        f"pairs each. Median (10th–90th percentile). Debian's `tini` and `dumb-init` are dynamically linked; "
        f"`tini-static`, `catatonit` and dbinit are static. Each init runs from a copy of its binary, as an "
        f"image's `COPY` writes it: a binary straight from the linker can map more on its first page faults than "
        f"the same bytes copied, which is the page cache's doing, not the program's.\n\n" +
        table(["init", "resident memory", "dbinit / init (memory)", "added start latency",
               "dbinit / init (latency)"], rows))


def supervising_rss(work: pathlib.Path, argv, env) -> int:
    """The init's VmRSS, in KiB, 0.5 s after its start, once it supervises `sleep`."""
    pid = spawn(argv, env, work / "init.stderr")
    try:
        time.sleep(0.5)
        children = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        comms = [pathlib.Path(f"/proc/{child}/comm").read_text().strip() for child in children]
        if "sleep" not in comms:
            raise BenchError(f"{argv[0]} is not supervising sleep (children: {comms}):\n"
                             f"{last_lines(work / 'init.stderr')}")
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
