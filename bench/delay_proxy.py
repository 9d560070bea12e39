#!/usr/bin/env python3
"""A loopback TCP proxy that holds every chunk for a fixed delay in each
direction, preserving order: a slow link for machines without tc netem.

    delay_proxy.py --listen-port P --upstream-port Q --delay-ms 12.5 [--ready-file F] [--connection-log F]

Each chunk read from one side is written to the other side DELAY after it
was read, so a request/response pair costs 2 x DELAY more than direct (the
round-trip time). A close travels the same way, after the data before it.
Only loopback: it listens on and connects to 127.0.0.1.

With --connection-log, it appends a line per connection to that file once
the connection has ended, with what it saw on the wire: the round trips (the
times the server answered what the client had sent) and, when the server
spoke TLS, its ServerHellos and HelloRetryRequests:
"round_trips=6 tls=1 server_hellos=2 hello_retries=1" (or "... tls=0").
The client's own work between its messages adds no round trip there.
"""
import argparse
import asyncio
import hashlib
import pathlib
import signal
import socket

# A HelloRetryRequest is a ServerHello with this random (RFC 8446, 4.1.3).
HELLO_RETRY_RANDOM = hashlib.sha256(b"HelloRetryRequest").digest()
RECORD_HANDSHAKE, HANDSHAKE_SERVER_HELLO = 22, 2
RECORD_PLAINTEXT = (20, 21, 22)  # change_cipher_spec, alert, handshake


class ServerHellos:
    """Counts the ServerHellos and HelloRetryRequests a PostgreSQL server sends
    on one connection.

    The server's first byte is 'S' when it accepts an SSLRequest, followed by
    TLS records once the client's ClientHello arrives; with direct TLS the
    records come at once. Anything else ('R', 'N', 'E') is the plain protocol.
    The handshake is read in the clear up to the ServerHello that is not a
    retry: after it, TLS 1.3 encrypts the rest, and TLS 1.2's Finished is a
    handshake record that must not be read.
    """

    def __init__(self):
        self.buffer, self.started, self.done = b"", False, False
        self.tls, self.server_hellos, self.hello_retries = False, 0, 0

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        self.buffer += chunk
        if not self.started and self.buffer:
            self.started = True
            self.buffer = self.buffer.removeprefix(b"S")
        while not self.done and len(self.buffer) >= 5:
            kind, major, length = self.buffer[0], self.buffer[1], int.from_bytes(self.buffer[3:5], "big")
            if kind not in RECORD_PLAINTEXT or major != 3:
                self.done = True  # the plain protocol, or an encrypted record: nothing more in the clear
                return
            self.tls = True
            if len(self.buffer) < 5 + length:
                return  # the rest of the record is in a later chunk
            record, self.buffer = self.buffer[5:5 + length], self.buffer[5 + length:]
            if kind == RECORD_HANDSHAKE:
                self.read_handshake(record)

    def read_handshake(self, record: bytes) -> None:
        while len(record) >= 4 and not self.done:
            kind, length = record[0], int.from_bytes(record[1:4], "big")
            body, record = record[4:4 + length], record[4 + length:]
            if kind != HANDSHAKE_SERVER_HELLO:
                continue
            self.server_hellos += 1
            if body[2:34] == HELLO_RETRY_RANDOM:  # after legacy_version
                self.hello_retries += 1
            else:
                self.done = True

    def fields(self) -> str:
        if not self.tls:
            return "tls=0"
        return f"tls=1 server_hellos={self.server_hellos} hello_retries={self.hello_retries}"


class Conversation:
    """What the proxy sees of one connection, in the order the chunks reach it:
    a server's chunk after a client's is an answer, one round trip."""

    def __init__(self):
        self.round_trips, self.last_sender, self.hellos = 0, None, ServerHellos()

    def client_sent(self, chunk: bytes) -> None:
        self.last_sender = "client"

    def server_sent(self, chunk: bytes) -> None:
        if self.last_sender == "client":
            self.round_trips += 1
        self.last_sender = "server"
        self.hellos.feed(chunk)

    def line(self) -> str:
        return f"round_trips={self.round_trips} {self.hellos.fields()}\n"


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, seen=None) -> None:
    """Copies reader to writer, each chunk delivered `delay` after it arrived
    (and given to `seen` as it arrives)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, chunk = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if chunk is None:
                break
            writer.write(chunk)
            await writer.drain()
        # The peer closed its side: pass the close on, after its data.
        if writer.can_write_eof():
            writer.write_eof()

    delivery = asyncio.create_task(deliver())
    try:
        while True:
            chunk = await reader.read(65536)
            if seen and chunk:
                seen(chunk)
            queue.put_nowait((loop.time() + delay, chunk or None))
            if not chunk:
                break
        await delivery
    except (ConnectionError, OSError):
        delivery.cancel()  # the other side went away; nothing left to deliver
    finally:
        writer.close()


async def handle(client_reader, client_writer, upstream_port: int, delay: float, log=None) -> None:
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_writer.close()  # upstream down: the client sees a refused-like close
        return
    for writer in (client_writer, server_writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    seen = Conversation()
    await asyncio.gather(pump(client_reader, server_writer, delay, seen.client_sent),
                         pump(server_reader, client_writer, delay, seen.server_sent), return_exceptions=True)
    if log:
        with log.open("a") as file:
            file.write(seen.line())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=12.5, help="delay in each direction")
    parser.add_argument("--ready-file", type=pathlib.Path, help="created once the proxy listens")
    parser.add_argument("--connection-log", type=pathlib.Path,
                        help="appended a line per connection: its round trips, TLS ServerHellos and retries")
    args = parser.parse_args()
    delay = args.delay_ms / 1000.0

    server = await asyncio.start_server(lambda r, w: handle(r, w, args.upstream_port, delay, args.connection_log),
                                        "127.0.0.1", args.listen_port, backlog=256)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    if args.ready_file:
        args.ready_file.touch()
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
