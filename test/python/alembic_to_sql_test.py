"""scripts/alembic-to-sql: the chatbot's Alembic project (two revisions,
test/fixtures/alembic-chatbot) converted to dbinit migrations gives, applied
by dbinit, the schema `alembic upgrade head` gives (pg_dump --schema-only,
the two tools' own tables aside); and down again."""
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

from support import PYTHON, REPO, Cluster, pg_tool, run_dbinit

TOOL = REPO / "scripts" / "alembic-to-sql"
PROJECT = REPO / "test" / "fixtures" / "alembic-chatbot"


class AlembicToSql(unittest.TestCase):
    def setUp(self):
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-a2s-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.cluster = Cluster().__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)

    def convert(self, *extra):
        return subprocess.run([PYTHON, str(TOOL), str(PROJECT), "--migrations-dir", str(self.work / "sql"), *extra],
                              capture_output=True, text=True, timeout=120)

    def schema(self, database):
        dump = subprocess.run(pg_tool("pg_dump") + ["--schema-only", "--no-owner", "-T", "alembic_version",
                               "-T", "dbinit_schema_history", self.cluster.url(database)],
                              capture_output=True, text=True, check=True).stdout
        # pg_dump 15.14+ brackets its output with a random \restrict key.
        return re.sub(r"^\\(un)?restrict .*$", "", dump, flags=re.MULTILINE)

    def test_converted_set_gives_alembics_schema(self):
        result = self.convert()
        self.assertEqual(result.returncode, 0, result.stderr)
        names = sorted(p.name for p in (self.work / "sql").iterdir())
        self.assertEqual(names, ["0001_create_conversations.down.sql", "0001_create_conversations.up.sql",
                                 "0002_create_messages.down.sql", "0002_create_messages.up.sql"])
        up = (self.work / "sql" / "0002_create_messages.up.sql").read_text()
        self.assertIn("-- Alembic revision 8be4d5e6f021 (create messages)", up)
        self.assertNotIn("alembic_version", up)
        self.assertNotIn("BEGIN;", up)

        by_alembic = self.cluster.create_database("by_alembic")
        subprocess.run([PYTHON, "-m", "alembic", "-c", str(PROJECT / "alembic.ini"), "upgrade", "head"],
                       env=self.cluster.environ(by_alembic), check=True, capture_output=True)
        by_dbinit = self.cluster.create_database("by_dbinit")
        run_dbinit(self.cluster, by_dbinit, "migrate", migrations_dir=self.work / "sql")

        alembic_schema = self.schema(by_alembic)
        self.assertIn("CREATE TABLE public.messages", alembic_schema)
        self.assertEqual(self.schema(by_dbinit), alembic_schema)

        # The down files take it back, as `alembic downgrade base` would.
        run_dbinit(self.cluster, by_dbinit, "migrate", "--target", "0", migrations_dir=self.work / "sql")
        self.assertNotIn("CREATE TABLE", self.schema(by_dbinit))

    def test_existing_files_are_not_overwritten(self):
        self.assertEqual(self.convert().returncode, 0)
        before = {p.name: p.read_text() for p in (self.work / "sql").iterdir()}
        again = self.convert()
        # Numbered after what is there: 0003 and 0004, a second copy, not a clash.
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0003_create_conversations.up.sql", again.stdout)
        for name, text in before.items():
            self.assertEqual((self.work / "sql" / name).read_text(), text)

    def test_a_missing_project_is_one_line_and_exit_2(self):
        result = subprocess.run([PYTHON, str(TOOL), str(self.work / "nothing"), "--migrations-dir",
                                 str(self.work / "sql")], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("alembic.ini", result.stderr)
        self.assertFalse((self.work / "sql").exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
