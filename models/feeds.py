"""Sources of published notices and what importing them did: a source's settings (polled on a
Temporal Schedule), the poller's input, and an import's report."""

from datetime import timedelta

from pydantic import BaseModel, Field, field_validator

from models.limits import Identifier, Name, Url

MAX_PAGES = 20  # pages of a paged API one poll follows
MIN_INTERVAL = timedelta(minutes=5)  # a published feed is not asked more often than this


class FeedSourceConfig(BaseModel):
    """One source of OCDS packages (the `FEED_SOURCES` setting, a JSON list of these)."""

    name: Identifier  # names the source, its schedule (`feed-{name}`) and its rows
    url: Url  # a release or record package, or an API answering one per page
    query: str = Field(default="", max_length=1_000)  # added to the URL, e.g. "stages=tender"
    interval: timedelta = Field(default=timedelta(hours=1), le=timedelta(days=7))
    # Notices from a trusted source that fit the members go straight out as a bid; from the
    # others, to the coordinator to circulate in one click.
    trusted: bool = False
    # Only notices flagged suitable for VCSE organisations are circulated (Contracts Finder
    # flags them); False circulates any notice that matches the members.
    vcse_only: bool = True
    # The parameter a paged API takes the cursor in (the latest release date seen).
    since_parameter: str = Field(default="updatedFrom", max_length=40, pattern=r"^[A-Za-z_]*$")

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("a source's url must start with http:// or https://")
        return url

    @field_validator("interval")
    @classmethod
    def _not_too_often(cls, interval: timedelta) -> timedelta:
        if interval < MIN_INTERVAL:
            raise ValueError("poll a source at most every 5 minutes")
        return interval


class PollInput(BaseModel):
    """One poll of one source, started by its schedule."""

    source: Identifier


class ImportReport(BaseModel):
    """What one import did: releases new, releases already held (nothing changed), releases
    refused (each with why), and what each new one did to its opportunity or bid."""

    source: Name = ""
    imported: int = 0
    already_held: int = 0
    refused: list[str] = Field(default_factory=list)
    effects: list[str] = Field(default_factory=list)
    pages: int = 0
