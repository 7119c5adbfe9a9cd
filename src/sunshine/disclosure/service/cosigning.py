"""How far each published notice is co-signed by the committee: "co-signed by N of M".

A notice names the checkpoint signed when it was published; N counts the committee
members whose confirmed keys co-signed that checkpoint (`transparency.cosigners`), M the
members who can co-sign: those holding the committee role with a confirmed key now
(and any who co-signed it since). A member without a key is not counted, since they
cannot co-sign at all; the keys page shows the committee's full size beside it. The
community's threshold (`registry`) says how many make the notice "co-signed"; below it
the notice waits, and the committee's board lists it. The public sees counts and roles,
never whose keys they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.registry import service as registry
from sunshine.transparency import service as transparency


@dataclass(frozen=True, slots=True)
class CosignStatus:
    """How many committee members co-signed (of how many, with how many needed)."""

    signed: int
    members: int
    threshold: int
    signers: frozenset[int] = frozenset()  # the members' user ids (never shown in public)

    @property
    def complete(self) -> bool:
        return self.signed >= self.threshold

    @property
    def needed(self) -> int:
        return max(self.threshold - self.signed, 0)

    def in_words(self, *, english: bool) -> str:
        """What the printed notice says, as the web notice does: counts and roles, no names."""
        if self.signed == 0:
            said = "Not yet co-signed" if english else "尚未联署"
        elif english:
            said = f"Co-signed by {self.signed} of {self.members} committee members"
        else:
            said = f"委员会 {self.signed}/{self.members} 名委员已联署"
        if self.complete:
            return said
        return said + (
            f"; {self.needed} more needed" if english else f"，还需 {self.needed} 名委员联署"
        )


def committee_members(session: Session, community_id: int) -> frozenset[int]:
    """Who holds the committee role in the community (user ids)."""
    members = identity.list_members(session, community_id)
    return frozenset(user.id for user, role in members if role == Role.COMMITTEE)


def committee_size(session: Session, community_id: int) -> int:
    """How many people hold the committee role in the community."""
    return len(committee_members(session, community_id))


def able_to_cosign(session: Session, community_id: int) -> frozenset[int]:
    """Committee members holding a confirmed key in use: those who can co-sign now."""
    members = committee_members(session, community_id)
    keys = transparency.committee_keys(session, community_id)
    return frozenset(
        k.member_id for k in keys if k.confirmed_at is not None and k.member_id in members
    )


def key(version: NoticeVersion) -> str:
    """How `statuses` files a version: "2024-10/1"."""
    return f"{version.period}/{version.version}"


def statuses(
    session: Session, community_id: int, versions: Sequence[NoticeVersion]
) -> dict[str, CosignStatus]:
    """The status of each version, by `key`: a few queries for all of them."""
    signers = transparency.cosigners(session, community_id, [v.checkpoint_size for v in versions])
    able = able_to_cosign(session, community_id)
    threshold = registry.cosign_threshold(session, community_id)
    found = {}
    for version in versions:
        who = signers.get(version.checkpoint_size, frozenset())
        found[key(version)] = CosignStatus(len(who), len(able | who), threshold, who)
    return found


def status_of(session: Session, community_id: int, version: NoticeVersion) -> CosignStatus:
    return statuses(session, community_id, [version])[key(version)]


def awaiting(
    session: Session, community_id: int, published: Sequence[NoticeVersion]
) -> list[tuple[NoticeVersion, CosignStatus]]:
    """The published notices (latest versions) not yet co-signed by enough members."""
    found = statuses(session, community_id, published)
    return [(v, found[key(v)]) for v in published if not found[key(v)].complete]
