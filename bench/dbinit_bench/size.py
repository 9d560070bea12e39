"""Section 7, size: the benchmarked dbinit binary (build-static/dbinit, or
the dynamic fallback), what an image that runs it carries.

Against: tini-static, tini, dumb-init and catatonit, and what Alembic needs
installed: Debian's Installed-Size of Python and Alembic's packages.

Goal: none; the comparison.
"""
import os
import subprocess

from .bench import Bench
from .chart import Panel
from .report import ratio, shown_path, table
from .runner import progress

# Alembic's stack: the Debian packages `alembic upgrade head` runs from.
ALEMBIC_STACK = ("python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "python3-alembic",
                 "python3-sqlalchemy", "python3-psycopg2", "python3-mako", "python3-markupsafe", "libpq5")


def run(bench: Bench) -> None:
    progress("7/8 size")
    results, dbinit = bench.results, bench.args.dbinit
    results.describe(
        "Size",
        "the dbinit binary, against tini-static, tini, dumb-init, catatonit and the Debian packages Alembic runs "
        "from (Python included).",
        "none (the comparison is what an image that runs dbinit carries).")
    ours_label = ("dbinit, static" if bench.args.binary_kind == "static"
                  else "dbinit, DYNAMIC Release build (the static build failed)")
    binaries = [(ours_label, dbinit)] + [
        (name, bench.runner.which(name)) for name in ("tini-static", "tini", "dumb-init", "catatonit")]
    ours = os.path.getsize(dbinit)
    rows = []
    panel = Panel("7. Size", "MiB")
    for label, path in binaries:
        size = os.path.getsize(path)
        kind = subprocess.run(["file", "-b", path], capture_output=True, text=True).stdout
        linkage = "static" if "statically linked" in kind else "dynamic" if "dynamically" in kind else "?"
        rows.append([label, f"`{shown_path(path)}`", linkage, f"{size:,} B ({size / 1024 / 1024:.2f} MiB)",
                     "–" if path == dbinit else ratio(ours, size)])
        panel.add(label, size / 1024 / 1024, f"{size / 1024 / 1024:.2f} MiB", "ours" if path == dbinit else "other")
    installed = 0
    for package in ALEMBIC_STACK:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}", package],
                             capture_output=True, text=True).stdout.strip()
        installed += int(out or 0) * 1024
    rows.append(["Alembic's stack: " + ", ".join(ALEMBIC_STACK), "(Debian Installed-Size)", "–",
                 f"{installed:,} B ({installed / 1024 / 1024:.1f} MiB)", ratio(ours, installed)])
    panel.add("Alembic's stack (Debian packages, Python)", installed / 1024 / 1024,
              f"{installed / 1024 / 1024:.1f} MiB")
    results.panels.append(panel)
    results.summary.append(f"Size: {binaries[0][0]} {ours / 1024 / 1024:.2f} MiB vs tini-static "
                           f"{os.path.getsize(binaries[1][1]) / 1024 / 1024:.2f} MiB; Alembic's Debian packages "
                           f"with Python {installed / 1024 / 1024:.1f} MiB.")
    results.add_section("## 7. Size\n\n" + table(["binary", "path", "linkage", "size", "dbinit / binary"], rows))
