"""dbinit-from-models, run as a user runs it: the console script of the
package installed in the venv, from a project in a temporary directory (a
copy of the chatbot's models and migrations), which it imports from the
current directory. A table and a column added to the models become the next
migration; dbinit applies it; the models and the database then agree
(--check); --target the previous version removes it again. --initial writes
the first migration for a database create_all made, which dbinit baselines."""
import json
import pathlib
import shutil
import subprocess
import tempfile
import unittest

from support import DEMO, PYTHON, REPO, Cluster, dbinit_binary, run_dbinit, sqlalchemy_url, tool, without_password

TAG_MODEL = '''
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from chatbot.models.base import identity_key


class Tag(SQLModel, table=True):
    __tablename__ = "tags"

    id: Optional[int] = identity_key()
    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True))
    label: str
'''

CREATE_ALL = '''
import sys
from sqlalchemy import create_engine
from sqlmodel import SQLModel
import chatbot.models
SQLModel.metadata.create_all(create_engine(sys.argv[1]))
'''


ACCOUNTS = '''
import enum
import uuid
from typing import Optional

from sqlalchemy import Column, Enum
from sqlmodel import Field, SQLModel


class Mood(str, enum.Enum):
    happy = "happy"
    sad = "sad"


class Account(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(unique=True, index=True)
    mood: Mood = Field(sa_column=Column(Enum(Mood, name="mood"), nullable=False))


class Post(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", index=True)
'''


