"""dbinit-from-alembic, run as a user runs it: the console script of the
package installed in the venv, on an Alembic project in a temporary
directory whose env.py imports the project's own package (as real projects
do) and whose last revision uses SQLAlchemy 2's sa.UUID. The converted set,
applied by dbinit, gives the schema `alembic upgrade head` gives (pg_dump
--schema-only, the two tools' own tables aside), and down again."""
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

from support import REPO, Cluster, dbinit_binary, pg_tool, run_dbinit, tool, venv_environ

FIXTURE = REPO / "test" / "fixtures" / "alembic-chatbot"

API_KEYS = '''"""add api keys

Revision ID: c0ffee000003
Revises: 8be4d5e6f021
"""
from alembic import op
import sqlalchemy as sa

revision = 'c0ffee000003'
down_revision = '8be4d5e6f021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('api_keys')
'''

EXPECTED = ["0001_create_conversations.down.sql", "0001_create_conversations.up.sql",
            "0002_create_messages.down.sql", "0002_create_messages.up.sql",
            "0003_add_api_keys.down.sql", "0003_add_api_keys.up.sql"]


class FromAlembic(unittest.TestCase):
    def setUp(self):
        self.tool = tool("dbinit-from-alembic")
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-a2s-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        # The user's project: the chatbot's Alembic revisions, an env.py that
        # imports the app's package, and a third revision on SQLAlchemy 2.
        self.project = self.work / "project"
        shutil.copytree(FIXTURE, self.project, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
        (self.project / "app").mkdir()
        (self.project / "app" / "__init__.py").write_text("")
        (self.project / "app" / "models.py").write_text("from sqlalchemy import MetaData\n\nmetadata = MetaData()\n")
        env_py = self.project / "env.py"
        env_py.write_text("from app.models import metadata as target_metadata  # noqa: F401\n" + env_py.read_text())
        ini = self.project / "alembic.ini"
        ini.write_text(ini.read_text().replace("[alembic]\n", "[alembic]\nprepend_sys_path = .\n", 1))
        (self.project / "versions" / "c0ffee000003_add_api_keys.py").write_text(API_KEYS)
        self.cluster = Cluster().__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)

    def convert(self, alembic_dir=".", cwd=None, migrations_dir=None):
        env = venv_environ(dict(self.cluster.environ("postgres"), DBINIT=dbinit_binary()))
        env.pop("PYTHONPATH", None)
        return subprocess.run([self.tool, str(alembic_dir), "--migrations-dir",
                               str(migrations_dir or self.work / "sql")],
                              cwd=cwd or self.project, env=env, capture_output=True, text=True, timeout=120)

    def schema(self, database):
        dump = subprocess.run(pg_tool("pg_dump") + ["--schema-only", "--no-owner", "-T", "alembic_version",
                               "-T", "dbinit_schema_history", self.cluster.url(database)],
                              capture_output=True, text=True, check=True).stdout
        # pg_dump 15.14+ brackets its output with a random \restrict key.
        return re.sub(r"^\\(un)?restrict .*$", "", dump, flags=re.MULTILINE)

    def test_converted_set_gives_alembics_schema(self):
        result = self.convert()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(p.name for p in (self.work / "sql").iterdir()), EXPECTED)
        up = (self.work / "sql" / "0002_create_messages.up.sql").read_text()
        self.assertIn("-- Alembic revision 8be4d5e6f021 (create messages)", up)
        self.assertNotIn("alembic_version", up)
        self.assertNotIn("BEGIN;", up)
        self.assertIn("id UUID DEFAULT gen_random_uuid() NOT NULL",
                      (self.work / "sql" / "0003_add_api_keys.up.sql").read_text())

        by_alembic = self.cluster.create_database("by_alembic")
        subprocess.run(["alembic", "upgrade", "head"], cwd=self.project,
                       env=venv_environ(self.cluster.environ(by_alembic)), check=True, capture_output=True)
        by_dbinit = self.cluster.create_database("by_dbinit")
        run_dbinit(self.cluster, by_dbinit, "migrate", migrations_dir=self.work / "sql")

        alembic_schema = self.schema(by_alembic)
        self.assertIn("CREATE TABLE public.api_keys", alembic_schema)
        self.assertEqual(self.schema(by_dbinit), alembic_schema)

        # The down files take it back, as `alembic downgrade base` would.
        run_dbinit(self.cluster, by_dbinit, "migrate", "--target", "0", migrations_dir=self.work / "sql")
        self.assertNotIn("CREATE TABLE", self.schema(by_dbinit))

    def test_a_project_converted_from_another_directory(self):
        # Its env.py imports app: found through the ini's directory.
        result = self.convert(alembic_dir=self.project, cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(p.name for p in (self.work / "sql").iterdir()), EXPECTED)

    def test_existing_files_are_not_overwritten(self):
        self.assertEqual(self.convert().returncode, 0)
        before = {p.name: p.read_text() for p in (self.work / "sql").iterdir()}
        again = self.convert()
        # Numbered after what is there: 0004 to 0006, a second copy, not a clash.
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0004_create_conversations.up.sql", again.stdout)
        for name, text in before.items():
            self.assertEqual((self.work / "sql" / name).read_text(), text)

    def test_bad_input_is_one_line_and_exit_2_and_nothing_written(self):
        broken = self.project / "versions" / "c0ffee000004_broken.py"
        broken.write_text(API_KEYS.replace("c0ffee000003", "c0ffee000004").replace("8be4d5e6f021", "c0ffee000003")
                          .replace("import sqlalchemy as sa", "import sqlalchemy as sa\nimport no_such_package"))
        for alembic_dir, expected in ((self.work / "nothing", "alembic.ini"),
                                      (".", "reading the revisions failed: ModuleNotFoundError")):
            with self.subTest(alembic_dir=alembic_dir):
                result = self.convert(alembic_dir)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                self.assertIn(expected, result.stderr)
                self.assertFalse((self.work / "sql").exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
