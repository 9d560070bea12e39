#!/usr/bin/env python3
"""Generates N trivial migrations, the same SQL for both tools:

    generate_migrations.py sql DIR N       DIR/0001_step_0001.up.sql ...
    generate_migrations.py alembic DIR N   an Alembic project: DIR/alembic.ini,
                                           env.py, versions/r0001.py ... (a chain)

Migration i creates one empty table, bench_step_i. Files are rewritten only
when their content changes, so a build directory embedding DIR stays current
without rebuilding.
"""
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent


def statement(i: int) -> str:
    return f"CREATE TABLE bench_step_{i:04d} (id integer)"


def write_if_changed(path: pathlib.Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def keep_only(directory: pathlib.Path, names: set) -> None:
    for path in directory.iterdir():
        if path.is_file() and path.name not in names:
            path.unlink()


def generate_sql(directory: pathlib.Path, count: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    names = set()
    for i in range(1, count + 1):
        name = f"{i:04d}_step_{i:04d}.up.sql"
        write_if_changed(directory / name, statement(i) + ";\n")
        names.add(name)
    keep_only(directory, names)


def generate_alembic(directory: pathlib.Path, count: int) -> None:
    versions = directory / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    for name in ("alembic.ini", "env.py", "script.py.mako"):
        shutil.copyfile(HERE / "alembic" / name, directory / name)
    names = set()
    for i in range(1, count + 1):
        down = repr(f"r{i - 1:04d}") if i > 1 else "None"
        name = f"r{i:04d}.py"
        write_if_changed(versions / name, f'''"""step {i}"""
from alembic import op

revision = "r{i:04d}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("{statement(i)}")


def downgrade() -> None:
    op.execute("DROP TABLE bench_step_{i:04d}")
''')
        names.add(name)
    keep_only(versions, names)


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] not in ("sql", "alembic"):
        sys.exit(__doc__)
    kind, directory, count = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3])
    (generate_sql if kind == "sql" else generate_alembic)(directory, count)


if __name__ == "__main__":
    main()
