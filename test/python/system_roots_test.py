"""sslrootcert=system: dbinit verifies the server against the CAs built into
it, with sslmode verify-full unless told otherwise, and no file on disk.

The product's bundle holds public CAs only, so a server a test can run fails
verification with it (test/static/check-static-libpq shows that from an
empty root). Success needs a CA in the bundle: dbinit_fixture_test_ca is
dbinit built with the test CA (test/CMakeLists.txt) as its bundle, and this
cluster serves a certificate for "localhost" that CA signed."""
import os
import subprocess
import time
import unittest

from support import REPO, Cluster, dbinit_binary, keep_in_suite_log, without_password


def fixture_binary() -> str:
    binary = os.environ.get("FIXTURE_TEST_CA", "")
    if not os.access(binary, os.X_OK):
        raise unittest.SkipTest("FIXTURE_TEST_CA is not set (CTest sets it)")
    return binary


class SystemRoots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(tls_from=os.environ["TEST_CA_DIR"]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def url(self, host, query, database="postgres"):
        c = self.cluster
        return f"postgresql://postgres:{c.password}@{host}:{c.port}/{database}?{query}"

    def run_dbinit(self, binary, url, *arguments, **env):
        """The completed process and its wall time; PGPASSWORD and the rest
        of the cluster's environment left out, so the URL alone decides."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        environment.update(DATABASE_URL=url, **env)
        started = time.monotonic()
        result = subprocess.run([binary, "--wait-timeout", "20s", *arguments], env=environment,
                                capture_output=True, text=True, timeout=60)
        keep_in_suite_log(binary, result.stdout + result.stderr)
        without_password(result.stderr, self.cluster)
        return result, time.monotonic() - started

    def test_a_server_signed_by_a_built_in_ca_is_accepted(self):
        result, _ = self.run_dbinit(fixture_binary(), self.url("localhost", "sslrootcert=system"), "wait")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("verifying the server against dbinit's built-in CAs (sslrootcert=system) certificates=1",
                      result.stderr)
        self.assertIn("database is ready", result.stderr)

    def test_pgsslrootcert_system_counts_like_the_url(self):
        result, _ = self.run_dbinit(fixture_binary(), self.url("localhost", "connect_timeout=5"), "wait",
                                    PGSSLROOTCERT="system")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("certificates=1", result.stderr)

    def test_the_host_name_is_checked_as_verify_full_does(self):
        # The certificate names localhost, not 127.0.0.1: verify-ca would pass.
        result, seconds = self.run_dbinit(fixture_binary(), self.url("127.0.0.1", "sslrootcert=system"), "wait")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("TLS certificate does not match the host (not retried)", result.stderr)
        self.assertIn('does not match host name \\"127.0.0.1\\"', result.stderr)
        self.assertLess(seconds, 10, "a certificate that does not match is not retried")

    def test_a_weaker_sslmode_is_refused_before_connecting(self):
        result, _ = self.run_dbinit(fixture_binary(), self.url("localhost", "sslrootcert=system&sslmode=verify-ca"),
                                    "wait")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("sslrootcert=system needs sslmode=verify-full", result.stderr)
        self.assertNotIn("attempt=", result.stderr)

    def test_the_product_bundle_does_not_trust_the_test_ca(self):
        result, seconds = self.run_dbinit(dbinit_binary(), self.url("localhost", "sslrootcert=system"), "wait")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("certificate verify failed", result.stderr)
        self.assertNotIn("root certificate file", result.stderr)
        self.assertLess(seconds, 10, "a certificate that fails verification is not retried")

    def test_migrations_run_and_the_command_does_not_inherit_the_ca_file(self):
        database = self.cluster.create_database("migrated_over_tls")
        # The command lists where its open descriptors lead; dbinit's
        # in-memory CA file is close-on-exec.
        result, _ = self.run_dbinit(
            fixture_binary(), self.url("localhost", "sslrootcert=system", database), "--",
            "sh", "-c", 'for fd in /proc/$$/fd/*; do readlink "$fd"; done; echo listed')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("listed", result.stdout)
        self.assertNotIn("dbinit-ca-bundle", result.stdout)
        applied = self.cluster.sql(database, "SELECT count(*) FROM dbinit_schema_history")[0][0]
        self.assertEqual(applied, len(list((REPO / "sql").glob("*.up.sql"))))


if __name__ == "__main__":
    unittest.main(verbosity=2)
