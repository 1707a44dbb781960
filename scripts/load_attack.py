"""The attackers of `make load`'s slow-client phase, in a process of their own (so that they do
not share the measuring client's interpreter): idle connections that never send a byte and
slowloris clients sending a request head one header line a second, spread over the replicas.
Each reconnects as soon as the server closes it, so the counts are held for the whole phase.
Prints `held idle=N slow=M reconnects=K` every 0.5 s; runs until SIGTERM.

    python scripts/load_attack.py --idle 1000 --slow 100 http://127.0.0.1:8001 http://...
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys


class Counts:
    idle = 0
    slow = 0
    reconnects = 0


async def _hold(host: str, port: int, counts: Counts, slow: bool) -> None:
    first = True
    while True:
        if not first:
            counts.reconnects += 1
        first = False
        writer = None
        try:
            reader, writer = await asyncio.open_connection(host, port)
            if slow:
                counts.slow += 1
                writer.write(b"GET /api/version HTTP/1.1\r\nHost: load\r\n")
                n = 0
                while not reader.at_eof():
                    await writer.drain()
                    with contextlib.suppress(TimeoutError):
                        if await asyncio.wait_for(reader.read(4096), 1.0) == b"":
                            break
                    writer.write(b"X-Slow-%d: x\r\n" % n)
                    n += 1
            else:
                counts.idle += 1
                await reader.read()  # b"" when the server closes the connection
        except OSError:
            await asyncio.sleep(0.2)
        finally:
            if writer is not None:
                if slow:
                    counts.slow -= 1
                else:
                    counts.idle -= 1
                writer.close()


async def _main(urls: list[str], idle: int, slow: int) -> None:
    counts = Counts()
    targets = [u.removeprefix("http://").split(":") for u in urls]
    tasks = []
    for n in range(idle + slow):
        host, port = targets[n % len(targets)]
        tasks.append(asyncio.create_task(_hold(host, int(port), counts, n >= idle)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # the listen backlogs drain between batches
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        print(f"held idle={counts.idle} slow={counts.slow} reconnects={counts.reconnects}")
        sys.stdout.flush()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)
    for task in tasks:
        task.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    asyncio.run(_main(args.urls, args.idle, args.slow))


if __name__ == "__main__":
    main()
