"""Running the tools: each one a child spawned with posix_spawn, its wall time
measured around spawn..wait4.

Peak RSS comes from separate runs under GNU time (%M: the largest resident
set of the process and the children it waited for): a child of this Python
process would start with the parent's resident set as its high-water mark.
"""
import os
import pathlib
import re
import shutil
import sys
import time
from dataclasses import dataclass

QUICK = os.environ.get("BENCH_QUICK") == "1"
GNU_TIME = "/usr/bin/time"


def reps(full: int, quick: int) -> int:
    return quick if QUICK else full


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


def require(ok: bool, what: str) -> None:
    if not ok:
        raise BenchError(what)


@dataclass
class Run:
    wall: float  # seconds
    rss_kb: int
    exit_code: int
    stderr_path: pathlib.Path


def spawn(argv, env, stderr_path: pathlib.Path) -> int:
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, str(stderr_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    return os.posix_spawn(argv[0], argv, env, file_actions=actions)


def error_line(path: pathlib.Path) -> str:
    """The line of a failed run's stderr that names the error."""
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception)\b", line) or re.search(r"\bERROR\b", line):
            return line.strip()
    return lines[-1].strip() if lines else ""


def last_lines(path: pathlib.Path, count: int = 5) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").strip().splitlines()[-count:])
    except OSError:
        return ""


class Runner:
    def __init__(self, work: pathlib.Path):
        self.work = work
        self.base_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(work)}

    def env(self, **extra) -> dict:
        return {**self.base_env, **extra}

    def which(self, name: str) -> str:
        """A program from the system PATH the tools run with (never a pyenv shim)."""
        path = shutil.which(name, path=self.base_env["PATH"])
        if not path:
            raise BenchError(f"{name} not found in {self.base_env['PATH']}")
        return path

    def run(self, argv, env, check: bool = True, rss: bool = False) -> Run:
        """Runs argv; with rss, under GNU time, whose %M goes to Run.rss_kb (wall then includes time's own start)."""
        stderr_path = self.work / "stderr.txt"
        rss_path = self.work / "rss.txt"
        spawned = [GNU_TIME, "-f", "%M", "-o", str(rss_path), "--"] + list(argv) if rss else argv
        start = time.perf_counter()
        pid = spawn(spawned, env, stderr_path)
        _, status, _ = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        peak = int(rss_path.read_text().split()[-1]) if rss else 0
        result = Run(wall, peak, os.waitstatus_to_exitcode(status), stderr_path)
        if check and result.exit_code != 0:
            raise BenchError(f"{' '.join(argv)} exited with {result.exit_code}:\n{last_lines(stderr_path, 15)}")
        return result

    def run_at_once(self, argv, env, count: int):
        """Starts `count` copies as fast as possible; returns (total seconds, runs)."""
        paths = [self.work / f"replica-{i}.stderr" for i in range(count)]
        start = time.perf_counter()
        pids = {spawn(argv, env, path): path for path in paths}
        runs = []
        while pids:
            pid, status, _ = os.wait4(-1, 0)
            if pid in pids:
                runs.append(Run(time.perf_counter() - start, 0, os.waitstatus_to_exitcode(status), pids.pop(pid)))
        return time.perf_counter() - start, runs

    def compare(self, commands, runs: int, rss_runs: int, after=None):
        """Runs each tool's command `runs` times for wall time and `rss_runs` times
        under GNU time for peak RSS, tools interleaved.

        commands: tool -> () -> (argv, env, database). With `after`, each run is
        followed by after(database, tool) (tools.Tools.check_and_drop: the
        run's own new database checked and dropped).
        Returns ({tool: [seconds]}, {tool: [KiB]}).
        """
        wall = {tool: [] for tool in commands}
        rss = {tool: [] for tool in commands}
        for i in range(max(runs, rss_runs)):
            # The order turns round every other run: a tool that always runs
            # right after another would always find the server and the page
            # cache as that one left them (about 1% on the no-op start).
            order = list(commands.items())
            if i % 2:
                order.reverse()
            for tool, command in order:
                for measure_rss in [False] * (i < runs) + [True] * (i < rss_runs):
                    argv, env, database = command()
                    run = self.run(argv, env, rss=measure_rss)
                    if after:
                        after(database, tool)
                    (rss[tool] if measure_rss else wall[tool]).append(run.rss_kb if measure_rss else run.wall)
        return wall, rss
