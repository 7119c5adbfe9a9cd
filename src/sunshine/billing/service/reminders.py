"""Reminding people of what they owe: the list, text messages, letters; each one recorded.

A text message goes through the platform's message sender (identity's configured
sender: the development sender writes it to the log `sunshine codes` shows) to the
phone of the person the unit's latest bill names, at most once a week per unit
(rules.REMINDER_GAP); the units asked for again sooner are skipped and said so. Letters
are recorded when printed. The wording is polite and threatens nothing (LAW.md 2).
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import Bill
from sunshine.billing.models import Reminder
from sunshine.billing.rules import collect as rules
from sunshine.billing.service import arrears
from sunshine.identity.service.senders import CodeSender
from sunshine.identity.service.senders import configured_sender
from sunshine.infra import clock
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry


@dataclass(frozen=True, slots=True)
class Liable:
    party_id: int | None
    name: str


def liable_for(session: Session, community_id: int, unit_ids: Collection[int]) -> dict[int, Liable]:
    """Who the latest bill of each unit names as its payer."""
    bills = Bill.__table__.c
    query = (
        select(bills.unit_id, bills.payer_party_id, bills.payer_name)
        .where(bills.community_id == community_id, bills.unit_id.in_(list(unit_ids)))
        .order_by(bills.unit_id, Bill.period, bills.id)
    )
    return {int(u): Liable(p, n) for u, p, n in session.execute(query).all()}  # the last wins


def last_reminders(
    session: Session, community_id: int, unit_ids: Collection[int]
) -> dict[int, datetime]:
    """When each unit was last reminded (by message or letter)."""
    query = (
        select(Reminder.unit_id, func.max(Reminder.sent_at))
        .where(Reminder.community_id == community_id, Reminder.unit_id.in_(list(unit_ids)))
        .group_by(Reminder.unit_id)
    )
    return {int(unit): clock.local(at) for unit, at in session.execute(query).all()}


@dataclass(frozen=True, slots=True)
class ReminderRow:
    unit_id: int
    number: str
    liable: Liable
    owed: Fen
    oldest_band: str
    last_reminded: datetime | None


def reminder_list(
    session: Session,
    community_id: int,
    as_of: date,
    *,
    item_id: int | None = None,
    building_id: int | None = None,
) -> list[ReminderRow]:
    """The units owing on `as_of`, by unit number, with who is liable and the last reminder."""
    units = registry.list_units(session, community_id, building_id=building_id)
    numbers = {u.id: u.number for u in units}
    among = numbers if building_id is not None else None
    ageing = arrears.ageing_by_unit(session, community_id, as_of, item_id=item_id, unit_ids=among)
    keys = [row.key for row in ageing]
    liable = liable_for(session, community_id, keys)
    last = last_reminders(session, community_id, keys)
    rows = [
        ReminderRow(
            row.key,
            numbers.get(row.key, "?"),
            liable.get(row.key, Liable(None, "")),
            row.total,
            rules.BANDS[max(i for i, band in enumerate(row.bands) if band.value)].key,
            last.get(row.key),
        )
        for row in ageing
    ]
    return sorted(rows, key=lambda r: r.number)


@dataclass(slots=True)
class Sent:
    """What a batch of reminders did: unit ids sent to, skipped (too soon), without a phone."""

    sent: list[int] = field(default_factory=list)
    too_soon: list[int] = field(default_factory=list)
    no_phone: list[int] = field(default_factory=list)
    nothing_owed: list[int] = field(default_factory=list)


def send_reminders(
    session: Session,
    community_id: int,
    unit_ids: Sequence[int],
    *,
    as_of: date,
    actor: str,
    community_name: str,
    sender: CodeSender | None = None,
) -> Sent:
    """Text each unit's liable person what is owed; record it; skip units reminded lately.

    Holds the books' lock, so two clerks sending at once send one message per unit.
    """
    if not unit_ids or len(unit_ids) > 1000:
        raise Invalid("choose 1 to 1,000 units to remind")
    ledger.lock_books(session, community_id)
    now = clock.now()
    last = last_reminders(session, community_id, unit_ids)
    owing = _owing(session, community_id, as_of, unit_ids)
    liable = liable_for(session, community_id, list(owing))
    out, sender = Sent(), sender or configured_sender()
    for unit_id in dict.fromkeys(unit_ids):
        if unit_id not in owing:
            out.nothing_owed.append(unit_id)
        elif unit_id in last and now - last[unit_id] < rules.REMINDER_GAP:
            out.too_soon.append(unit_id)
        elif not (phone := _phone(session, community_id, liable.get(unit_id))):
            out.no_phone.append(unit_id)
        else:
            unit = registry.get_unit(session, community_id, unit_id)
            _record(session, community_id, unit_id, liable[unit_id], owing[unit_id], "sms", actor)
            text = message_text(community_name, unit.number, owing[unit_id], as_of)
            sender.send(phone, text)  # after the record: a failure rolls both back
            out.sent.append(unit_id)
    return out


def record_letters(
    session: Session, community_id: int, unit_ids: Sequence[int], *, as_of: date, actor: str
) -> int:
    """Record that letters were printed for the units owing; the number recorded."""
    owing = _owing(session, community_id, as_of, unit_ids)
    liable = liable_for(session, community_id, list(owing))
    for unit_id, owed in owing.items():
        _record(session, community_id, unit_id, liable[unit_id], owed, "letter", actor)
    return len(owing)


def _owing(
    session: Session, community_id: int, as_of: date, unit_ids: Collection[int]
) -> dict[int, Fen]:
    ageing = arrears.ageing_by_unit(session, community_id, as_of, unit_ids=unit_ids)
    return {row.key: row.total for row in ageing}


def _record(
    session: Session,
    community_id: int,
    unit_id: int,
    who: Liable,
    owed: Fen,
    channel: str,
    actor: str,
) -> None:
    session.add(
        Reminder(
            community_id=community_id,
            unit_id=unit_id,
            party_id=who.party_id,
            channel=channel,
            owed_fen=owed,
            sent_at=clock.now(),
            actor=actor[:80],
        )
    )
    session.flush()


def _phone(session: Session, community_id: int, who: Liable | None) -> str:
    if who is None or who.party_id is None:
        return ""
    return registry.get_party(session, community_id, who.party_id).phone.strip()


def message_text(community: str, unit: str, owed: Fen, as_of: date) -> str:
    """The message: polite, the amount and the date, no threat (LAW.md 2)."""
    return (
        f"【{community}】尊敬的业主/住户您好：{unit}截至{as_of.year}年{as_of.month}月{as_of.day}日"
        f"尚有物业相关费用{owed}元未缴。"
        "如已缴纳请忽略本短信；如有疑问，欢迎到物业服务中心查询或缴纳。谢谢您的支持！"
    )


def history(session: Session, community_id: int, unit_id: int) -> list[Reminder]:
    """A unit's reminders, the latest first."""
    query = select(Reminder).where(
        Reminder.community_id == community_id, Reminder.unit_id == unit_id
    )
    return list(session.scalars(query.order_by(Reminder.sent_at.desc(), Reminder.id.desc())))
