#!/usr/bin/env python3
"""A loopback TCP proxy that holds every chunk for a fixed delay in each
direction, preserving order: a slow link for machines without tc netem.

    delay_proxy.py --listen-port P --upstream-port Q --delay-ms 12.5 [--ready-file F]

Each chunk read from one side is written to the other side DELAY after it
was read, so a request/response pair costs 2 x DELAY more than direct (the
round-trip time). A close travels the same way, after the data before it.
Only loopback: it listens on and connects to 127.0.0.1.
"""
import argparse
import asyncio
import pathlib
import signal
import socket


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copies reader to writer, each chunk delivered `delay` after it arrived."""
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
            queue.put_nowait((loop.time() + delay, chunk or None))
            if not chunk:
                break
        await delivery
    except (ConnectionError, OSError):
        delivery.cancel()  # the other side went away; nothing left to deliver
    finally:
        writer.close()


async def handle(client_reader, client_writer, upstream_port: int, delay: float) -> None:
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_writer.close()  # upstream down: the client sees a refused-like close
        return
    for writer in (client_writer, server_writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    await asyncio.gather(pump(client_reader, server_writer, delay), pump(server_reader, client_writer, delay),
                         return_exceptions=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=12.5, help="delay in each direction")
    parser.add_argument("--ready-file", type=pathlib.Path, help="created once the proxy listens")
    args = parser.parse_args()
    delay = args.delay_ms / 1000.0

    server = await asyncio.start_server(lambda r, w: handle(r, w, args.upstream_port, delay),
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
