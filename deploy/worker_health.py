"""The worker's liveness, for a process manager: a file the worker touches while its event loop
runs, and a check that the file is fresh.

`worker.py` beats while it polls (with `WORKER_HEALTH_FILE` set); a Kubernetes liveness probe
runs `python -m deploy.worker_health FILE SECONDS`, which exits 1 when the file is older than
SECONDS: a worker whose loop is stuck (activities and Temporal's pollers share that loop) is
restarted, and Temporal hands its tasks to another worker. A worker that cannot reach
Temporal keeps beating: restarting it would not bring Temporal back.
"""

import asyncio
import sys
import time
from pathlib import Path

BEAT_SECONDS = 10.0


async def beat(path: Path, every: float = BEAT_SECONDS) -> None:
    """Touch `path` every `every` seconds until cancelled."""
    while True:
        await asyncio.to_thread(path.touch)
        await asyncio.sleep(every)


def beating(path: Path | None) -> "asyncio.Task[None] | None":
    """The beat as a task of the running loop, when a file is configured; it ends with the
    process (`asyncio.run` cancels it)."""
    return asyncio.create_task(beat(path)) if path is not None else None


def fresh(path: Path, within: float, now: float | None = None) -> bool:
    """The file was touched in the last `within` seconds."""
    try:
        age = (now or time.time()) - path.stat().st_mtime
    except OSError:
        return False
    return age <= within


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m deploy.worker_health FILE SECONDS", file=sys.stderr)
        return 2
    path, within = Path(argv[0]), float(argv[1])
    if fresh(path, within):
        return 0
    print(f"worker not alive: {path} not touched in the last {within:g}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
