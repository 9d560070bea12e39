"""The app's one engine. The schema is dbinit's job: the app never creates tables."""
import os

from sqlalchemy.engine import make_url
from sqlmodel import create_engine


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("chatbot: DATABASE_URL is not set (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)")
    # dbinit and libpq accept postgres:// and postgresql://; SQLAlchemy needs
    # the driver named, psycopg (3), which requirements.txt installs.
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            url = "postgresql+psycopg://" + url[len(scheme):]
    make_url(url)  # a malformed URL fails here, at start, not at the first request
    return url


# pool_pre_ping: a connection that died while idle (a Neon compute that
# suspended) is replaced instead of failing the next request.
engine = create_engine(database_url(), pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 5})
