"""A migration that needs a table lock the app holds gives way: each try
waits at most --ddl-lock-timeout, so the app's other queries on the table
never queue behind it for long; it is applied once the app's long
transaction ends. The counterpart without a limit shows the queueing."""
import pathlib
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from support import Cluster, dbinit_binary, without_password

LONG_TRANSACTION = 4.0  # seconds the app's transaction holds its lock


class DdlGivesWay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def migrations(self, no_transaction=False):
        directory = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-ddl-"))
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        (directory / "0001_items.up.sql").write_text(
            "CREATE TABLE items (id integer PRIMARY KEY, name text);\n"
            "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g;\n")
        (directory / "0002_add_note.up.sql").write_text(
            ("-- dbinit:no-transaction\n" if no_transaction else "") + "ALTER TABLE items ADD COLUMN note text;\n")
        return directory

    def run_against_a_long_transaction(self, database, directory, ddl_lock_timeout):
        """The longest an app query on the table waited while the migration
        ran, and the migration's completed process."""
        env = self.cluster.environ(database)
        subprocess.run([dbinit_binary(), "--migrations-dir", str(directory), "migrate", "--target", "1"], env=env,
                       check=True, capture_output=True)
        with self.cluster.connect(database) as holder, self.cluster.connect(database, autocommit=True) as app:
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(); SELECT count(*) FROM items")  # AccessShare, held
                holder_pid = self.cluster.sql(database, "SELECT pid FROM pg_stat_activity "
                                                        "WHERE state = 'idle in transaction'")[0][0]
            migration = subprocess.Popen(
                [dbinit_binary(), "--migrations-dir", str(directory), "--ddl-lock-timeout", ddl_lock_timeout,
                 "migrate"], env=env, stderr=subprocess.PIPE, text=True)
            ends = threading.Timer(LONG_TRANSACTION, holder.commit)
            ends.start()
            longest = 0.0
            started = time.monotonic()
            with app.cursor() as cursor:
                while time.monotonic() - started < LONG_TRANSACTION + 1.0:
                    before = time.monotonic()
                    cursor.execute("SELECT count(*) FROM items")
                    longest = max(longest, time.monotonic() - before)
                    time.sleep(0.05)
            ends.join()
            _, log = migration.communicate(timeout=60)
        return longest, migration.returncode, without_password(log, self.cluster), holder_pid

    def check_gives_way(self, database, no_transaction):
        directory = self.migrations(no_transaction)
        longest, code, log, holder_pid = self.run_against_a_long_transaction(database, directory, "500ms")
        self.assertEqual(code, 0, log)
        self.assertLess(longest, 1.2, f"an app query waited {longest:.2f}s behind the migration:\n{log}")
        self.assertIn("gave way to", log)
        self.assertIn(f"pid {holder_pid} ", log)  # who held the table
        self.assertEqual(self.cluster.sql(database, "SELECT count(*) FROM information_schema.columns "
                                                    "WHERE table_name = 'items' AND column_name = 'note'"), [(1,)])
        self.assertEqual(self.cluster.sql(database, "SELECT version, state FROM dbinit_schema_history ORDER BY 1"),
                         [(1, "applied"), (2, "applied")])
        return longest

    def test_a_transactional_migration_gives_way(self):
        longest = self.check_gives_way(self.cluster.create_database("gives_way"), no_transaction=False)
        print(f"\nlongest app query behind a blocked migration: {longest * 1000:.0f} ms "
              f"(--ddl-lock-timeout 500ms, app transaction {LONG_TRANSACTION:.0f} s)")

    def test_a_no_transaction_migration_gives_way(self):
        self.check_gives_way(self.cluster.create_database("gives_way_nt"), no_transaction=True)

    def test_without_a_limit_the_app_queues_behind_the_migration(self):
        database = self.cluster.create_database("queues")
        longest, code, log, _ = self.run_against_a_long_transaction(database, self.migrations(), "0")
        self.assertEqual(code, 0, log)
        self.assertGreater(longest, 2.0, "the app never queued: the test above would prove nothing")


if __name__ == "__main__":
    unittest.main(verbosity=2)
