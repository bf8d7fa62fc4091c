"""Every setting the system reads, from the environment or an optional `.env` file.

Built once at the edge (the CLI, `worker.py`, the web app) and passed into constructors, so
tests build their own. Secrets are `SecretStr`: they print as `**********`.
"""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.bid_tasks import TaskQueue
from models.feeds import FeedSourceConfig
from models.ocds import DEFAULT_CPV_THEMES

# The published default: it signs sessions and task links, so anyone could forge them.
DEVELOPMENT_SECRET_KEY = "change-me-in-production"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class SettingMissing(RuntimeError):
    """A setting the command needs is unset; the message names it and says what to do."""


class Settings(BaseSettings):
    """The system's configuration; see the README's "Settings" table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # PostgreSQL: any SQLAlchemy URL; `postgresql://` is read as `postgresql+asyncpg://`.
    database_url: SecretStr | None = None

    # Temporal
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_task_queue: str = "consortia"
    # Bids' e-mail activities on a queue of their own, served by `WORKER_ROLE=mail` workers,
    # so a burst of letters never holds up the bids' workflow tasks (bench/RESULTS.md). Unset:
    # the bids' own queue. Applies to bids started after it is set.
    mail_task_queue: TaskQueue | None = None
    # The most e-mail activities (one mailing's letters, up to 25 each) MAIL_TASK_QUEUE starts a
    # second, across all its workers (Temporal's task-queue rate limit). A burst of answers
    # then goes before its letters, which follow at this pace, as do their wake-ups of the
    # bids; it also keeps a relay's sending limit. Unset: as fast as the mail workers go.
    mail_batches_per_second: float | None = Field(default=None, gt=0, le=1000)
    # The mail worker takes its next e-mail activity only while the machine's other processes
    # leave a quarter of its cores idle, and at least one a second however busy they are
    # (deploy/spare_cores.py): a burst's letters wait for its answers, then go at the cores'
    # speed. For a mail worker that shares the cores with the bids' workers and Temporal.
    mail_spare_cores_only: bool = False
    temporal_ui_url: str | None = None
    # Temporal Cloud (or a cluster with mTLS): a client certificate and key (PEM files), or an
    # API key; either turns TLS on.
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_api_key: SecretStr | None = None
    # Workflows a worker keeps in memory between tasks; one evicted is replayed when it next
    # has work. Bounds the worker's memory however many bids are live: about 0.8 MiB a cached
    # bid, so 400 keep a worker under 512 MiB with 1,000 live bids (bench/RESULTS.md).
    worker_cached_workflows: int = 400
    # Workflow tasks a worker takes at once. Python runs them one at a time: taking more than
    # it can finish in the 10 s a task is given lets them time out and pile up under a burst.
    worker_workflow_tasks: int = 10
    # How long a cached bid's next workflow task waits for the worker that caches it before
    # the server hands it to any worker, which replays the bid from its history. Temporal's
    # default, 10 s, is shorter than a burst's backlog: tasks then leave the worker that has
    # their bid in memory and every worker replays (bench/RESULTS.md). A worker that stops
    # gracefully hands its bids back at once; one that crashes holds them this long.
    worker_sticky_timeout_seconds: float = Field(default=10.0, ge=1, le=600)
    # How workflow code is isolated. "strict": Temporal's sandbox loads the workflow modules
    # afresh for every workflow in the cache and refuses non-deterministic calls (the test
    # suite's workers and the replay test run this way, over every path). "shared": the
    # worker's own workflow modules (`workflows`) are loaded once and shared, so a cached
    # bid costs its state, not a copy of 20 modules, and a bid replayed after eviction does
    # not import them again (bench/RESULTS.md). "off": no sandbox at all; every call into
    # the workflow (each payload it encodes or decodes, too) skips the sandbox's checks, about
    # half the cost of a replayed bid. Safe only for code the strict sandbox has run.
    worker_sandbox: Literal["strict", "shared", "off"] = "shared"
    # What `python worker.py` serves. "all": the workflows and every activity, and, when
    # MAIL_TASK_QUEUE is set, that queue too. "workflows": all but MAIL_TASK_QUEUE. "mail":
    # only MAIL_TASK_QUEUE's e-mail activities (run it beside a "workflows" worker).
    worker_role: Literal["all", "workflows", "mail"] = "all"
    # How far this worker process stands back when it shares CPU cores (the OS's niceness,
    # added at start, 0-19). 10 on a mail worker beside the bids' workers and the Temporal
    # server: a burst's answers go first and its letters wait for a free core, as they would
    # with cores of their own (bench/RESULTS.md). 0: the OS shares the cores evenly.
    worker_nice: int = Field(default=0, ge=0, le=19)

    # E-mail
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_tls: bool = False  # implicit TLS (usually port 465)
    smtp_starttls: bool = False  # STARTTLS upgrade (usually port 587)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "Consortia <bids@consortia.localhost>"
    dev_mail_dir: Path | None = None  # set by `consortia up` for the development mail server

    # The web app. PUBLIC_URL is where people reach it: https there makes cookies `Secure` and
    # sends HSTS, even when a proxy speaks plain http to the app.
    public_url: str = "http://localhost:8000"
    secret_key: SecretStr = Field(default=SecretStr(DEVELOPMENT_SECRET_KEY))
    coordinator_email: str = "coordinator@consortia.localhost"
    # Sign-in links asked for, at most this many per address and per client IP in any window;
    # counted in each web process (a limit per process, not per deployment).
    sign_in_per_address: int = Field(default=5, ge=1)
    sign_in_per_client: int = Field(default=20, ge=1)
    sign_in_window_seconds: int = Field(default=15 * 60, ge=1)

    # The consortia framework (themes, localities, entry criteria): a JSON file, or Durham's.
    framework_file: Path | None = None

    # Published notices (OCDS; README "Published notices"): the sources polled on a Temporal
    # Schedule (a JSON list), CPV code prefixes -> themes, the places a notice names ->
    # localities, and how long before the deadline expressions of interest close.
    feed_sources: list[FeedSourceConfig] = Field(default_factory=list)
    ocds_cpv_themes: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_CPV_THEMES))
    ocds_localities: dict[str, str] = Field(default_factory=dict)
    ocds_interest_days: int = Field(default=7, ge=1, le=90)
    # The quarterly newsletter: when it is drafted (cron, UTC), and the days the coordinator
    # has to edit its introduction before it goes to every member.
    newsletter_cron: str = "0 9 1 1,4,7,10 *"
    newsletter_review_days: int = Field(default=3, ge=0, le=30)
    # Calendar invitations and feeds give deadlines in this zone.
    calendar_timezone: str = "Europe/London"

    # Seconds a worker told to stop (SIGTERM) gives the activities in hand to finish before it
    # cancels them: an e-mail cancelled after the relay took it would be sent again.
    worker_shutdown_grace_seconds: float = 30.0

    # A file the worker touches every 10 s while it runs, for a liveness probe
    # (`python -m deploy.worker_health FILE 60`); unset: none.
    worker_health_file: Path | None = None

    # Payload encryption (codec.py): "id:base64key,..." and the id new payloads are sealed
    # under (default: the first). Unset: payloads go to Temporal as they are (local only).
    codec_keys: SecretStr | None = None
    codec_key_id: str | None = None
    # A bearer token for the codec endpoint (`temporal --codec-auth`); the coordinator's
    # session opens it too.
    codec_token: SecretStr | None = None

    # Worker versioning (deploy/versioning.py): set both to run as one build of a deployment.
    worker_deployment_name: str | None = None
    worker_build_id: str | None = None

    @property
    def served_over_https(self) -> bool:
        """People reach the app over https (perhaps through a proxy that speaks http to it)."""
        return urlsplit(self.public_url).scheme == "https"

    def require_secret_key(self) -> None:
        """Refuse the development key anywhere but this machine: with it, anyone could sign a
        coordinator's session or a partner's task link."""
        if self.secret_key.get_secret_value() != DEVELOPMENT_SECRET_KEY:
            return
        if urlsplit(self.public_url).hostname not in LOCAL_HOSTS:
            raise SettingMissing(
                f"SECRET_KEY is the development default but PUBLIC_URL is {self.public_url}: "
                "set SECRET_KEY to a long random string, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )

    def require_codec_keys(self) -> None:
        """Refuse plain payloads where people reach the app over https: a history would hold
        partners' addresses and texts readable by anyone with access to Temporal."""
        if self.codec_keys is None and self.served_over_https:
            raise SettingMissing(
                f"CODEC_KEYS is not set but PUBLIC_URL is {self.public_url}: set it to a key "
                "from `consortia codec-key k1` so that Temporal's histories are encrypted"
            )

    def sqlalchemy_url(self) -> str:
        """The database URL with the asyncpg driver, for SQLAlchemy."""
        if self.database_url is None:
            raise SettingMissing(
                "DATABASE_URL is not set: point it at PostgreSQL (`consortia up` prints it)"
            )
        url = self.database_url.get_secret_value()
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix) :]
        return url


def redact_url(url: str) -> str:
    """A URL fit for a log line: the password, if any, replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
