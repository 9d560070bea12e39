"""TLS as dbinit negotiates it, seen on the wire and by the server.

A proxy between dbinit and a TLS-enabled cluster records what each
connection starts with (PostgreSQL's SSLRequest, or a TLS ClientHello:
sslnegotiation=direct) and counts the server's HelloRetryRequests. A Neon
host name is given with hostaddr=127.0.0.1, so the connection reaches this
cluster while dbinit sees *.neon.tech.

On PostgreSQL 17 direct TLS is accepted; PostgreSQL 15 closes on the
ClientHello, and dbinit says at once which option to set (exit 3, not
retried). On both, no connection of dbinit's costs a HelloRetryRequest
(scripts/lib/libpq-key-share.patch), while Debian 12's psql, linked to an
OpenSSL that offers X25519 first, gets one from the same server: the
counter is shown to see them."""
import os
import socket
import subprocess
import threading
import time
import unittest

from support import PG_VERSION, Cluster, dbinit_binary, free_port, keep_in_suite_log

SSL_REQUEST = bytes.fromhex("0000000804d2162f")
TLS_HANDSHAKE = 0x16
HELLO_RETRY_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
NEON_HOST = "ep-dbinit-test-123456.us-east-2.aws.neon.tech"


class SniffingProxy:
    """Forwards 127.0.0.1:port to the cluster; per connection, the client's
    first bytes and the number of HelloRetryRequests the server sent."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []  # {"first": bytes, "retries": int}
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            record = {"first": b"", "retries": 0}
            with self.lock:
                self.connections.append(record)
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._client_to_server, args=(client, server, record), daemon=True).start()
            threading.Thread(target=self._server_to_client, args=(server, client, record), daemon=True).start()

    @staticmethod
    def _pipe(source, sink, seen):
        try:
            while data := source.recv(65536):
                seen(data)
                sink.sendall(data)
        except OSError:
            pass
        for end in (sink, source):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        source.close()  # each direction's thread closes the socket it reads

    def _client_to_server(self, client, server, record):
        def seen(data):
            if len(record["first"]) < 8:
                record["first"] += data[:8 - len(record["first"])]
        self._pipe(client, server, seen)

    def _server_to_client(self, server, client, record):
        # The server's plain-text start: an optional 'S' (SSLRequest accepted),
        # then TLS records; only the ServerHellos before encryption matter.
        buffer = bytearray()
        state = {"done": False}

        def seen(data):
            if state["done"]:
                return
            buffer.extend(data)
            if buffer[:1] == b"S":
                del buffer[:1]
            while len(buffer) >= 5:
                kind, length = buffer[0], int.from_bytes(buffer[3:5], "big")
                if kind != TLS_HANDSHAKE:
                    state["done"] = True  # encrypted from here, or not TLS at all
                    return
                if len(buffer) < 5 + length:
                    return
                body = bytes(buffer[5:5 + length])
                del buffer[:5 + length]
                # handshake type 2 (ServerHello): type, length (3), version (2), random (32)
                if body[:1] == b"\x02" and body[6:38] == HELLO_RETRY_RANDOM:
                    record["retries"] += 1
        self._pipe(server, client, seen)

    def reset(self):
        with self.lock:
            self.connections.clear()

    def seen(self):
        with self.lock:
            return list(self.connections)

    def close(self):
        self.listener.close()


class DirectTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(tls_from=os.environ["TEST_CA_DIR"]).__enter__()
        cls.proxy = SniffingProxy(cls.cluster.port)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.close()
        cls.cluster.__exit__(None, None, None)

    def neon_url(self, query):
        c = self.cluster
        return (f"postgresql://postgres:{c.password}@{NEON_HOST}:{self.proxy.port}/postgres"
                f"?hostaddr=127.0.0.1&{query}")

    def migrate(self, url, **env):
        """dbinit migrate through the proxy: the completed process, its
        stderr, and the connections the proxy saw. PG* left out but those given."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        environment.update(DATABASE_URL=url, DBINIT_LOG_LEVEL="debug", **env)
        self.proxy.reset()
        started = time.monotonic()
        run = subprocess.run([dbinit_binary(), "--wait-timeout", "20s", "migrate"], env=environment,
                             capture_output=True, text=True, timeout=60)
        keep_in_suite_log("dbinit migrate (direct_tls_test)", run.stderr)
        self.assertNotIn(self.cluster.password, run.stderr)
        return run, time.monotonic() - started, self.proxy.seen()

    def assert_started_with(self, connections, first, what):
        self.assertTrue(connections, f"{what}: no connection reached the proxy")
        for connection in connections:
            self.assertEqual(connection["first"][:len(first)], first, what)

    def test_neon_host_with_sslmode_require_starts_tls_directly(self):
        for what, url in (("URL", self.neon_url("sslmode=require")),
                          ("key=value", f"host={NEON_HOST} hostaddr=127.0.0.1 port={self.proxy.port} user=postgres "
                                        f"password={self.cluster.password} dbname=postgres sslmode=require")):
            with self.subTest(form=what):
                run, elapsed, connections = self.migrate(url)
                self.assertIn("sslnegotiation=direct", run.stderr)
                self.assert_started_with(connections, bytes([TLS_HANDSHAKE]), what)
                if PG_VERSION == "15":
                    # PostgreSQL 15 reads the ClientHello as a startup packet and closes.
                    self.assertEqual(run.returncode, 3, run.stderr)
                    self.assertIn("does not take a direct TLS handshake", run.stderr)
                    self.assertIn("set sslnegotiation=postgres in the URL or PGSSLNEGOTIATION=postgres", run.stderr)
                    self.assertIn("not retried", run.stderr)
                    self.assertEqual(len(connections), 1, "a refused direct handshake is not retried")
                    self.assertLess(elapsed, 10)
                else:
                    self.assertEqual(run.returncode, 0, run.stderr)
                    self.assertEqual([c["retries"] for c in connections], [0] * len(connections))

    def test_the_users_choice_and_other_hosts_keep_the_sslrequest(self):
        c = self.cluster
        cases = (
            ("sslnegotiation=postgres in the URL", self.neon_url("sslmode=require&sslnegotiation=postgres"), {}),
            ("PGSSLNEGOTIATION=postgres", self.neon_url("sslmode=require"), {"PGSSLNEGOTIATION": "postgres"}),
            ("a weak sslmode", self.neon_url("sslmode=prefer"), {}),
            ("a host that is not Neon's",
             f"postgresql://postgres:{c.password}@127.0.0.1:{self.proxy.port}/postgres?sslmode=require", {}),
        )
        for what, url, env in cases:
            with self.subTest(case=what):
                run, _, connections = self.migrate(url, **env)
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertNotIn("sslnegotiation=direct", run.stderr)
                self.assert_started_with(connections, SSL_REQUEST, what)
                self.assertEqual([c["retries"] for c in connections], [0] * len(connections), what)

    def test_direct_chosen_by_the_user_anywhere(self):
        c = self.cluster
        url = f"postgresql://postgres:{c.password}@127.0.0.1:{self.proxy.port}/postgres?sslmode=require"
        run, _, connections = self.migrate(url, PGSSLNEGOTIATION="direct")
        self.assert_started_with(connections, bytes([TLS_HANDSHAKE]), "PGSSLNEGOTIATION=direct")
        if PG_VERSION == "15":
            self.assertEqual(run.returncode, 3, run.stderr)
            self.assertIn("set sslnegotiation=postgres in the URL or PGSSLNEGOTIATION=postgres", run.stderr)
        else:
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual([c["retries"] for c in connections], [0] * len(connections))

    def test_the_counter_sees_the_retry_an_x25519_first_client_costs(self):
        # Debian 12's psql: libpq 15 and OpenSSL 3.0's default groups, X25519 first.
        self.proxy.reset()
        environment = dict(os.environ, PGPASSWORD=self.cluster.password)
        run = subprocess.run(["/usr/lib/postgresql/15/bin/psql", f"host=127.0.0.1 port={self.proxy.port} user=postgres dbname=postgres "
                              "sslmode=require", "-Atc", "SELECT 1"], env=environment, capture_output=True, text=True,
                             timeout=30)
        self.assertEqual(run.stdout.strip(), "1", run.stderr)
        self.assertEqual([c["retries"] for c in self.proxy.seen()], [1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
