#!/usr/bin/env python3
"""Demo chatbot behind dbinit: stdlib http.server + psycopg2.

The schema (conversations, messages) belongs to dbinit's migrations; this app
only reads and writes rows. Configuration: DATABASE_URL, PORT (default 7860).
"""
import contextlib
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

DATABASE_URL = os.environ.get("DATABASE_URL", "")
PORT = int(os.environ.get("PORT", "7860"))
TITLE_MAX = 60


@contextlib.contextmanager
def transaction():
    """A cursor in one transaction on a fresh connection, closed afterwards."""
    conn = psycopg2.connect(DATABASE_URL, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:  # commits, or rolls back on error
            yield cur
    finally:
        conn.close()


def chat(user_id, message, conversation_id):
    """Stores the user's message and the bot's reply in one transaction."""
    with transaction() as cur:
        if conversation_id is None:
            title = message if len(message) <= TITLE_MAX else message[: TITLE_MAX - 1] + "\u2026"
            cur.execute(
                "INSERT INTO conversations (user_id, title) VALUES (%s, %s) RETURNING id",
                (user_id, title),
            )
            conversation_id = cur.fetchone()[0]
        else:
            cur.execute(
                "UPDATE conversations SET updated_at = now() WHERE id = %s AND user_id = %s",
                (conversation_id, user_id),
            )
            if cur.rowcount != 1:
                return None
        cur.execute(
            "INSERT INTO messages (conversation_id, user_id, role, content) VALUES (%s, %s, 'user', %s)",
            (conversation_id, user_id, message),
        )
        cur.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = %s AND role = 'user'",
            (conversation_id,),
        )
        count = cur.fetchone()[0]
        reply = f"You said: {message} (message {count} in this conversation)"
        cur.execute(
            "INSERT INTO messages (conversation_id, user_id, role, content) VALUES (%s, %s, 'assistant', %s)",
            (conversation_id, user_id, reply),
        )
    return {"conversation_id": conversation_id, "reply": reply}


def messages(conversation_id):
    with transaction() as cur:
        cur.execute("SELECT 1 FROM conversations WHERE id = %s", (conversation_id,))
        if cur.fetchone() is None:
            return None
        cur.execute(
            "SELECT id, user_id, role, content, created_at FROM messages"
            " WHERE conversation_id = %s ORDER BY id",
            (conversation_id,),
        )
        return [
            {"id": i, "user_id": u, "role": r, "content": c, "created_at": t.isoformat()}
            for i, u, r, c, t in cur.fetchall()
        ]


class Handler(BaseHTTPRequestHandler):
    server_version = "dbinit-demo/1"

    def send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            try:
                with transaction() as cur:
                    cur.execute("SELECT 1")
                return self.send(200, "ok\n", "text/plain")
            except psycopg2.Error as e:
                return self.send(503, f"database unavailable: {e}".strip() + "\n", "text/plain")
        match = re.fullmatch(r"/conversations/(\d+)", self.path)
        if match:
            try:
                rows = messages(int(match.group(1)))
            except psycopg2.Error as e:
                return self.send(503, {"error": f"database: {e}".strip()})
            if rows is None:
                return self.send(404, {"error": "no such conversation"})
            return self.send(200, rows)
        self.send(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/chat":
            return self.send(404, {"error": "not found"})
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            user_id, message = body["user_id"], body["message"]
            conversation_id = body.get("conversation_id")
            if not (isinstance(user_id, str) and user_id and isinstance(message, str) and message):
                raise ValueError("user_id and message must be non-empty strings")
            if conversation_id is not None and not isinstance(conversation_id, int):
                raise ValueError("conversation_id must be an integer")
        except KeyError as e:
            return self.send(400, {"error": f"bad request: missing field {e}"})
        except (ValueError, TypeError, AttributeError) as e:
            return self.send(400, {"error": f"bad request: {e}"})
        try:
            result = chat(user_id, message, conversation_id)
        except psycopg2.Error as e:
            return self.send(503, {"error": f"database: {e}".strip()})
        if result is None:
            return self.send(404, {"error": "no such conversation for this user"})
        self.send(200, result)

    def log_message(self, format, *args):
        sys.stderr.write(f"app: {self.address_string()} {format % args}\n")


def main():
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True

    def on_term(signum, _frame):
        sys.stderr.write(f"app: signal {signum}, shutting down\n")
        # shutdown() blocks until serve_forever returns, so not from this thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    sys.stderr.write(f"app: listening on 0.0.0.0:{PORT}\n")
    server.serve_forever()
    server.server_close()
    sys.stderr.write("app: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
