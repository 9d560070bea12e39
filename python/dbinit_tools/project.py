"""Importing the user's project the way Alembic does: the current directory
on sys.path, plus prepend_sys_path from an alembic.ini, plus the directories
given with --prepend-sys-path (first)."""
import configparser
import importlib
import os
import re
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from dbinit_tools.cli import ToolError

# Alembic's path_separator values; without the option, Alembic splits on
# spaces and commas.
SEPARATORS = {"os": os.pathsep, "space": " ", "newline": "\n", "colon": ":", "semicolon": ";"}


def alembic_sys_path(ini: Path) -> List[str]:
    """prepend_sys_path of the ini's [alembic] section, as Alembic reads it
    (%(here)s is the ini's directory); relative entries are relative to the
    current directory, as in Alembic."""
    parser = configparser.ConfigParser(defaults={"here": str(ini.resolve().parent)})
    try:
        parser.read(ini)
    except configparser.Error as error:
        raise ToolError(f"{ini}: not a readable ini file: {str(error).splitlines()[0]}")
    if not parser.has_option("alembic", "prepend_sys_path"):
        return []
    value = parser.get("alembic", "prepend_sys_path")
    separator = parser.get("alembic", "path_separator", fallback=None)
    if separator is None:
        parts = re.split(r"[\s,]+", value)
    elif separator in SEPARATORS:
        parts = value.split(SEPARATORS[separator])
    else:
        raise ToolError(f"{ini}: path_separator = {separator}: expected one of {', '.join(SEPARATORS)}")
    return [str(Path(part.strip()).resolve()) for part in parts if part.strip()]


def prepare_sys_path(extra: Iterable[str] = (), ini: Optional[Path] = None) -> List[str]:
    """Puts the project's directories at the front of sys.path: `extra` first,
    then the ini's prepend_sys_path (the current directory's alembic.ini when
    no ini is given), then the current directory. Returns them, in order."""
    if ini is None and Path("alembic.ini").is_file():
        ini = Path("alembic.ini")
    entries = [str(Path(p).resolve()) for p in extra]
    for path in entries:
        if not Path(path).is_dir():
            raise ToolError(f"--prepend-sys-path {path}: no such directory")
    if ini is not None:
        entries += alembic_sys_path(ini)
    entries.append(os.getcwd())
    ordered = list(dict.fromkeys(entries))
    sys.path[:0] = [p for p in ordered if p not in sys.path]
    return ordered


def import_modules(modules: Iterable[str], searched: List[str]) -> None:
    """Imports each module; a failure is one line that says what to do."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            missing = error.name or "?"
            if module == missing or module.startswith(missing + "."):
                raise ToolError(f"cannot import {module}: no module named {missing!r} in {', '.join(searched)}; "
                                "run from your project's directory, or name the directory that holds it with "
                                "--prepend-sys-path")
            raise ToolError(f"cannot import {module}: it imports {missing!r}, which is not installed in this Python "
                            f"({sys.executable})")
        except (Exception, SystemExit) as error:  # the user's own code, as it runs on import
            first = (str(error).strip().splitlines() or [""])[0]
            raise ToolError(f"importing {module} failed: {type(error).__name__}: {first}")
