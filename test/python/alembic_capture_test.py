"""dbinit-from-alembic's pure parts, without a database: which captured
statements only read, which read rows of a table, what alembic_version holds
along an order, and which offline blocks are the revision's own."""
import unittest

from support import tool

from dbinit_tools.alembic_capture import Capture, only_reads, reads_table_rows
from dbinit_tools.alembic_history import heads_of
from dbinit_tools.alembic_render import OWN_BEGINS, OWN_ENDS, offline_statements


def setUpModule():
    tool("dbinit-from-alembic")  # the venv's dbinit_tools is python/ as it is now


class WhatOnlyReads(unittest.TestCase):
    def test_reads_are_left_out_and_writes_kept(self):
        for statement in ("SELECT id, email FROM users ORDER BY id", "  select 1", "SHOW search_path",
                          "WITH t AS (SELECT 1) SELECT * FROM t",
                          "SELECT count(*) AS count_1 FROM (SELECT settings.key AS settings_key FROM settings) AS anon_1",
                          "SELECT pg_catalog.pg_attribute.attname, pg_catalog.format_type(pg_catalog.pg_attribute."
                          "atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type FROM pg_catalog.pg_attribute "
                          "WHERE pg_catalog.pg_attribute.attnum > %(attnum_1)s",
                          "select pg_catalog.version()", "select current_schema()", "show standard_conforming_strings",
                          "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relname = 'x' FOR UPDATE"):
            with self.subTest(statement=statement):
                self.assertTrue(only_reads(statement))
        for statement in ("SELECT setval('users_id_seq', (SELECT max(id) FROM users))",
                          "SELECT nextval('s')", "SELECT * INTO copy FROM users",
                          "WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved",
                          "SELECT pg_advisory_lock(1)", "UPDATE users SET email = lower(email)",
                          "SELECT backfill_totals()", "SELECT app.refresh_everything(42)",
                          "CREATE INDEX CONCURRENTLY ix ON t (c)"):
            with self.subTest(statement=statement):
                self.assertFalse(only_reads(statement))

    def test_rows_of_a_table_not_the_catalogs(self):
        self.assertTrue(reads_table_rows("SELECT count(*) FROM (SELECT settings.key FROM settings) AS anon_1"))
        self.assertTrue(reads_table_rows('SELECT u.id FROM public."User" u JOIN posts p ON p.user_id = u.id'))
        self.assertFalse(reads_table_rows("SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class "
                                          "JOIN pg_catalog.pg_namespace ON true"))
        self.assertFalse(reads_table_rows("SELECT column_name FROM information_schema.columns"))
        self.assertFalse(reads_table_rows("select pg_catalog.version()"))

    def test_a_commit_before_a_statement_makes_it_no_transaction(self):
        capture = Capture()
        capture.add("ALTER TABLE t ADD COLUMN c int;", autocommit=False)
        self.assertFalse(capture.committed_between)
        capture.commit()
        capture.add("CREATE INDEX CONCURRENTLY ix ON t (c);", autocommit=False)
        self.assertTrue(capture.committed_between)
        in_autocommit = Capture()
        in_autocommit.add("CREATE INDEX CONCURRENTLY ix ON t (c);", autocommit=True)
        self.assertTrue(in_autocommit.committed_between)


class AlembicVersionAlongTheOrder(unittest.TestCase):
    def test_heads_are_what_no_other_applied_revision_is_above(self):
        below = {"base": set(), "a": {"base"}, "b": {"base"}, "m": {"a", "b", "base"},
                 "r": {"m", "a", "b", "base"}}  # r: a merge naming its grandparent a again
        self.assertEqual(heads_of(["base", "a"], below), {"a"})
        self.assertEqual(heads_of(["base", "a", "b"], below), {"a", "b"})
        self.assertEqual(heads_of(["base", "a", "b", "m", "r"], below), {"r"})
        self.assertEqual(heads_of([], below), frozenset())


class OfflineBlocks(unittest.TestCase):
    def render(self, *own):
        return "\n\n".join(["BEGIN;", "SET lock_timeout = 4000;", "-- Running upgrade a -> b", OWN_BEGINS, *own,
                            OWN_ENDS, "UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a';",
                            "COMMIT;"]) + "\n"

    def test_only_the_revisions_own_statements(self):
        statements, commits = offline_statements(self.render("CREATE TABLE t (id int);", "INSERT INTO t VALUES (1);"),
                                                 "alembic_version")
        self.assertEqual(statements, ["CREATE TABLE t (id int);", "INSERT INTO t VALUES (1);"])
        self.assertFalse(commits)

    def test_a_commit_of_its_own_before_a_statement(self):
        for own in (("COMMIT;", "CREATE INDEX CONCURRENTLY ix ON t (c);"),  # op.execute("COMMIT")
                    ("ALTER TABLE t ADD c int;", "COMMIT;", "CREATE INDEX CONCURRENTLY ix ON t (c);", "BEGIN;")):
            with self.subTest(own=own):
                statements, commits = offline_statements(self.render(*own), "alembic_version")
                self.assertTrue(commits)
                self.assertNotIn("COMMIT;", statements)

    def test_nothing_of_its_own(self):
        self.assertEqual(offline_statements(self.render(), "alembic_version"), ([], False))


if __name__ == "__main__":
    unittest.main(verbosity=2)
