"""The processes `consortia up` runs: started with a progress line, restarted after a crash
(with backoff, and a line saying so) once the stack is up, stopped newest first.

A crash while the stack starts is an error (a wrong setting, a port taken): nothing would
fix itself. Once it is up, a worker or a Temporal server that dies (killed, out of memory)
is started again, as a production process manager would: the Temporal dev server resumes
from its db file, the workflows from their histories.
"""

import ctypes
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

FIRST_DELAY = 1.0  # seconds before the first restart
MAX_DELAY = 30.0  # the delay doubles after each quick crash, up to this
STEADY_SECONDS = 60.0  # a process that ran this long before it died restarts after FIRST_DELAY


class StartupError(RuntimeError):
    """A component could not start; the message says which and where its log is."""


def say(component: str, message: str) -> None:
    print(f"{component:<10} {message}", flush=True)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if `consortia up` itself dies, so nothing is orphaned."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def how_it_ended(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    stop_seconds: float  # SIGTERM, then this long before SIGKILL
    process: subprocess.Popen
    started: float
    delay: float = 0.0  # the backoff before the latest restart
    restart_at: float | None = None  # set while it waits, dead, to be started again


class Supervisor:
    def __init__(self, state_dir: Path, cwd: Path) -> None:
        self._state_dir = state_dir
        self._cwd = cwd
        self._children: list[Child] = []

    def log(self, name: str) -> Path:
        return self._state_dir / f"{name}.log"

    def spawn(
        self, name: str, argv: list[str], env: dict[str, str], stop_seconds: float = 10
    ) -> None:
        process = self._popen(name, argv, env)
        self._children.append(Child(name, argv, env, stop_seconds, process, time.monotonic()))
        say(name, f"started (pid {process.pid}, log {self.log(name)})")

    def _popen(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        with self.log(name).open("ab") as log:
            return subprocess.Popen(
                argv,
                cwd=self._cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches only us
                preexec_fn=_die_with_parent,
            )

    def check(self) -> None:
        """While the stack starts: any child that died is an error."""
        for child in self._children:
            code = child.process.poll()
            if code is not None:
                raise StartupError(f"{child.name} {how_it_ended(code)}; see {self.log(child.name)}")

    def supervise(self) -> None:
        """Once the stack is up, called every half second: restart what died, with backoff."""
        now = time.monotonic()
        for child in self._children:
            code = child.process.poll()
            if code is None:
                continue
            if child.restart_at is None:
                ran = now - child.started
                quick = child.delay and ran < STEADY_SECONDS
                child.delay = min(child.delay * 2, MAX_DELAY) if quick else FIRST_DELAY
                child.restart_at = now + child.delay
                say(
                    child.name,
                    f"{how_it_ended(code)} after {ran:.0f}s; restarting in {child.delay:g}s "
                    f"(log {self.log(child.name)})",
                )
            elif now >= child.restart_at:
                child.process = self._popen(child.name, child.argv, child.env)
                child.started, child.restart_at = now, None
                say(child.name, f"restarted (pid {child.process.pid})")

    def stop(self) -> None:
        """Stop children newest first: SIGTERM, then SIGKILL after each one's stop time."""
        for child in reversed(self._children):
            process = child.process
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=child.stop_seconds)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            say(child.name, "stopped")
        self._children.clear()
