"""Letters that wait for a spare core (`MAIL_SPARE_CORES_ONLY`): the mail worker's activity
slots, handed out only while the machine's other processes leave cores idle.

Niceness (`WORKER_NICE`) holds back the mail worker's own CPU, not the work each letter costs
the others: the Temporal server matches every e-mail activity, and its completion wakes the
bid, a workflow task for the server and a bids' worker. A pace (`MAIL_BATCHES_PER_SECOND`)
holds all of that back, but also after a burst, when the cores are free. This supplier asks
the cores instead: the worker polls for its next e-mail activity only while the other
processes use less than `busy_above` of them, and at least once every `at_least_every`
seconds however busy they are, so letters never stop.

It reads the machine's cores, so it is for a mail worker that shares them with the bids'
workers and the Temporal server (one machine, or one node); on a machine of its own there is
nothing to wait for and it changes nothing."""

import asyncio
import time
from collections.abc import Awaitable, Callable

import psutil
from temporalio.worker import (
    CustomSlotSupplier,
    SlotMarkUsedContext,
    SlotPermit,
    SlotReleaseContext,
    SlotReserveContext,
)


class OtherProcessesLoad:
    """The share of all the machine's cores that processes other than this one kept busy
    since the last reading (0.0 idle to 1.0 every core busy)."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._cores = psutil.cpu_count() or 1
        self._last = self._sample()

    def _sample(self) -> tuple[float, float, float]:
        t = psutil.cpu_times()
        busy = t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)
        own = self._process.cpu_times()
        return time.monotonic(), busy, own.user + own.system

    def __call__(self) -> float:
        now = self._sample()
        (then, busy, own), self._last = self._last, now
        wall = (now[0] - then) * self._cores
        if wall <= 0:
            return 0.0
        return min(1.0, max(0.0, ((now[1] - busy) - (now[2] - own)) / wall))


class SpareCoreSlots(CustomSlotSupplier):
    """Up to `slots` e-mail activities at once, each started only while `load()` (read at
    most every `check_every` seconds) is at or below `busy_above`, or when none has started
    for `at_least_every` seconds.

    An activity of 20 invitations spends most of its 0.3 s waiting on the relay and the
    database: 4 slots let the 1,000-bid burst's letters drain at 13 activities a second with
    the cores to spare; 16 leave the cores, not the slots, to set the pace."""

    def __init__(
        self,
        slots: int = 16,
        busy_above: float = 0.75,
        at_least_every: float = 1.0,
        check_every: float = 0.25,
        load: Callable[[], float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.slots, self.busy_above = slots, busy_above
        self.at_least_every, self.check_every = at_least_every, check_every
        self._load = load or OtherProcessesLoad()
        self._clock, self._sleep = clock, sleep
        self.held = 0
        self._last_start = clock()
        self._checked_at = float("-inf")
        self._busy = 0.0

    def busy(self) -> float:
        now = self._clock()
        if now - self._checked_at >= self.check_every:
            self._checked_at, self._busy = now, self._load()
        return self._busy

    def _may_start(self) -> bool:
        if self.held >= self.slots:
            return False
        waited = self._clock() - self._last_start
        return waited >= self.at_least_every or self.busy() <= self.busy_above

    async def reserve_slot(self, ctx: SlotReserveContext) -> SlotPermit:
        while not self._may_start():
            await self._sleep(self.check_every)
        self.held += 1
        self._last_start = self._clock()
        return SlotPermit()

    def try_reserve_slot(self, ctx: SlotReserveContext) -> SlotPermit | None:
        return None  # no eager e-mail: every letter waits its turn

    def mark_slot_used(self, ctx: SlotMarkUsedContext) -> None:
        pass

    def release_slot(self, ctx: SlotReleaseContext) -> None:
        self.held -= 1
