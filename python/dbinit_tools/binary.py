"""Which dbinit the tools run, in this order:

1. $DBINIT, when set: an explicit choice (a test, a build tree) wins over
   any discovery; when it names nothing executable, that is an error, not a
   reason to look elsewhere;
2. the dbinit of this install, as ruff and uv find theirs: the scripts
   directory of the running interpreter (a venv's bin/, where the platform
   wheel puts the binary), the interpreter's own directory, then the user
   scheme's scripts directory (pip install --user);
3. dbinit on PATH.
"""
import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Iterator, Optional

from dbinit_tools.cli import ToolError


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def install_directories() -> Iterator[Path]:
    """The directories where this install's scripts (and the wheel's dbinit) live."""
    yield Path(sysconfig.get_path("scripts"))
    yield Path(sys.executable).parent
    try:
        user_scheme = sysconfig.get_preferred_scheme("user")
        yield Path(sysconfig.get_path("scripts", scheme=user_scheme))
    except (AttributeError, KeyError):  # Python < 3.10, or no user scheme here: harmless
        pass


def find_dbinit(required: bool = True) -> Optional[str]:
    """The dbinit to run; with required=False, None when there is none."""
    explicit = os.environ.get("DBINIT")
    if explicit:
        if not _executable(Path(explicit)):
            raise ToolError(f"DBINIT={explicit}: no executable file there")
        return explicit
    seen = []
    for directory in install_directories():
        if directory in seen:
            continue
        seen.append(directory)
        if _executable(directory / "dbinit"):
            return str(directory / "dbinit")
    on_path = shutil.which("dbinit")
    if on_path:
        return on_path
    if not required:
        return None
    raise ToolError(f"no dbinit: none in this install ({seen[0]}), DBINIT is not set and none is on PATH; "
                    "pip install dbinit-pg for your platform, or set DBINIT to its path")
