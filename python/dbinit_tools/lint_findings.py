"""What `dbinit lint` finds in the migrations a tool just wrote, printed as
warnings: the files are written either way, and the user reviews them."""
import pathlib
import subprocess
import sys
from typing import Iterable, Mapping, Optional


def print_findings(tool: str, dbinit: str, directory: pathlib.Path, written: Iterable,
                   env: Optional[Mapping[str, str]] = None) -> None:
    """Runs `dbinit lint --migrations-dir DIRECTORY` and prints its findings on
    the files in `written` to stderr, each as "TOOL: warning: FINDING". With a
    DATABASE_URL in the environment, dbinit lint exempts the tables that
    migrations pending there create. When dbinit cannot lint (no dbinit-lint
    beside it), one note says why."""
    names = {pathlib.Path(path).name for path in written}
    result = subprocess.run([dbinit, "lint", "--migrations-dir", str(directory)], capture_output=True, text=True,
                            env=env)
    if result.returncode not in (0, 1):
        reason = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        print(f"{tool}: note: the new migration was not linted: {reason}", file=sys.stderr)
        return
    for line in result.stdout.splitlines():
        if pathlib.Path(line.split(":", 1)[0]).name in names:
            print(f"{tool}: warning: {line}", file=sys.stderr)
