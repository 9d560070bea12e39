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
MERGES = REPO / "test" / "fixtures" / "alembic-merges"

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
        self.assertNotRegex(up, r"(INSERT INTO|UPDATE|CREATE TABLE) alembic_version")
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


# alembic-merges in the order `alembic upgrade heads` applies it: the
# migrations the tool writes, each a revision (merges too), and their files.
MERGES_ORDER = ["base_users", "b7e1c0de0003", "add_posts", "4c0ffee00004", "e5e55100006", "f10c0ffe0008",
                "d1ce00000005", "7ab1e0000007", "9eed00000009", "a11ce000000a", "b0b000000b0b"]
CAPTURED = {"b7e1c0de0003", "e5e55100006", "f10c0ffe0008", "d1ce00000005"}
READS_ROWS = {"b7e1c0de0003", "e5e55100006"}
NO_DOWN = {"a11ce000000a": "NotImplementedError: the names are gone",
           "b0b000000b0b": "CompileError: Can't emit DROP CONSTRAINT"}


class FromAlembicMerges(unittest.TestCase):
    """A history with merges, a merge of merges, a redundant parent edge, a
    revision id that is not hex, upgrades that cannot render offline (rows
    read, inspect(), a Session, commit() before CONCURRENTLY) and downgrades
    that cannot render."""

    @classmethod
    def setUpClass(cls):
        cls.tool = tool("dbinit-from-alembic")
        cls.work = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-a2s-merges-"))
        cls.project = cls.work / "project"
        shutil.copytree(MERGES, cls.project, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
        cls.cluster = Cluster().__enter__()
        cls.scratch = cls.cluster.create_database("scratch")
        cls.converted = cls.convert(cls.work / "sql", cls.scratch)
        # What Alembic itself makes of the history: the reference schema.
        cls.by_alembic = cls.cluster.create_database("by_alembic")
        cls.alembic(cls.by_alembic, "upgrade", "heads")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def convert(cls, migrations_dir, database=None, *extra, url=None):
        env = venv_environ(dict(cls.cluster.environ(database or "postgres"), DBINIT=dbinit_binary()))
        env.pop("PYTHONPATH", None)
        if database is None:
            env.pop("DATABASE_URL")
        elif url is not None:
            env["DATABASE_URL"] = url
        return subprocess.run([cls.tool, *( [".", "--migrations-dir", str(migrations_dir)] if migrations_dir else []),
                               *extra], cwd=cls.project, env=env, capture_output=True, text=True, timeout=300)

    @classmethod
    def alembic(cls, database, *arguments):
        subprocess.run(["alembic", *arguments], cwd=cls.project, env=venv_environ(cls.cluster.environ(database)),
                       check=True, capture_output=True)

    def schema(self, database):
        return FromAlembic.schema(self, database)

    def files(self):
        return sorted(p.name for p in (self.work / "sql").iterdir())

    def up(self, number):
        return next((self.work / "sql").glob(f"{number:04d}_*.up.sql")).read_text()

    def test_every_revision_in_alembics_order_with_what_it_needed(self):
        self.assertEqual(self.converted.returncode, 0, self.converted.stderr)
        ups = [name for name in self.files() if name.endswith(".up.sql")]
        self.assertEqual(len(ups), len(MERGES_ORDER))
        for number, revision in enumerate(MERGES_ORDER, start=1):
            with self.subTest(revision=revision):
                text = self.up(number)
                self.assertIn(f"-- Alembic revision {revision} (", text.split("\n", 2)[0] + text.split("\n", 2)[1])
                self.assertEqual("Captured against an empty database" in text, revision in CAPTURED)
                self.assertEqual("-- Its upgrade reads rows:" in text, revision in READS_ROWS)
                self.assertEqual(text.startswith("-- dbinit:no-transaction\n"), revision == "f10c0ffe0008")
                self.assertNotIn("alembic_version (", text)
                self.assertNotIn("pg_catalog", text)  # inspect()'s reads are not migration statements
                # What env.py sends around the revisions is not theirs.
                self.assertNotIn("lock_timeout", text)
                self.assertNotIn("pg_advisory", text)
                down = [n for n in self.files() if n.startswith(f"{number:04d}_") and n.endswith(".down.sql")]
                self.assertEqual(not down, revision in NO_DOWN)
        # The empty merge is a migration without statements; the merge with a body keeps it.
        self.assertIn("-- No statements", self.up(4))
        self.assertIn("upgrade merge of add_posts, b7e1c0de0003", self.up(4))
        self.assertIn("CREATE INDEX ix_settings_value", self.up(8))
        # Statements it sent, parameters as literals; what it read, left out.
        self.assertIn("UPDATE users SET email = 'ada@example.org', email_as_given = 'Ada@Example.org' WHERE id = 1",
                      self.up(2))
        self.assertNotIn("SELECT", self.up(2))
        self.assertIn("it''s 100% ready", self.up(5))
        self.assertIn("CREATE INDEX CONCURRENTLY ix_posts_user_id", self.up(6))
        # Rendered offline with the pyformat paramstyle: one %, as sent.
        self.assertIn("CHECK (email LIKE '%_@_%')", self.up(1))
        self.assertIn("CREATE TABLE tags", self.up(7))
        self.assertIn("-- alembic_version after this migration: add_posts b7e1c0de0003", self.up(3))
        for revision, why in NO_DOWN.items():
            self.assertIn(f"no down file: Alembic revision {revision}'s downgrade cannot render offline: {why}",
                          self.converted.stderr)
        self.assertIn("11 revisions (4 merges, their empty ones as migrations without statements), "
                      "4 captured online against an empty database", self.converted.stderr)

    def test_applied_by_dbinit_it_is_alembics_schema_and_rows(self):
        fresh = self.cluster.create_database("fresh")
        run_dbinit(self.cluster, fresh, "migrate", migrations_dir=self.work / "sql")
        alembic_schema = self.schema(self.by_alembic)
        self.assertIn("CREATE INDEX ix_posts_user_id", alembic_schema)
        self.assertEqual(self.schema(fresh), alembic_schema)
        for table in ("users", "settings"):
            query = f"SELECT * FROM {table} ORDER BY 1"
            self.assertEqual(self.cluster.sql(fresh, query), self.cluster.sql(self.by_alembic, query))
        # Down: refused past the revisions without a down file; below them,
        # every down file (merges and captured ones too) takes it back.
        refused = run_dbinit(self.cluster, fresh, "migrate", "--target", "9", migrations_dir=self.work / "sql",
                             check=False)
        self.assertIn("cannot migrate down to 9: no down file for version 11, 10", refused.stderr)
        self.assertEqual(self.schema(fresh), alembic_schema)
        down = self.cluster.create_database("down")
        run_dbinit(self.cluster, down, "migrate", "--target", "9", migrations_dir=self.work / "sql")
        run_dbinit(self.cluster, down, "migrate", "--target", "0", migrations_dir=self.work / "sql")
        self.assertNotIn("CREATE TABLE", self.schema(down))

    def migrate(self, database, *arguments, check=True):
        return run_dbinit(self.cluster, database, "migrate", *arguments, migrations_dir=self.work / "sql",
                          check=check)

    def history_rows(self, database):
        return self.cluster.sql(database, "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = "
                                          "'dbinit_schema_history'")[0][0]

    def test_a_database_at_alembics_head_is_adopted_unchanged(self):
        at_head = self.cluster.create_database("at_head")
        self.alembic(at_head, "upgrade", "heads")
        before = self.schema(at_head)
        result = self.migrate(at_head)
        self.assertIn("adopting a database that Alembic managed at version 11", result.stderr)
        self.assertIn("applied=0", result.stderr)
        self.assertEqual(self.schema(at_head), before)
        self.assertEqual(self.cluster.sql(at_head, "SELECT count(*) FROM dbinit_schema_history")[0][0], 11)
        self.assertEqual(self.cluster.sql(at_head, "SELECT version_num FROM alembic_version"), [("b0b000000b0b",)])
        # Adopted: the next start has nothing to do.
        self.assertIn("applied=0", self.migrate(at_head).stderr)

    def test_a_database_at_an_older_revision_is_adopted_there(self):
        older = self.cluster.create_database("older")
        self.alembic(older, "upgrade", "e5e55100006")
        printed = run_dbinit(self.cluster, older, "sql", migrations_dir=self.work / "sql")
        self.assertNotIn("adopting", printed.stderr)
        result = self.migrate(older)
        self.assertIn("adopting a database that Alembic managed at version 5", result.stderr)
        self.assertIn("applied=6", result.stderr)
        self.assertEqual(self.schema(older), self.schema(self.by_alembic))

    def test_adoption_is_refused_before_a_captured_revision_that_reads_rows(self):
        for name, revisions, refused in (("two_heads", ("add_posts", "b7e1c0de0003"), "0005_"),
                                         ("first", ("base_users",), "0002_")):
            with self.subTest(alembic_version=revisions):
                database = self.cluster.create_database(name)
                for revision in revisions:
                    self.alembic(database, "upgrade", revision)
                before = self.schema(database)
                for command in ("migrate", "sql"):
                    result = run_dbinit(self.cluster, database, command, migrations_dir=self.work / "sql",
                                        check=False)
                    self.assertEqual(result.returncode, 4, result.stderr)
                    self.assertRegex(result.stderr, f"not adopting: pending {refused}[a-z0-9_]*\\.up\\.sql was "
                                                    "captured by running an Alembic upgrade that reads rows")
                self.assertEqual(self.schema(database), before)
                self.assertEqual(self.history_rows(database), 0)
        # A state the converted order never passes through: drift.
        database = self.cluster.create_database("posts_only")
        self.alembic(database, "upgrade", "add_posts")
        result = self.migrate(database, check=False)
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertIn("alembic_version holds add_posts, which no migration of the set names", result.stderr)
        self.assertEqual(self.history_rows(database), 0)

    def test_capture_needs_an_empty_scratch_database(self):
        busy = self.cluster.create_database("busy")
        self.cluster.sql(busy, "CREATE TABLE keep_me (id int)")
        for database, expected in ((busy, "DATABASE_URL's database is not empty (it holds table public.keep_me)"),
                                   (None, "revision b7e1c0de0003 cannot render in Alembic's offline mode")):
            with self.subTest(database=database):
                result = self.convert(self.work / "refused", database)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                self.assertIn(expected, result.stderr)
                self.assertFalse((self.work / "refused").exists())
        self.assertEqual(self.cluster.sql(busy, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), [(1,)])

    def test_an_env_py_that_connects_elsewhere_is_stopped_before_its_first_statement(self):
        elsewhere = self.cluster.create_database("elsewhere")
        scratch = self.cluster.create_database("scratch_unused")
        project = self.work / "elsewhere_project"
        shutil.copytree(self.project, project)
        env_py = project / "env.py"
        env_py.write_text(env_py.read_text().replace(
            'config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"].replace("%", "%%"))',
            f'config.set_main_option("sqlalchemy.url", {self.cluster.url(elsewhere)!r})'))
        env = venv_environ(dict(self.cluster.environ(scratch), DBINIT=dbinit_binary()))
        env.pop("PYTHONPATH", None)
        result = subprocess.run([self.tool, ".", "--migrations-dir", str(self.work / "elsewhere_sql")], cwd=project,
                                env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("env.py connected to database 'elsewhere'", result.stderr.strip().splitlines()[-1])
        self.assertNotIn(self.cluster.password, result.stderr)
        for database in (elsewhere, scratch):
            self.assertEqual(self.cluster.sql(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
                             [(0,)])
        self.assertFalse((self.work / "elsewhere_sql").exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
