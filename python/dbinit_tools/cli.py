"""What the tools' command lines share: one error line and an exit code for
every bad input, and --version."""
import argparse
import importlib.util
import sys
from importlib import metadata
from typing import NoReturn


class ToolError(Exception):
    """A failure the user can act on: printed as one line, `PROG: MESSAGE`,
    and the tool exits with `code` (2 for a bad argument or project)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse with a bad argument as one line (usage stays in --help)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def version() -> str:
    try:
        return metadata.version("dbinit-pg")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


# The extra dbinit-pg[models]: the import name and the distribution's.
EXTRA = {"sqlalchemy": "SQLAlchemy", "sqlmodel": "SQLModel", "alembic": "Alembic"}


def require_extra(*modules: str) -> None:
    """The tools' imports, present; or one line that says how to get them
    (the wheel alone installs none of them)."""
    missing = [EXTRA[m] for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ToolError(f"{' and '.join(missing)} not installed in this Python ({sys.executable}): "
                        "pip install \"dbinit-pg[models]\"")


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prepend-sys-path", metavar="DIR", action="append", default=[],
                        help="a directory to import the project from, before the current directory and alembic.ini's "
                             "prepend_sys_path (may be repeated)")
    parser.add_argument("--version", action="version", version=f"%(prog)s (dbinit {version()})")


def run(prog: str, main, argv) -> int:
    """main(argv) with every ToolError as one line on stderr and its code."""
    try:
        return main(argv)
    except ToolError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
