"""The chatbot's models (demo/chatbot/models) and dbinit's SQL (sql/) agree,
compared by Alembic's autogenerate (dbinit_tools.models_schema, from the
installed package), on every
way a database reaches the current head: fresh, made by create_all first, and
built by an earlier Alembic setup (adopted)."""
import subprocess
import unittest

from dbinit_tools import models_schema

from support import REPO, Cluster, run_dbinit, venv_environ, without_password

SQL = REPO / "sql"
ALEMBIC_INI = REPO / "test" / "fixtures" / "alembic-chatbot" / "alembic.ini"
ALEMBIC_HEAD = "8be4d5e6f021"


class ModelsInStep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster().__enter__()
        import chatbot.models  # noqa: F401  (support puts demo/ on sys.path)
        cls.metadata = models_schema.sqlmodel_metadata()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def differences(self, database):
        engine = self.cluster.engine(database)
        try:
            with engine.connect() as connection:
                return models_schema.differences(connection, self.metadata)
        finally:
            engine.dispose()

    def alembic_database(self, name):
        """A database as the earlier Alembic setup left it, with rows."""
        database = self.cluster.create_database(name)
        subprocess.run(["alembic", "-c", str(ALEMBIC_INI), "upgrade", "head"],
                       env=venv_environ(self.cluster.environ(database)), check=True, capture_output=True)
        self.cluster.sql(database, """
            INSERT INTO conversations (user_id, title, created_at, updated_at) VALUES
                ('ann', 'first', '2025-03-10 09:00', '2025-03-10 09:05'), ('bob', NULL, '2025-03-11 12:00', '2025-03-11 12:00');
            INSERT INTO messages (conversation_id, role, content, created_at) VALUES
                (1, 'user', 'hello', '2025-03-10 09:00'), (1, 'assistant', 'hi ann', '2025-03-10 09:00:01'),
                (2, 'user', 'hey', '2025-03-11 12:00')""")
        return database

    def test_the_comparison_sees_a_difference(self):
        # Guards the test itself: a database the models do not describe is reported.
        database = self.cluster.create_database("differs")
        run_dbinit(self.cluster, database, "migrate", migrations_dir=SQL)
        self.cluster.sql(database, "ALTER TABLE messages ALTER COLUMN content TYPE varchar(20);"
                                   "ALTER TABLE messages DROP CONSTRAINT messages_role_check")
        found = "\n".join(self.differences(database))
        self.assertIn("column messages.content: type VARCHAR(20) in the database, type TEXT in the models", found)
        self.assertIn("check constraint messages_role_check on messages: in the models, not in the database", found)

    def test_fresh_database(self):
        database = self.cluster.create_database("fresh")
        run_dbinit(self.cluster, database, "migrate", migrations_dir=SQL)
        self.assertEqual(self.differences(database), [])

    def test_tables_made_by_create_all_first(self):
        database = self.cluster.create_database("create_all")
        engine = self.cluster.engine(database)
        self.metadata.create_all(engine)
        engine.dispose()
        run_dbinit(self.cluster, database, "migrate", migrations_dir=SQL)
        self.assertEqual(self.differences(database), [])
        self.assertEqual(self.cluster.sql(database, "SELECT max(version) FROM dbinit_schema_history"),
                         [(len(list(SQL.glob("*.up.sql"))),)])

    def test_alembic_database_is_adopted_keeping_every_row(self):
        database = self.alembic_database("alembic_adopted")
        before = self.differences(database)
        self.assertTrue(any("'messages', 'user_id'" in line or "user_id" in line for line in before), before)

        result = run_dbinit(self.cluster, database, "migrate", migrations_dir=SQL)
        log = without_password(result.stderr, self.cluster)
        self.assertIn(f"alembic_revision={ALEMBIC_HEAD}", log)
        self.assertEqual(self.differences(database), [])
        # Every row kept; user_id filled from the message's conversation.
        self.assertEqual(self.cluster.sql(database, "SELECT id, conversation_id, user_id, role FROM messages ORDER BY id"),
                         [(1, 1, "ann", "user"), (2, 1, "ann", "assistant"), (3, 2, "bob", "user")])
        self.assertEqual(self.cluster.sql(database, "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
                                                    "FROM conversations ORDER BY id"),
                         [("2025-03-10 09:00",), ("2025-03-11 12:00",)])
        # Alembic's table is left as it was: the team can go back to Alembic.
        self.assertEqual(self.cluster.sql(database, "SELECT version_num FROM alembic_version"), [(ALEMBIC_HEAD,)])
        # The app's inserts work: ids continue after the old sequences' values.
        self.assertEqual(self.cluster.sql(database, "INSERT INTO conversations (user_id) VALUES ('cy') RETURNING id"),
                         [(3,)])
        self.cluster.sql(database, "INSERT INTO messages (conversation_id, user_id, role, content) "
                                   "VALUES (3, 'cy', 'user', 'new')")
        # Deleting a conversation removes its messages (the cascade the models declare).
        self.cluster.sql(database, "DELETE FROM conversations WHERE id = 1")
        self.assertEqual(self.cluster.sql(database, "SELECT count(*) FROM messages"), [(2,)])

    def test_alembic_database_with_unsafe_differences_is_refused_unchanged(self):
        database = self.alembic_database("alembic_refused")
        # A later Alembic revision the models do not know, and rows that no
        # rule can fill in.
        self.cluster.sql(database, "ALTER TABLE conversations ADD COLUMN archived boolean;"
                                   "UPDATE conversations SET archived = false;"
                                   "ALTER TABLE conversations ALTER COLUMN archived SET NOT NULL;"
                                   "ALTER TABLE messages ADD COLUMN tokens integer NOT NULL DEFAULT 0;"
                                   "ALTER TABLE messages ALTER COLUMN tokens DROP DEFAULT;"
                                   "ALTER TABLE messages ALTER COLUMN content DROP NOT NULL;"
                                   "UPDATE messages SET content = NULL WHERE id = 3")
        schema_before = self.schema(database)

        result = run_dbinit(self.cluster, database, "migrate", migrations_dir=SQL, check=False)
        log = without_password(result.stderr, self.cluster)
        self.assertEqual(result.returncode, 4, log)
        self.assertIn("cannot bring the existing tables to the chatbot's schema: 3 differences", log)
        for line in ("conversations.archived is NOT NULL without a default and not in the models",
                     "messages.tokens is NOT NULL without a default and not in the models",
                     "messages.content is NULL in 1 rows; the models require a value"):
            self.assertEqual(sum(line in log_line for log_line in log.splitlines()), 1, f"{line!r} in:\n{log}")
        self.assertEqual(self.schema(database), schema_before)
        self.assertEqual(self.cluster.sql(database, "SELECT count(*) FROM messages"), [(3,)])
        if self.cluster.sql(database, "SELECT to_regclass('dbinit_schema_history')") != [(None,)]:
            self.assertEqual(self.cluster.sql(database, "SELECT count(*) FROM dbinit_schema_history"), [(0,)])

    def test_alembic_database_with_roles_the_check_rejects_is_refused(self):
        database = self.alembic_database("alembic_roles")
        self.cluster.sql(database, "INSERT INTO messages (conversation_id, role, content, created_at) "
                                   "VALUES (1, 'bot', 'beep', now())")
        schema_before = self.schema(database)
        result = run_dbinit(self.cluster, database, "migrate", migrations_dir=SQL, check=False)
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn('messages_role_check', result.stderr)
        self.assertEqual(self.schema(database), schema_before)

    def schema(self, database):
        return self.cluster.sql(database, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relname IN ('conversations', 'messages') AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY 1, 2""") + self.cluster.sql(database, """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid IN ('conversations'::regclass, 'messages'::regclass) ORDER BY 1""")


if __name__ == "__main__":
    unittest.main(verbosity=2)