class MigrationFromModels(unittest.TestCase):
    def setUp(self):
        self.tool = tool("dbinit-from-models")
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-mfm-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        # The user's project: a copy of the chatbot and of its migrations.
        shutil.copytree(DEMO / "chatbot", self.work / "chatbot", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REPO / "sql", self.work / "sql")
        self.cluster = Cluster().__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)

    def run_tool(self, database, *arguments, cwd=None):
        """The tool from the project's directory, nothing of it on PYTHONPATH;
        database None: no DATABASE_URL at all."""
        env = self.cluster.environ(database or "postgres", DBINIT=dbinit_binary())
        env.pop("PYTHONPATH", None)
        if database is None:
            env.pop("DATABASE_URL")
        result = subprocess.run([self.tool, *arguments], cwd=cwd or self.work, env=env, capture_output=True,
                                text=True, timeout=120)
        without_password(result.stdout + result.stderr, self.cluster)
        return result

    def check(self, database):
        """--check's exit code and its lines (the differences)."""
        result = self.run_tool(database, "chatbot.models", "--check")
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return result.returncode, result.stdout.strip()

    def files(self):
        return sorted(p.name for p in (self.work / "sql").iterdir())

    def add_a_table_and_a_column(self):
        (self.work / "chatbot" / "models" / "tag.py").write_text(TAG_MODEL)
        with open(self.work / "chatbot" / "models" / "__init__.py", "a") as init:
            init.write("from chatbot.models.tag import Tag  # noqa: E402\n")
        conversation = self.work / "chatbot" / "models" / "conversation.py"
        conversation.write_text(conversation.read_text() + "    summary: Optional[str] = None\n")

    def test_models_unchanged_mean_nothing_to_write(self):
        database = self.cluster.create_database("unchanged")
        result = self.run_tool(database, "chatbot.models", "--name", "nothing")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("nothing to write", result.stderr)
        self.assertEqual(self.files(), sorted(p.name for p in (REPO / "sql").iterdir()))

    def test_bad_input_is_one_line_and_exit_2(self):
        database = self.cluster.create_database("bad_input")
        for arguments, expected in (
                (["chatbot.models", "--name", "Add-Tags"], "lower-case letters, digits and underscores"),
                (["chatbot.models"], "--name is required"),
                (["chatbot.models", "--name", "x", "--migrations-dir", "nowhere"], "nowhere: no such directory"),
                (["app.models", "--name", "x"], "cannot import app.models: no module named 'app'"),
                (["chatbot.models", "--name", "x", "--no-such-option"], "unrecognized arguments"),
                (["chatbot.models", "--initial", "--name", "initial"], "--initial writes the first migration")):
            with self.subTest(arguments=arguments):
                result = self.run_tool(database, *arguments)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                self.assertIn(expected, result.stderr)
                self.assertTrue(result.stderr.startswith("dbinit-from-models: "), result.stderr)
        self.assertEqual(self.files(), sorted(p.name for p in (REPO / "sql").iterdir()))

    def test_an_unreachable_database_is_exit_3_without_its_password(self):
        env = self.cluster.environ("postgres", DBINIT=dbinit_binary())
        with Cluster() as other:
            port = other.port  # a port nothing listens on once this cluster is gone
        env["DATABASE_URL"] = self.cluster.url("postgres").replace(f":{self.cluster.port}/", f":{port}/")
        result = subprocess.run([self.tool, "chatbot.models", "--check"], cwd=self.work, env=env,
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("cannot compare with the database", result.stderr)
        without_password(result.stdout + result.stderr, self.cluster)

    def test_a_table_and_a_column_round_trip(self):
        database = self.cluster.create_database("round_trip")
        head = len(list((self.work / "sql").glob("*.up.sql")))
        self.add_a_table_and_a_column()

        result = self.run_tool(database, "chatbot.models", "--name", "add_tags")
        self.assertEqual(result.returncode, 0, result.stderr)
        up = self.work / "sql" / f"{head + 1:04d}_add_tags.up.sql"
        down = self.work / "sql" / f"{head + 1:04d}_add_tags.down.sql"
        self.assertEqual(result.stdout.split(), [str(pathlib.Path("sql") / up.name), str(pathlib.Path("sql") / down.name)])
        up_sql, down_sql = up.read_text(), down.read_text()
        self.assertIn("CREATE TABLE tags", up_sql)
        self.assertIn("ALTER TABLE conversations ADD COLUMN summary VARCHAR", up_sql)
        self.assertIn("DROP TABLE tags", down_sql)
        self.assertIn("ALTER TABLE conversations DROP COLUMN summary", down_sql)
        self.assertNotIn("BEGIN", up_sql + down_sql)

        # The tool left the scratch database at the previous head: the models differ from it.
        code, found = self.check(database)
        self.assertEqual(code, 1)
        self.assertIn("table tags: in the models, not in the database", found)
        self.assertIn("column conversations.summary: in the models, not in the database", found)
        # dbinit applies the new migration; then they agree.
        run_dbinit(self.cluster, database, "migrate", migrations_dir=self.work / "sql")
        self.assertEqual(self.check(database), (0, ""))
        self.cluster.sql(database, "INSERT INTO conversations (user_id, summary) VALUES ('u', 's');"
                                   "INSERT INTO tags (conversation_id, label) VALUES (1, 'greeting')")
        # Nothing left to write once it is applied.
        again = self.run_tool(database, "chatbot.models", "--name", "again")
        self.assertEqual(again.returncode, 1, again.stderr)
        self.assertIn("nothing to write", again.stderr)

        # And takes it back out: the database matches the original models again.
        run_dbinit(self.cluster, database, "migrate", "--target", str(head), migrations_dir=self.work / "sql")
        self.assertEqual(self.cluster.sql(database, "SELECT to_regclass('tags')"), [(None,)])
        shutil.rmtree(self.work / "chatbot")
        shutil.copytree(DEMO / "chatbot", self.work / "chatbot", ignore=shutil.ignore_patterns("__pycache__"))
        self.assertEqual(self.check(database), (0, ""))

    def test_what_dbinit_lint_finds_in_the_new_migration_is_printed(self):
        database = self.cluster.create_database("linted")
        # An index on a table that exists before the set: it would block writes.
        conversation = self.work / "chatbot" / "models" / "conversation.py"
        conversation.write_text(conversation.read_text().replace("title: Optional[str] = None",
                                                                 "title: Optional[str] = Field(default=None, index=True)"))
        result = self.run_tool(database, "chatbot.models", "--name", "index_titles")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"dbinit-from-models: warning: sql/\d{4}_index_titles\.up\.sql:\d+: "
                                        r"index-not-concurrent: ")
        # The files are written all the same: the user reviews them.
        self.assertTrue(any(p.name.endswith("_index_titles.up.sql") for p in (self.work / "sql").iterdir()))

    def test_from_create_all_to_dbinit(self):
        """The documented path: --initial, baseline the database create_all
        made, migrate everywhere else; then a model change as the next one."""
        shutil.rmtree(self.work / "sql")
        (self.work / "sql").mkdir()
        # No database at all for the first migration.
        result = self.run_tool(None, "chatbot.models", "--initial", "--name", "initial")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.files(), ["0001_initial.down.sql", "0001_initial.up.sql"])
        up = (self.work / "sql" / "0001_initial.up.sql").read_text()
        for statement in ("CREATE TABLE conversations (", "CREATE TABLE messages (",
                          "CREATE INDEX ix_conversations_user_id ON conversations (user_id)",
                          "CONSTRAINT messages_role_check CHECK", "ON DELETE CASCADE"):
            self.assertIn(statement, up)
        self.assertLess(up.index("CREATE TABLE conversations"), up.index("CREATE TABLE messages"))
        down = (self.work / "sql" / "0001_initial.down.sql").read_text()
        self.assertLess(down.index("DROP TABLE messages"), down.index("DROP TABLE conversations"))

        # The production database that SQLModel.metadata.create_all made, with a row.
        old = self.cluster.create_database("made_by_create_all")
        subprocess.run([PYTHON, "-c", CREATE_ALL, sqlalchemy_url(self.cluster.url(old))], cwd=self.work,
                       check=True, capture_output=True)
        self.cluster.sql(old, "INSERT INTO conversations (user_id) VALUES ('kept')")
        self.assertEqual(self.check(old), (0, ""))
        baselined = run_dbinit(self.cluster, old, "migrate", "--baseline", "1", migrations_dir=self.work / "sql")
        self.assertIn("baselined 0001_initial.up.sql", baselined.stderr)
        status = run_dbinit(self.cluster, old, "status", migrations_dir=self.work / "sql")
        self.assertRegex(status.stdout, r"\n1 +initial +baselined ")

        # Everywhere else the first migration runs, and gives what create_all gave.
        fresh = self.cluster.create_database("fresh")
        run_dbinit(self.cluster, fresh, "migrate", migrations_dir=self.work / "sql")
        self.assertEqual(self.check(fresh), (0, ""))

        # A model change: the next migration, from a scratch database.
        self.add_a_table_and_a_column()
        scratch = self.cluster.create_database("scratch")
        result = self.run_tool(scratch, "chatbot.models", "--name", "add_tags")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.files(), ["0001_initial.down.sql", "0001_initial.up.sql",
                                        "0002_add_tags.down.sql", "0002_add_tags.up.sql"])
        for database in (old, fresh):
            with self.subTest(database=database):
                run_dbinit(self.cluster, database, "migrate", migrations_dir=self.work / "sql")
                self.assertEqual(self.check(database), (0, ""))
                status = run_dbinit(self.cluster, database, "status", "--format", "json",
                                    migrations_dir=self.work / "sql")
                self.assertEqual([(m["version"], m["state"]) for m in json.loads(status.stdout)["migrations"]],
                                 [(1, "baselined" if database == old else "applied"), (2, "applied")])
        self.assertEqual(self.cluster.sql(old, "SELECT user_id FROM conversations"), [("kept",)])
        # A database new to all of it gets both.
        newest = self.cluster.create_database("newest")
        run_dbinit(self.cluster, newest, "migrate", migrations_dir=self.work / "sql")
        self.assertEqual(self.check(newest), (0, ""))

    def test_initial_with_an_enum_and_uuids_goes_up_down_and_up(self):
        project = self.work / "accounts"
        (project / "sql").mkdir(parents=True)
        (project / "models.py").write_text(ACCOUNTS)
        result = self.run_tool(None, "models", "--initial", "--name", "initial", cwd=project)
        self.assertEqual(result.returncode, 0, result.stderr)
        database = self.cluster.create_database("accounts")
        for _ in range(2):
            run_dbinit(self.cluster, database, "migrate", migrations_dir=project / "sql")
            self.assertEqual(self.run_tool(database, "models", "--check", cwd=project).returncode, 0)
            self.cluster.sql(database, "INSERT INTO account VALUES (gen_random_uuid(), 'a@example.org', 'sad')")
            # Down to nothing: the tables and the enum type gone.
            run_dbinit(self.cluster, database, "migrate", "--target", "0", migrations_dir=project / "sql")
            self.assertEqual(self.cluster.sql(database, "SELECT to_regclass('account'), to_regtype('mood')"),
                             [(None, None)])

    def test_the_project_is_imported_as_alembic_imports_it(self):
        """A src layout: found through alembic.ini's prepend_sys_path, or
        --prepend-sys-path; without either, one line that says so."""
        project = self.work / "project"
        (project / "src").mkdir(parents=True)
        shutil.move(str(self.work / "chatbot"), project / "src" / "chatbot")
        (project / "sql").mkdir()

        missing = self.run_tool(None, "chatbot.models", "--initial", "--name", "initial", cwd=project)
        self.assertEqual(missing.returncode, 2, missing.stderr)
        self.assertIn("cannot import chatbot.models: no module named 'chatbot'", missing.stderr)
        self.assertIn("--prepend-sys-path", missing.stderr)

        given = self.run_tool(None, "chatbot.models", "--initial", "--name", "initial", "--prepend-sys-path", "src",
                              cwd=project)
        self.assertEqual(given.returncode, 0, given.stderr)
        for path in (project / "sql").iterdir():
            path.unlink()

        (project / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n"
                                             "prepend_sys_path = . src\n")
        from_ini = self.run_tool(None, "chatbot.models", "--initial", "--name", "initial", cwd=project)
        self.assertEqual(from_ini.returncode, 0, from_ini.stderr)
        self.assertEqual(sorted(p.name for p in (project / "sql").iterdir()),
                         ["0001_initial.down.sql", "0001_initial.up.sql"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
