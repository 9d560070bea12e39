"""The demo chatbot (FastAPI + SQLModel under uvicorn) served behind dbinit, as
scripts/demo, docker compose and the image run it: dbinit waits, migrates,
starts `uvicorn chatbot.main:app` (the test venv's, on the pins of
demo/chatbot/requirements.txt, with a DeprecationWarning an error); the app
answers; a SIGTERM to dbinit gives uvicorn's graceful shutdown, after which
uvicorn stops itself with the same signal: exit 143."""
import json
import signal
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from support import DEMO, Cluster, dbinit_binary, free_port, venv_environ, without_password


def request(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class ChatbotBehindDbinit(unittest.TestCase):
    def test_chat_round_trip_and_graceful_stop(self):
        with Cluster() as cluster:
            database = cluster.create_database("chatbot")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with open(cluster.dir / "app.log", "w+") as log:
                app = subprocess.Popen(
                    [dbinit_binary(), "--mode", "supervise", "--", "uvicorn", "chatbot.main:app",
                     "--host", "127.0.0.1", "--port", str(port)],
                    cwd=DEMO, stdout=log,
                    env=venv_environ(cluster.environ(database, PYTHONWARNINGS="error::DeprecationWarning")),
                    stderr=subprocess.STDOUT)
                try:
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        self.assertIsNone(app.poll(), "dbinit exited before the app answered")
                        try:
                            if request(base + "/health")[0] == 200:
                                break
                        except OSError:
                            pass
                        time.sleep(0.1)
                    else:
                        self.fail("the app did not answer /health within 60 s")

                    status, body = request(base + "/chat", {"user_id": "ann", "message": "hello"})
                    self.assertEqual(status, 200, body)
                    first = json.loads(body)
                    self.assertEqual(first["reply"], "You said: hello (message 1 in this conversation)")
                    status, body = request(base + "/chat", {"user_id": "ann", "message": "again",
                                                            "conversation_id": first["conversation_id"]})
                    self.assertEqual(status, 200, body)
                    self.assertEqual(json.loads(body)["message_count"], 2)
                    # Someone else's conversation is not found, and nothing is stored.
                    status, _ = request(base + "/chat", {"user_id": "bob", "message": "x",
                                                         "conversation_id": first["conversation_id"]})
                    self.assertEqual(status, 404)
                    self.assertEqual(request(base + "/chat", {"user_id": "", "message": "x"})[0], 422)

                    status, body = request(base + f"/conversations/{first['conversation_id']}")
                    self.assertEqual(status, 200, body)
                    self.assertEqual([(m["role"], m["user_id"]) for m in json.loads(body)],
                                     [("user", "ann"), ("assistant", "ann")] * 2)
                    self.assertEqual(request(base + "/conversations/999")[0], 404)
                    self.assertEqual(cluster.sql(database, "SELECT count(*) FROM messages"), [(4,)])

                    app.send_signal(signal.SIGTERM)
                    # uvicorn shuts down gracefully, then ends by raising the
                    # signal it caught again; dbinit exits as its child did.
                    self.assertEqual(app.wait(timeout=20), 128 + signal.SIGTERM)
                finally:
                    if app.poll() is None:
                        app.kill()
                        app.wait()
                log.seek(0)
                output = without_password(log.read(), cluster)
            # uvicorn's graceful shutdown, once.
            self.assertEqual(output.count("Shutting down"), 1, output)
            self.assertIn("Finished server process", output)
            self.assertIn("migrate: migrations applied", output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
