"""scripts/migration-from-models: a table and a column added to a copy of the
chatbot's models become the next migration; dbinit applies it; the models and
the database then agree; --target the previous version removes it again."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import pathlib

from support import DEMO, PYTHON, REPO, Cluster, dbinit_binary, run_dbinit

sys.path.insert(0, str(REPO / "scripts" / "lib"))

TOOL = REPO / "scripts" / "migration-from-models"

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

COMPARE = '''
import sys
sys.path.insert(0, {lib!r})
import models_schema
from sqlalchemy import create_engine
metadata = models_schema.load_metadata(sys.argv[2].split(","))
engine = create_engine(sys.argv[1])
with engine.connect() as connection:
    print("\\n".join(models_schema.differences(connection, metadata)))
'''


class MigrationFromModels(unittest.TestCase):
    def setUp(self):
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-mfm-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        # The user's project: a copy of the chatbot and of its migrations.
        shutil.copytree(DEMO / "chatbot", self.work / "chatbot", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REPO / "sql", self.work / "sql")
        self.cluster = Cluster().__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)

    def tool(self, database, *arguments):
        env = self.cluster.environ(database, DBINIT=dbinit_binary(), PYTHONPATH=str(self.work))
        return subprocess.run([PYTHON, str(TOOL), *arguments], cwd=self.work, env=env, capture_output=True,
                              text=True, timeout=120)

    def differences(self, database, modules="chatbot.models"):
        result = subprocess.run([PYTHON, "-c", COMPARE.format(lib=str(REPO / "scripts" / "lib")),
                                 self.cluster.url(database), modules],
                                cwd=self.work, env=dict(os.environ, PYTHONPATH=str(self.work)),
                                capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def add_a_table_and_a_column(self):
        (self.work / "chatbot" / "models" / "tag.py").write_text(TAG_MODEL)
        with open(self.work / "chatbot" / "models" / "__init__.py", "a") as init:
            init.write("from chatbot.models.tag import Tag  # noqa: E402\n")
        conversation = self.work / "chatbot" / "models" / "conversation.py"
        conversation.write_text(conversation.read_text() + "    summary: Optional[str] = None\n")

    def test_models_unchanged_mean_nothing_to_write(self):
        database = self.cluster.create_database("unchanged")
        result = self.tool(database, "chatbot.models", "--name", "nothing")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("nothing to write", result.stderr)
        self.assertEqual(sorted(p.name for p in (self.work / "sql").iterdir()),
                         sorted(p.name for p in (REPO / "sql").iterdir()))

    def test_a_bad_name_is_refused(self):
        database = self.cluster.create_database("bad_name")
        result = self.tool(database, "chatbot.models", "--name", "Add-Tags")
        self.assertEqual(result.returncode, 2)
        self.assertIn("lower-case letters, digits and underscores", result.stderr)

    def test_a_table_and_a_column_round_trip(self):
        database = self.cluster.create_database("round_trip")
        head = len(list((self.work / "sql").glob("*.up.sql")))
        self.add_a_table_and_a_column()

        result = self.tool(database, "chatbot.models", "--name", "add_tags")
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

        # The tool left the scratch database at the previous head; dbinit applies the new migration.
        run_dbinit(self.cluster, database, "migrate", migrations_dir=self.work / "sql")
        self.assertEqual(self.differences(database), "")
        self.cluster.sql(database, "INSERT INTO conversations (user_id, summary) VALUES ('u', 's');"
                                   "INSERT INTO tags (conversation_id, label) VALUES (1, 'greeting')")
        # Nothing left to write once it is applied.
        again = self.tool(database, "chatbot.models", "--name", "again")
        self.assertEqual(again.returncode, 1, again.stderr)
        self.assertIn("nothing to write", again.stderr)

        # And takes it back out: the database matches the original models again.
        run_dbinit(self.cluster, database, "migrate", "--target", str(head), migrations_dir=self.work / "sql")
        self.assertEqual(self.cluster.sql(database, "SELECT to_regclass('tags')"), [(None,)])
        shutil.rmtree(self.work / "chatbot")
        shutil.copytree(DEMO / "chatbot", self.work / "chatbot", ignore=shutil.ignore_patterns("__pycache__"))
        self.assertEqual(self.differences(database), "")


    def test_what_dbinit_lint_finds_in_the_new_migration_is_printed(self):
        database = self.cluster.create_database("linted")
        # An index on a table that exists before the set: it would block writes.
        conversation = self.work / "chatbot" / "models" / "conversation.py"
        conversation.write_text(conversation.read_text().replace("title: Optional[str] = None",
                                                                 "title: Optional[str] = Field(default=None, index=True)"))
        result = self.tool(database, "chatbot.models", "--name", "index_titles")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"migration-from-models: warning: sql/\d{4}_index_titles\.up\.sql:\d+: "
                                        r"index-not-concurrent: ")
        # The files are written all the same: the user reviews them.
        self.assertTrue(any(p.name.endswith("_index_titles.up.sql") for p in (self.work / "sql").iterdir()))

    def test_the_first_migration_from_the_models_baselines_a_database_create_all_made(self):
        """The documented way from create_all to dbinit: generate, baseline the old database, migrate the rest."""
        shutil.rmtree(self.work / "sql")
        (self.work / "sql").mkdir()
        scratch = self.cluster.create_database("scratch")
        result = self.tool(scratch, "chatbot.models", "--name", "initial")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(p.name for p in (self.work / "sql").iterdir()),
                         ["0001_initial.down.sql", "0001_initial.up.sql"])

        # The production database that SQLModel.metadata.create_all made, with a row.
        old = self.cluster.create_database("made_by_create_all")
        subprocess.run([PYTHON, "-c", "import sys; sys.path.insert(0, sys.argv[2]); import models_schema; "
                        "from sqlalchemy import create_engine; "
                        "models_schema.load_metadata(['chatbot.models']).create_all(create_engine(sys.argv[1]))",
                        self.cluster.url(old), str(REPO / "scripts" / "lib")],
                       cwd=self.work, env=dict(os.environ, PYTHONPATH=str(self.work)), check=True)
        self.cluster.sql(old, "INSERT INTO conversations (user_id) VALUES ('kept')")
        baselined = run_dbinit(self.cluster, old, "migrate", "--baseline", "1", migrations_dir=self.work / "sql")
        self.assertIn("baselined 0001_initial.up.sql", baselined.stderr)
        status = run_dbinit(self.cluster, old, "status", migrations_dir=self.work / "sql")
        self.assertRegex(status.stdout, r"\n1 +initial +baselined ")
        self.assertEqual(self.cluster.sql(old, "SELECT user_id FROM conversations"), [("kept",)])
        self.assertEqual(self.differences(old), "")

        # Everywhere else the same migration runs.
        fresh = self.cluster.create_database("fresh")
        run_dbinit(self.cluster, fresh, "migrate", migrations_dir=self.work / "sql")
        self.assertEqual(self.differences(fresh), "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
