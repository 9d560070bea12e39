"""The dbinit-pg package as installed in the test venv (scripts/python-env
--package builds its wheel from python/ and installs it): its version is
VERSION's and the binary's, its license Apache-2.0 with LICENSE in the
wheel, it is a pure wheel, the extra's lower bounds are the oldest pins,
each tool answers --help and --version as a console script and with
python -m, a DATABASE_URL that is missing or not PostgreSQL's is one line
that does not echo it, and the tools find dbinit as documented: $DBINIT,
then the install's own, then PATH, else one line and exit 2. No server
needed."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import unittest
from importlib import metadata

from support import REPO, dbinit_binary, tool

# PyPI's "dbinit" is another project's.
DISTRIBUTION = "dbinit-pg"
TOOLS = {"dbinit-from-models": "dbinit_tools.from_models", "dbinit-from-alembic": "dbinit_tools.from_alembic"}
MODELS = '''
from typing import Optional
from sqlmodel import Field, SQLModel


class Note(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    text: str
'''


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class Package(unittest.TestCase):
    def setUp(self):
        for name in TOOLS:
            tool(name)  # skips without the package, fails when it is older than python/

    def test_the_version_is_the_one_of_VERSION_and_the_binarys(self):
        version = (REPO / "VERSION").read_text().strip()
        self.assertRegex(version, r"^\d+\.\d+\.\d+$")
        self.assertEqual(metadata.version(DISTRIBUTION), version)
        built = subprocess.run([dbinit_binary(), "--version"], capture_output=True, text=True, check=True)
        self.assertEqual(built.stdout.splitlines()[0], f"dbinit {version}")

    def test_the_license_is_apache_2_with_its_text(self):
        dist = metadata.distribution(DISTRIBUTION)
        self.assertEqual(dist.metadata["License-Expression"], "Apache-2.0")
        self.assertEqual(dist.metadata.get_all("License-File"), ["LICENSE"])
        self.assertEqual(dist.read_text("licenses/LICENSE"), (REPO / "LICENSE").read_text())

    def test_a_pure_wheel_that_requires_nothing_without_the_extra(self):
        wheel = metadata.distribution(DISTRIBUTION).read_text("WHEEL")
        self.assertIn("Root-Is-Purelib: true", wheel)
        self.assertIn("Tag: py3-none-any", wheel)
        required = metadata.requires(DISTRIBUTION) or []
        self.assertEqual([r for r in required if "extra ==" not in r], [])

    def test_the_extras_lower_bounds_are_the_oldest_pins(self):
        pyproject = tomllib.loads((REPO / "python" / "pyproject.toml").read_text())
        bounds = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)>=(\S+)", r).groups()
                      for r in pyproject["project"]["optional-dependencies"]["models"])
        pins = dict(m.groups() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)$",
                                                    (REPO / "requirements" / "oldest.txt").read_text(), re.MULTILINE))
        pins = {canonical(k): v for k, v in pins.items()}
        for name, bound in bounds.items():
            self.assertTrue(pins[canonical(name)].startswith(bound), f"{name}>={bound}, oldest pin {pins[canonical(name)]}")

    def test_each_tool_answers_help_and_version_both_ways(self):
        for name, module in TOOLS.items():
            for argv in ([tool(name)], [sys.executable, "-m", module]):
                with self.subTest(argv=argv):
                    helped = subprocess.run(argv + ["--help"], capture_output=True, text=True)
                    self.assertEqual(helped.returncode, 0, helped.stderr)
                    self.assertIn(f"usage: {name}", helped.stdout)
                    versioned = subprocess.run(argv + ["--version"], capture_output=True, text=True)
                    self.assertEqual(versioned.stdout.strip(), f"{name} (dbinit {metadata.version(DISTRIBUTION)})")


class WithoutTheExtra(unittest.TestCase):
    def test_help_works_and_a_run_says_how_to_get_the_extra(self):
        """The package alone, as pip install dbinit-pg leaves it: its own venv
        that sees dbinit_tools and nothing else of the test venv."""
        tool("dbinit-from-models")
        with tempfile.TemporaryDirectory() as work:
            work = pathlib.Path(work)
            venv = work / "venv"
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
            (work / "only-the-package").mkdir()
            (work / "only-the-package" / "dbinit_tools").symlink_to(
                pathlib.Path(sysconfig.get_path("purelib")) / "dbinit_tools")
            purelib = subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                     capture_output=True, text=True, check=True).stdout.strip()
            (pathlib.Path(purelib) / "package.pth").write_text(str(work / "only-the-package") + "\n")
            (work / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s\n")
            for name, module, arguments in (("dbinit-from-models", TOOLS["dbinit-from-models"], ["app.models", "--check"]),
                                            ("dbinit-from-alembic", TOOLS["dbinit-from-alembic"],
                                             [".", "--migrations-dir", "sql"])):
                with self.subTest(tool=name):
                    helped = subprocess.run([venv / "bin" / "python", "-m", module, "--help"], capture_output=True,
                                            text=True, cwd=work)
                    self.assertEqual(helped.returncode, 0, helped.stderr)
                    result = subprocess.run([venv / "bin" / "python", "-m", module, *arguments], capture_output=True,
                                            text=True, cwd=work)
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                    self.assertIn('not installed in this Python', result.stderr)
                    self.assertIn('pip install "dbinit-pg[models]"', result.stderr)


class DatabaseUrl(unittest.TestCase):
    """DATABASE_URL missing or not PostgreSQL's: one line, exit 2, and never
    the URL itself, which may carry a password."""

    def test_one_line_without_the_url(self):
        models = tool("dbinit-from-models")
        with tempfile.TemporaryDirectory() as project:
            (pathlib.Path(project) / "models.py").write_text(MODELS)
            (pathlib.Path(project) / "sql").mkdir()
            for url, expected in ((None, "DATABASE_URL is not set"),
                                  ("mysql://app:s3cret-not-shown@db/app", "DATABASE_URL is not a PostgreSQL URL"),
                                  ("s3cret-not-shown", "DATABASE_URL is not a PostgreSQL URL"),
                                  ("postgresql://app:s3cret-not-shown@db:port/app", "DATABASE_URL is not a valid URL"),
                                  ("postgresql://app:s3cret-not-shown@[::1/app", "DATABASE_URL is not a valid URL")):
                for mode in (["--check"], ["--name", "next"]):
                    with self.subTest(url=url, mode=mode):
                        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
                        if url:
                            env["DATABASE_URL"] = url
                        env["DBINIT"] = dbinit_binary()
                        result = subprocess.run([models, "models", *mode], cwd=project, env=env,
                                                capture_output=True, text=True, timeout=60)
                        self.assertEqual(result.returncode, 2, result.stderr)
                        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                        self.assertIn(expected, result.stderr)
                        self.assertNotIn("s3cret", result.stdout + result.stderr)


class FindingDbinit(unittest.TestCase):
    """In a venv of its own (the test venv's packages through a .pth file),
    as the platform wheel lays it out: dbinit in the venv's bin/."""

    def setUp(self):
        tool("dbinit-from-models")
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-find-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.venv = self.work / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(self.venv)], check=True)
        purelib = pathlib.Path(subprocess.run([self.venv / "bin" / "python", "-c",
                                               "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                              capture_output=True, text=True, check=True).stdout.strip())
        (purelib / "test-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
        self.project = self.work / "project"
        (self.project / "sql").mkdir(parents=True)
        (self.project / "models.py").write_text(MODELS)
        self.on_path = self.work / "on-path"
        self.on_path.mkdir()
        self.failing = self.work / "failing-dbinit"
        self.failing.write_text("#!/bin/sh\nexit 9\n")
        self.failing.chmod(0o755)

    def initial(self, dbinit_env=None):
        env = {k: v for k, v in os.environ.items() if k not in ("DBINIT", "DATABASE_URL", "PYTHONPATH")}
        env["PATH"] = f"{self.on_path}:/usr/bin:/bin"
        if dbinit_env:
            env["DBINIT"] = str(dbinit_env)
        for path in (self.project / "sql").iterdir():
            path.unlink()
        return subprocess.run([self.venv / "bin" / "python", "-m", "dbinit_tools.from_models", "models",
                               "--initial", "--name", "initial"], cwd=self.project, env=env, capture_output=True,
                              text=True, timeout=60)

    def written(self):
        return sorted(p.name for p in (self.project / "sql").iterdir())

    def test_none_at_all_is_one_line_and_exit_2(self):
        result = self.initial()
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn(f"no dbinit: none in this install ({self.venv / 'bin'})", result.stderr)
        self.assertEqual(self.written(), [])

    def test_the_one_on_path(self):
        (self.on_path / "dbinit").symlink_to(dbinit_binary())
        result = self.initial()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.written(), ["0001_initial.down.sql", "0001_initial.up.sql"])

    def test_the_installs_own_before_path(self):
        (self.on_path / "dbinit").symlink_to(self.failing)
        (self.venv / "bin" / "dbinit").symlink_to(dbinit_binary())
        result = self.initial()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("CREATE TABLE note", (self.project / "sql" / "0001_initial.up.sql").read_text())

    def test_dbinit_set_wins_and_must_exist(self):
        (self.venv / "bin" / "dbinit").symlink_to(dbinit_binary())
        result = self.initial(dbinit_env=self.failing)
        self.assertEqual(result.returncode, 9, result.stderr)
        self.assertIn("dbinit new exited 9", result.stderr)
        missing = self.initial(dbinit_env=self.work / "nothing")
        self.assertEqual(missing.returncode, 2, missing.stderr)
        self.assertEqual(missing.stderr.strip(), f"dbinit-from-models: DBINIT={self.work / 'nothing'}: "
                                                 "no executable file there")
        self.assertEqual(self.written(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
