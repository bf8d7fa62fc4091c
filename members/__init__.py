"""Framework membership from outside Temporal: the client (`MemberClient`) and the
`consortia member ...` commands (`member_app`)."""

from members import directory_cli as _directory_cli  # noqa: F401  (registers its commands)
from members.cli import member_app
from members.client import MemberClient, NoMembership, refusal

__all__ = ["MemberClient", "NoMembership", "member_app", "refusal"]
