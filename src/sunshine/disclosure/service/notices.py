"""The monthly notice: build it from the books, publish (freeze) it, read its versions.

Publishing freezes the notice: its record (rules.notice) is appended to the community's
transparency log and a checkpoint covering it is signed, in the same transaction as the
stored version. A published version never changes (the table is append-only); a
correction is a new version that says why, and the changes are computed from the two
records, not typed. Both versions stay visible.

The span a notice covers comes from the community's calendar (monthly by default); the
notice is named by the span's last month.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.rules import notice as rules
from sunshine.disclosure.rules import schedule as schedule_rules
from sunshine.disclosure.service import sections
from sunshine.disclosure.service.budget_actuals import SECTION_KEY as BUDGET
from sunshine.disclosure.service.budget_actuals import budget_section
from sunshine.disclosure.service.schedule import get_schedule
from sunshine.disclosure.service.sections import contributed_sections
from sunshine.infra import clock
from sunshine.infra.settings import get_settings
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import looks_personal
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

NOTICE_KIND = LogKind(rules.LOG_KIND)
REASON_LENGTH = 500

# Disclosure's own section; other parts' sections are registered by the app (entrypoints).
sections.register(BUDGET, budget_section)


def span(session: Session, community_id: int, period: Period) -> tuple[Period, Period]:
    """The span (first, last) a notice named `period` covers; `period` must end a span."""
    schedule = get_schedule(session, community_id)
    first, last = schedule_rules.span_of(schedule, period)
    if last != period:
        raise Invalid(
            "notices here cover {first} to {last}: name a notice by its last month",
            args={"first": str(first), "last": str(last)},
        )
    return first, last


def build_figures(
    session: Session, ref: CommunityRef, *, first: Period, last: Period
) -> rules.NoticeFigures:
    """Read what a notice for first..last states from the books and the registered sections."""
    cid = ref.id
    moves = ledger.income_and_spending(session, cid, first=first, last=last)
    income: dict[str, Fen] = {}
    for row in moves.income:
        key = row.account.category.value
        income[key] = income.get(key, Fen(0)) + row.natural
    expenses = ledger.lines_in(
        session, cid, first=first, last=last, kind=ledger_rules.AccountKind.EXPENSE
    )
    paid = ledger_rules.Category.REMUNERATION
    return rules.NoticeFigures(
        community_code=ref.code,
        community_name=ref.name,
        first=first,
        last=last,
        opening=ledger.trust_bank_balance(session, cid, on=first.previous().last_day),
        closing=ledger.trust_bank_balance(session, cid, on=last.last_day),
        income=income,
        spending=tuple(_line(x) for x in expenses if x.account.category is not paid),
        remuneration=tuple(_line(x) for x in expenses if x.account.category is paid),
        sections=contributed_sections(session, cid, first=first, last=last),
    )


def _line(posted: ledger.PostedLine) -> rules.Line:
    return rules.Line(
        entry=posted.entry_id,
        booked_on=posted.booked_on,
        narration=posted.narration,
        account=posted.account.code,
        account_zh=posted.account.name_zh,
        account_en=posted.account.name_en,
        counterparty=posted.counterparty,
        amount=posted.amount,
        vouchers=posted.vouchers,
    )


def preview(
    session: Session, ref: CommunityRef, *, period: Period, today: date
) -> dict[str, object]:
    """The record that publishing now would freeze (the next version, dated today)."""
    first, last = span(session, ref.id, period)
    figures = build_figures(session, ref, first=first, last=last)
    latest = find_latest(session, ref.id, period)
    if latest is None:
        return rules.notice_record(figures, version=1, published_on=today)
    return rules.notice_record(
        figures,
        version=latest.version + 1,
        published_on=today,
        revision=rules.Revision(latest.version, ""),
        previous=record_of(latest),
    )


def publish_notice(
    session: Session,
    ref: CommunityRef,
    *,
    period: Period,
    actor_id: int | None,
    today: date,
    reason: str = "",
) -> NoticeVersion:
    """Freeze the notice for the span ending `period`: store, log and sign it.

    The first version needs no reason; a later one needs one, and must state something
    different from the version it replaces (else Conflict). The span must have ended.
    """
    first, last = span(session, ref.id, period)
    if today <= last.last_day:
        raise Invalid(
            "the notice for {period} can be published once the period has ended",
            args={"period": str(period)},
        )
    transparency.lock_log(session, ref.id)  # one publisher at a time: versions have no gaps
    latest = find_latest(session, ref.id, period)
    figures = build_figures(session, ref, first=first, last=last)
    if latest is None:
        record = rules.notice_record(figures, version=1, published_on=today)
    else:
        record = _correction(latest, figures, today=today, reason=reason)
    logged = transparency.append(
        session, ref.id, kind=NOTICE_KIND, record=record, ref=f"{period}/v{record['version']}"
    )
    checkpoint = transparency.sign_checkpoint(session, ref.id, origin=ref.origin)
    row = NoticeVersion(
        community_id=ref.id,
        period=last,
        version=int(str(record["version"])),
        first=first,
        body=logged.body.decode(),
        log_seq=logged.seq,
        checkpoint_size=checkpoint.tree_size,
        published_on=today,
        published_at=clock.now(),
        published_by=actor_id,
        reason=(reason.strip() or None) if latest is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def _correction(
    latest: NoticeVersion, figures: rules.NoticeFigures, *, today: date, reason: str
) -> dict[str, object]:
    problems = []
    if not reason.strip():
        problems.append(
            Problem(
                "reason",
                "version {version} is published: say why a new version corrects it",
                {"version": latest.version},
                "reason",
            )
        )
    elif len(reason.strip()) > REASON_LENGTH or looks_personal(reason):
        # The reason goes into the append-only log, which can never forget (LAW.md 3).
        problems.append(
            Problem(
                "reason_text",
                "keep the reason under {n} characters, with no phone or ID numbers",
                {"n": REASON_LENGTH},
                "reason",
            )
        )
    if problems:
        raise Invalid("the notice was not published", problems=problems)
    previous = record_of(latest)
    record = rules.notice_record(
        figures,
        version=latest.version + 1,
        published_on=today,
        revision=rules.Revision(latest.version, reason.strip()),
        previous=previous,
    )
    revision = record["revision"]
    assert isinstance(revision, dict)  # notice_record wrote it
    if rules.same_content(previous, record) or not revision["changes"]:
        raise Conflict(
            "the books still say what version {version} says; there is nothing to correct",
            args={"version": latest.version},
        )
    return record


def record_of(version: NoticeVersion) -> dict[str, object]:
    """The frozen record of a published version, as logged."""
    record = json.loads(version.body)
    assert isinstance(record, dict)  # written by notice_record
    return record


def find_latest(session: Session, community_id: int, period: Period) -> NoticeVersion | None:
    return session.scalar(
        select(NoticeVersion)
        .where(NoticeVersion.community_id == community_id, NoticeVersion.period == period)
        .order_by(NoticeVersion.version.desc())
        .limit(1)
    )


def get_notice(
    session: Session, community_id: int, period: Period, version: int | None = None
) -> NoticeVersion:
    """A published version (the latest by default). Raises NotFound."""
    found = (
        find_latest(session, community_id, period)
        if version is None
        else session.get(NoticeVersion, (community_id, period, version))
    )
    if found is None:
        raise NotFound("no notice for {period} is published", args={"period": str(period)})
    return found


def list_versions(session: Session, community_id: int, period: Period) -> list[NoticeVersion]:
    """Every published version for the period, oldest first."""
    return list(
        session.scalars(
            select(NoticeVersion)
            .where(NoticeVersion.community_id == community_id, NoticeVersion.period == period)
            .order_by(NoticeVersion.version)
        )
    )


def list_notices(session: Session, community_id: int, *, limit: int = 120) -> list[NoticeVersion]:
    """The latest version of each published notice, newest period first."""
    latest = (
        select(NoticeVersion.period, func.max(NoticeVersion.version).label("version"))
        .where(NoticeVersion.community_id == community_id)
        .group_by(NoticeVersion.period)
        .subquery()
    )
    return list(
        session.scalars(
            select(NoticeVersion)
            .join(
                latest,
                (NoticeVersion.period == latest.c.period)
                & (NoticeVersion.version == latest.c.version),
            )
            .where(NoticeVersion.community_id == community_id)
            .order_by(NoticeVersion.period.desc())
            .limit(limit)
        )
    )


def version_counts(
    session: Session, community_id: int, periods: Sequence[Period]
) -> dict[Period, int]:
    rows = session.execute(
        select(NoticeVersion.period, func.count())
        .where(NoticeVersion.community_id == community_id, NoticeVersion.period.in_(periods))
        .group_by(NoticeVersion.period)
    )
    return {period: int(count) for period, count in rows}


def printed_checkpoint(
    session: Session, community_id: int, version: NoticeVersion
) -> rules.PrintedCheckpoint:
    """The checkpoint a version names: the one signed when it was published, with co-signers."""
    checkpoint = transparency.get_checkpoint(session, community_id, version.checkpoint_size)
    signed = transparency.signed_note(session, community_id, checkpoint)
    return rules.PrintedCheckpoint(
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        signed_at=checkpoint.created_at.isoformat(timespec="seconds"),
        signers=tuple(line.key_name for line in signed.signatures),
    )


def verify_url(
    ref: CommunityRef, version: NoticeVersion, checkpoint: rules.PrintedCheckpoint
) -> str:
    """Where a printed notice's QR code leads: the verify page, with what to check."""
    query = urlencode(
        {
            "period": str(version.period),
            "v": version.version,
            "size": checkpoint.tree_size,
            "root": checkpoint.root_hash.hex(),
        }
    )
    return f"{get_settings().public_url.rstrip('/')}/c/{ref.code}/verify?{query}"


def notice_bundle(
    session: Session,
    ref: CommunityRef,
    *,
    period: Period,
    version: int | None = None,
    since: int | None = None,
) -> dict[str, object]:
    """What `sunshine verify` checks for a notice: its record, proof and the checkpoint it names.

    Given `since` (the size of a checkpoint an owner saved), the bundle also proves that
    the log only grew from there to the notice's checkpoint.
    """
    found = get_notice(session, ref.id, period, version)
    return transparency.build_bundle(
        session,
        ref.id,
        origin=ref.origin,
        seqs=[found.log_seq],
        size=found.checkpoint_size,
        since=since,
    )


def vouchers_without_public_copy(
    session: Session, community_id: int, record: dict[str, object]
) -> dict[str, object]:
    """The vouchers the notice cites that have no public copy yet: sha256 -> journal entry.

    The publisher is warned of them, and the public sees "public copy pending" for them.
    """
    cited = rules.cited_vouchers(record)
    pending = ledger.vouchers_without_public_copy(session, community_id, cited)
    return {sha: cited[sha] for sha in pending}
