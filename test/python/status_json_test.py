"""`dbinit status --format json`: one JSON document that a CI job or a deploy
script reads with any JSON parser, with the table's exit codes: every
migration (version, name, state, checksum, applied_at, duration_ms), the
set's source and digest, and a summary."""
import json
import unittest

from support import REPO, Cluster, run_dbinit

PRODUCT_SET = sorted(p.name for p in (REPO / "sql").glob("*.up.sql"))


class StatusJson(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def status(self, database):
        result = run_dbinit(self.cluster, database, "status", "--format", "json", check=False)
        return result.returncode, json.loads(result.stdout)

    def test_a_fresh_database_lists_every_migration_pending_with_exit_1(self):
        database = self.cluster.create_database("fresh")
        code, document = self.status(database)
        self.assertEqual(code, 1)
        self.assertEqual([m["state"] for m in document["migrations"]], ["pending"] * len(PRODUCT_SET))
        self.assertEqual(document["migrations"][0]["version"], 1)
        self.assertEqual(len(document["migrations"][0]["checksum"]), 64)
        self.assertIsNone(document["migrations"][0]["applied_at"])
        self.assertEqual(document["set"]["source"], "compiled-in")
        self.assertEqual(document["set"]["count"], len(PRODUCT_SET))
        self.assertRegex(document["set"]["digest"], r"^[0-9a-f]{12,}$")  # as --version and bundle print it
        self.assertEqual(document["summary"]["pending"], len(PRODUCT_SET))
        self.assertIsNone(document["summary"]["version"])
        self.assertEqual(document["summary"]["exit_code"], 1)

    def test_an_applied_set_has_times_and_durations_with_exit_0(self):
        database = self.cluster.create_database("applied")
        run_dbinit(self.cluster, database, "migrate")
        code, document = self.status(database)
        self.assertEqual(code, 0)
        for migration in document["migrations"]:
            self.assertEqual(migration["state"], "applied")
            self.assertRegex(migration["applied_at"], r"^20\d\d-")
            self.assertGreaterEqual(migration["duration_ms"], 0)
        self.assertEqual(document["summary"]["applied"], len(PRODUCT_SET))
        self.assertEqual(document["summary"]["version"], len(PRODUCT_SET))

    def test_drift_is_exit_6_and_a_state_of_its_own(self):
        database = self.cluster.create_database("drift")
        run_dbinit(self.cluster, database, "migrate")
        self.cluster.sql(database, "UPDATE dbinit_schema_history SET checksum = 'edited' WHERE version = 1")
        code, document = self.status(database)
        self.assertEqual(code, 6)
        self.assertEqual(document["migrations"][0]["state"], "checksum mismatch")
        self.assertEqual(document["migrations"][0]["checksum"], "edited")
        self.assertEqual(document["summary"]["checksum_mismatch"], 1)

    def test_format_is_refused_by_other_commands(self):
        database = self.cluster.create_database("refused")
        result = run_dbinit(self.cluster, database, "migrate", "--format", "json", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--format is only accepted by 'dbinit status'", result.stderr)
        result = run_dbinit(self.cluster, database, "status", "--format", "yaml", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("table or json", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
