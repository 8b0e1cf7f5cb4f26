"""A pausable TCP proxy, run as its own process, that stands in for a stalled NATS server.

`SIGUSR1` pauses it: connections stay open but no byte moves either way, which is what clients
see when the server is stopped (`SIGSTOP`). `SIGUSR2` resumes. Pausing our own proxy rather than
the shared `nats-server` keeps the fault to this run's gateways and workers.

Run as ``python -m bench.soak._proxy LISTEN_PORT TARGET_HOST TARGET_PORT``; it prints
``ready`` once it listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

__all__ = ["main"]

_CHUNK = 65536


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, gate: asyncio.Event
) -> None:
    try:
        while data := await reader.read(_CHUNK):
            await gate.wait()
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _serve(listen: int, target: tuple[str, int]) -> None:
    gate = asyncio.Event()
    gate.set()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, gate.clear)
    loop.add_signal_handler(signal.SIGUSR2, gate.set)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        await gate.wait()
        try:
            server_r, server_w = await asyncio.open_connection(*target)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pump(client_r, server_w, gate), _pump(server_r, client_w, gate))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str]) -> int:
    """Proxy 127.0.0.1:`argv[0]` to `argv[1]`:`argv[2]` until SIGTERM."""
    if len(argv) != 3:
        print("usage: python -m bench.soak._proxy LISTEN_PORT TARGET_HOST TARGET_PORT")
        return 2
    asyncio.run(_serve(int(argv[0]), (argv[1], int(argv[2]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
