"""The mail worker's slots that wait for a spare core (deploy/spare_cores.py): the rule, on a
clock the test moves, and the machine's load as it reads it."""

import asyncio
import subprocess
import sys
import time

import psutil

from deploy.spare_cores import OtherProcessesLoad, SpareCoreSlots


class Clock:
    """Time that moves only when the supplier sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # others run meanwhile, as they would


def supplier(load: float, clock: Clock, slots: int = 3) -> SpareCoreSlots:
    return SpareCoreSlots(
        slots=slots,
        busy_above=0.75,
        at_least_every=1.0,
        check_every=0.25,
        load=lambda: load,
        clock=clock,
        sleep=clock.sleep,
    )


async def test_with_the_cores_busy_a_letter_starts_once_a_second_and_no_faster():
    clock = Clock()
    slots = supplier(0.9, clock)
    started = []
    for _ in range(3):
        await slots.reserve_slot(None)  # type: ignore[arg-type]
        started.append(clock.now)
    assert started == [1.0, 2.0, 3.0]
    assert slots.try_reserve_slot(None) is None  # type: ignore[arg-type]


async def test_with_cores_to_spare_letters_start_at_once_up_to_the_slots():
    clock = Clock()
    slots = supplier(0.2, clock, slots=3)
    for _ in range(3):
        await slots.reserve_slot(None)  # type: ignore[arg-type]
    assert clock.now == 0.0 and slots.held == 3
    fourth = asyncio.create_task(slots.reserve_slot(None))  # type: ignore[arg-type]
    for _ in range(5):
        await asyncio.sleep(0)
    assert not fourth.done()  # every slot is in use, however idle the cores
    slots.release_slot(None)  # type: ignore[arg-type]
    await asyncio.wait_for(fourth, 1)
    assert slots.held == 3


async def test_the_load_is_read_at_most_every_check():
    clock, readings = Clock(), []

    def load() -> float:
        readings.append(clock.now)
        return 0.9

    slots = SpareCoreSlots(slots=1, load=load, clock=clock, sleep=clock.sleep, check_every=0.25)
    await slots.reserve_slot(None)  # type: ignore[arg-type]
    assert readings == [0.0, 0.25, 0.5, 0.75]  # then a second had passed: it started


def test_another_process_busy_on_a_core_counts_and_this_one_does_not():
    load = OtherProcessesLoad()
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1.0)
        busy = load()
    finally:
        spinner.kill()
        spinner.wait()
    assert busy >= 0.5 / (psutil.cpu_count() or 1), busy  # at least half of one core's worth

    quiet = OtherProcessesLoad()
    end = time.monotonic() + 1.0
    while time.monotonic() < end:  # this process keeps a core busy itself
        pass
    assert quiet() < busy, "this process's own CPU is not the others' load"
