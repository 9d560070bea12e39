"""What a run leaves: figures as results.md prints them, Markdown tables, the
results (sections, goals, summary lines, the chart's panels) and the text of
results.md around them (the machine, what is measured, the summary), which
needs no other document to be read.
"""
import datetime
import os
import pathlib
import platform
import re
import statistics
import subprocess
from dataclasses import dataclass, field

from .chart import Panel

REPO = pathlib.Path(__file__).resolve().parents[2]


# --- figures ----------------------------------------------------------------------

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


def plural(count: str, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == "1" else "s")


def shown_path(path: str) -> str:
    """A path as results.md shows it: relative to the repository when inside it (no machine's checkout)."""
    resolved = pathlib.Path(path).resolve()
    return str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else path


def table(headers, rows) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def time_panel(title: str, bars) -> Panel:
    """A chart panel of wall times; bars: (label, seconds, role), role as in chart.py."""
    panel = Panel(title, "wall time, ms")
    for label, seconds, role in bars:
        panel.add(label, seconds * 1000, ms(seconds), role)
    return panel


def role(tool: str) -> str:
    return {"dbinit": "ours", "floor": "floor"}.get(tool, "other")


# --- results ----------------------------------------------------------------------

@dataclass
class Results:
    """What the sections found, in the order they ran. A section prints as soon
    as it is measured; the rest goes into results.md at the end."""
    sections: list = field(default_factory=list)  # Markdown, one per section
    described: list = field(default_factory=list)  # (title, what it measures, its goal), for "What is measured"
    goals: list = field(default_factory=list)  # each goal with its figures and "met" or "not met"
    summary: list = field(default_factory=list)  # one line per row, for the top of the results
    panels: list = field(default_factory=list)  # the chart, one Panel per comparison

    def describe(self, title: str, measures: str, goal: str) -> None:
        self.described.append((title, measures, goal))

    def add_section(self, text: str) -> None:
        self.sections.append(text)
        print(text + "\n", flush=True)

    def goal(self, text: str, met: bool) -> None:
        self.goals.append(f"{text}: **{'met' if met else 'not met'}**.")


# --- the text of results.md -------------------------------------------------------

def package_version(package: str) -> str:
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True).stdout or "?"


def cpu_info() -> tuple:
    """(model name, whether the kernel runs under a hypervisor)."""
    text = pathlib.Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", text, re.M)
    return (model.group(1).strip() if model else "?"), re.search(r"^flags\s*:.*\bhypervisor\b", text, re.M) is not None


def header(servers, binary_kind: str, load_at_start: float) -> str:
    """The title and the machine: what the run ran on, read at its start; servers: a cluster of each version."""
    cpu, virtual = cpu_info()
    memory = re.search(r"MemTotal:\s+(\d+)", pathlib.Path("/proc/meminfo").read_text()).group(1)
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    tools = ", ".join(f"{p} {package_version(p)}" for p in (
        "python3-alembic", "python3-sqlalchemy", "python3-psycopg2", "tini", "dumb-init", "catatonit"))
    postgres = "".join(
        f"- PostgreSQL {cluster.setting('server_version')} on loopback, scram-sha-256, "
        f"fsync={cluster.setting('fsync')}, synchronous_commit={cluster.setting('synchronous_commit')}, "
        f"log_statement=all\n" for cluster in servers)
    return (
        "# dbinit benchmarks\n\n"
        "Produced by `scripts/bench`; every figure below comes from that run.\n\n"
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}\n"
        f"- Machine: {cpu}, {os.cpu_count()} cores{' (a virtual machine)' if virtual else ''}, "
        f"{int(memory) / 1024 / 1024:.1f} GiB RAM, "
        f"Linux {platform.release()}, Debian {pathlib.Path('/etc/debian_version').read_text().strip()}\n"
        f"{postgres}"
        f"- dbinit {commit} ({binary_kind} Release binary); {tools}\n"
        f"- Load average (1 min) at the start: {load_at_start:.1f} (other work on the machine shows here)\n")


def overview(results: Results, floor_build: str, load_at_start: float, load_at_end: float) -> str:
    """What the figures are: the method, the floor, each section with its goal, the machine."""
    sections = "\n".join(f"{index}. **{title}**: {measures} *Goal*: {goal}"
                         for index, (title, measures, goal) in enumerate(results.described, start=1))
    return (
        "## What is measured\n\n"
        "`scripts/bench` runs `dbinit migrate` side by side with what it replaces: `alembic upgrade head` on an "
        "Alembic project holding the same migrations (bench/alembic), a `pg_isready` + `psql` script "
        "(bench/noop_check.sh), and, as PID 1, tini, dumb-init and catatonit. Every run is a child process of the "
        "driver, timed from its spawn to its exit; a row gives the median and the 10th–90th percentile of its "
        "runs, and the tools of a comparison run interleaved, so that they meet the machine's load alike.\n\n"
        "*The floor* is bench/floor_client.c, a minimal C client of libpq built like dbinit "
        f"({floor_build}). It does the database work of the rows it stands beside, and nothing else: for a "
        "start with nothing to do it connects with the same URL, reads the history with dbinit's SELECT and "
        "exits; for many migrations it sends all their statements in one message (as one transaction, or each "
        "in its own). It checks nothing, "
        "takes no lock and writes no history: no client of libpq does that work in fewer round trips or with "
        "less of its own, so what dbinit takes beyond the floor is dbinit's own cost. The goals are set against "
        "the floor: Alembic's figures say how much dbinit saves over what it replaces, the floor's how much is "
        "left to save.\n\n"
        "The sections, what each measures and its goal (the Summary below gives each goal with this run's "
        "figures):\n\n" + sections + "\n\n"
        f"*The machine* is the one described above; other work on it shows in the load average (1 min): "
        f"{load_at_start:.1f} at the start, {load_at_end:.1f} at the end. Absolute times are this machine's "
        "under that load; the ratios between tools measured interleaved are what compare across machines. A "
        "ratio of figures under a millisecond (section 6's added start latency) moves with the noise; the "
        "10th–90th percentiles beside it show by how much.")


def summary(results: Results) -> str:
    return ("## Summary\n\nGoals, each judged on this run's figures:\n\n" +
            "\n".join(f"- {line}" for line in results.goals) + "\n\nMeasurements:\n\n" +
            "\n".join(f"- {line}" for line in results.summary))


# results.md and the chart sit side by side; scripts/bench moves the chart there.
CHART_LINK = ("![dbinit against each alternative, per section: wall time (resident memory and size in 6 and 7), "
              "log scale, dbinit highlighted](results.svg)")
CHART_TITLE = "dbinit (highlighted) against each alternative; floor: a minimal libpq client"


def without_local_paths(text: str, work: pathlib.Path) -> str:
    """The results name no directory of this machine: a path under the scratch
    directory or the checkout loses that prefix (a safety net: the rows print
    paths relative to the repository already)."""
    for directory in sorted({str(work), str(work.resolve()), str(REPO)}, key=len, reverse=True):
        text = text.replace(directory + "/", "")
    return text
