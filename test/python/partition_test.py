"""Silent partitions: every packet between dbinit and the server dropped (an
iptables DROP on the cluster's loopback port, no reset) while a migration
runs. dbinit notices within --dead-link-timeout, says the migration's outcome
is unknown, reconnects with the wait phase's backoff and reads the history
again; a partition that heals ends in exit 0 with each migration applied
once, one that does not in exit 3, and a stop signal acts within a second."""
import datetime
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from support import Cluster, dbinit_binary, without_password

DEAD_LINK = 3.0  # --dead-link-timeout, seconds


def iptables_usable() -> bool:
    if os.geteuid() != 0 or not shutil.which("iptables"):
        return False
    return subprocess.run(["iptables", "-w", "-L", "INPUT", "-n"], capture_output=True).returncode == 0


class Partition:
    """DROP every packet to and from a loopback port; removed on exit."""

    def __init__(self, port):
        self.rules = [["INPUT", "-i", "lo", "-p", "tcp", "--dport", str(port), "-j", "DROP"],
                      ["INPUT", "-i", "lo", "-p", "tcp", "--sport", str(port), "-j", "DROP"]]
        self.active = False

    def start(self):
        for rule in self.rules:
            subprocess.run(["iptables", "-w", "-I"] + rule, check=True)
        self.active = True
        return time.time()

    def heal(self):
        if self.active:
            for rule in self.rules:
                subprocess.run(["iptables", "-w", "-D"] + rule, check=False)
            self.active = False


def log_time(line: str) -> float:
    stamp = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z", line).group(1)
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()


@unittest.skipUnless(iptables_usable(), "needs root and a working iptables")
class SilentPartition(unittest.TestCase):
    def setUp(self):
        self.cluster = Cluster().__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)
        self.partition = Partition(self.cluster.port)
        self.addCleanup(self.partition.heal)  # before the cluster stops (cleanups run last-in first)
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="dbinit-partition-"))
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        # One batch: the partition strikes while 0002 runs, after 0001's commit.
        (self.directory / "0001_before.up.sql").write_text("CREATE TABLE before_slow (x integer);\n")
        (self.directory / "0002_slow.up.sql").write_text("SELECT pg_sleep(2);\nCREATE TABLE slow_done (x integer);\n")
        (self.directory / "0003_after.up.sql").write_text("CREATE TABLE after_slow (x integer);\n")
        self.database = self.cluster.create_database("partitioned")

    def start_migration(self, wait_timeout):
        self.log_path = self.cluster.dir / "dbinit.log"  # not among the migrations
        self.log_file = open(self.log_path, "w")
        self.addCleanup(self.log_file.close)
        process = subprocess.Popen(
            [dbinit_binary(), "--migrations-dir", str(self.directory), "--dead-link-timeout", f"{DEAD_LINK:g}s",
             "--wait-timeout", wait_timeout, "--connect-timeout", "1s", "migrate"],
            env=self.cluster.environ(self.database), stderr=self.log_file)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        # Partition once the migration is in the server's hands.
        deadline = time.monotonic() + 10
        while not self.cluster.sql("postgres", "SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                                               "AND pid <> pg_backend_pid()"):
            self.assertLess(time.monotonic(), deadline, "the migration never started: " + self.log_path.read_text())
            time.sleep(0.05)
        return process

    def log(self):
        return without_password(self.log_path.read_text(), self.cluster)

    def noticed_after(self, partitioned_at):
        line = next(l for l in self.log().splitlines() if "connection lost" in l)
        return log_time(line) - partitioned_at

    def history(self):
        return self.cluster.sql(self.database, "SELECT version, state FROM dbinit_schema_history ORDER BY 1")

    def test_a_partition_that_does_not_heal_ends_in_exit_3(self):
        process = self.start_migration(wait_timeout="6s")
        partitioned_at = self.partition.start()
        code = process.wait(timeout=60)
        self.partition.heal()
        log = self.log()
        self.assertEqual(code, 3, log)
        noticed = self.noticed_after(partitioned_at)
        print(f"\ndead link noticed {noticed:.1f} s into the partition (--dead-link-timeout {DEAD_LINK:g}s)")
        self.assertLess(noticed, DEAD_LINK + 2.0, log)
        self.assertIn("whether the server committed it is unknown", log)
        self.assertNotIn("rolled back", log)
        # The server had the whole message and committed it: the history says
        # so, and the next start does not apply it again.
        self.assertEqual(self.history(), [(1, "applied"), (2, "applied"), (3, "applied")])
        again = subprocess.run([dbinit_binary(), "--migrations-dir", str(self.directory), "migrate"],
                               env=self.cluster.environ(self.database), capture_output=True, text=True)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("database is up to date", again.stderr)

    def test_a_partition_that_heals_is_carried_through_exactly_once(self):
        process = self.start_migration(wait_timeout="60s")
        partitioned_at = self.partition.start()
        time.sleep(DEAD_LINK + 3.0)
        self.partition.heal()
        code = process.wait(timeout=60)
        log = self.log()
        self.assertEqual(code, 0, log)
        self.assertLess(self.noticed_after(partitioned_at), DEAD_LINK + 2.0, log)
        self.assertIn("whether the server committed it is unknown", log)
        self.assertEqual(self.history(), [(1, "applied"), (2, "applied"), (3, "applied")])
        self.assertEqual(self.cluster.sql(self.database, "SELECT count(*) FROM slow_done"), [(0,)])

    def test_a_stop_signal_acts_within_a_second_whatever_the_network_does(self):
        process = self.start_migration(wait_timeout="60s")
        self.partition.start()
        time.sleep(0.5)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        took = time.monotonic() - sent
        log = self.log()
        self.assertEqual(code, 143, log)
        self.assertLess(took, 1.5, log)
        self.assertIn("whether it was committed is unknown", log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
