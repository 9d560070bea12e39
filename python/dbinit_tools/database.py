"""DATABASE_URL for the tools: libpq's form for dbinit, SQLAlchemy's (with a
driver that is installed) for the comparison. Never echoes the URL: it may
carry a password."""
import importlib.util
import os
import re
import urllib.parse
from typing import Tuple

from dbinit_tools.cli import ToolError

FORM = "postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
# SQLAlchemy's names for the drivers, the first installed one used.
DRIVERS = (("psycopg", "psycopg"), ("psycopg2", "psycopg2"))


def urls(purpose: str) -> Tuple[str, str]:
    """(the URL for dbinit, the URL for SQLAlchemy) from DATABASE_URL."""
    raw = os.environ.get("DATABASE_URL", "")
    if not raw:
        raise ToolError(f"DATABASE_URL is not set: it names {purpose} ({FORM})")
    match = re.match(r"^(postgres|postgresql)(\+(\w+))?://", raw)
    if not match:
        raise ToolError(f"DATABASE_URL is not a PostgreSQL URL: expected {FORM}")
    rest = raw[match.end():]
    driver = match.group(3)
    if driver is None:
        driver = next((name for name, module in DRIVERS if importlib.util.find_spec(module)), None)
        if driver is None:
            raise ToolError("no PostgreSQL driver in this Python: pip install \"psycopg[binary]\" (or psycopg2-binary)")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        make_url(f"postgresql+{driver}://{rest}")
    except (ArgumentError, ValueError):  # their messages quote the URL, password and all
        raise ToolError(f"DATABASE_URL is not a valid URL: expected {FORM}") from None
    return f"postgresql://{rest}", f"postgresql+{driver}://{rest}"


def redact(text: str) -> str:
    """text without DATABASE_URL's password (as written and percent-decoded),
    should a driver's message quote part of the URL."""
    try:
        password = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", "")).password
    except ValueError:  # a URL urllib cannot split: nothing to take out by it
        password = None
    for form in filter(None, {password, password and urllib.parse.unquote(password)}):
        text = text.replace(form, "***")
    return text


def first_line(error: BaseException) -> str:
    """An SQLAlchemy error's own message, without the statement and the
    parameters SQLAlchemy appends, and without the password."""
    text = str(getattr(error, "orig", None) or error).strip()
    return redact((text.splitlines() or [type(error).__name__])[0])
