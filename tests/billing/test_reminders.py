"""Reminders: sent to the liable person's phone, recorded, at most once a week per unit;
public figures: no names, no rooms unless the community allows them, never room amounts."""

from __future__ import annotations

import dataclasses
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.service import public
from sunshine.billing.service import reminders
from sunshine.billing.service import terms
from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import community_with_units
from tests.billing.builders import item

AS_OF = date(2024, 11, 15)
TEMPLATES = Path(__file__).resolve().parents[2] / "src/sunshine/templates/billing"
CUT_OFF_WORDS = ("停水", "停电", "断水", "断电", "停气", "断气", "停暖", "停止供暖", "断暖", "限电",
                 "cut off", "disconnect")  # fmt: skip


class Phone:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))


def _owing(session: Session) -> Place:
    """Three units billed for September: the first with a phone, the second without, the
    third paid."""
    place = community_with_units(session, ["100.00"] * 3, owners=False)
    for n, unit in enumerate(place.units):
        party = registry.add_party(
            session, place.community_id, name=f"张{n}", phone="13800138000" if n == 0 else ""
        )
        registry.set_owner(session, place.community_id, unit_id=unit, party_id=party.id)
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    billing.take_payment(
        session, community_id=place.community_id, unit_id=place.units[2], amount=Fen(10000),
        method="cash", reference="", received_at=datetime(2024, 10, 2, tzinfo=UTC), actor="c",
    )  # fmt: skip
    return place


def _send(session: Session, place: Place, phone: Phone) -> reminders.Sent:
    return reminders.send_reminders(
        session, place.community_id, place.units, as_of=AS_OF, actor="clerk",
        community_name="阳光小区", sender=phone,
    )  # fmt: skip


def test_reminders_are_sent_recorded_and_throttled(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = _owing(session)
    now = datetime(2024, 11, 15, 2, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: now)
    phone = Phone()
    sent = _send(session, place, phone)
    assert sent.sent == [place.units[0]]
    assert sent.no_phone == [place.units[1]]
    assert sent.nothing_owed == [place.units[2]]
    [(number, text)] = phone.sent
    assert number == "13800138000"
    assert "100.00元" in text
    assert "1-1-101" in text
    assert not any(word in text for word in CUT_OFF_WORDS)
    [history] = reminders.history(session, place.community_id, place.units[0])
    assert (history.channel, history.owed_fen, history.actor) == ("sms", Fen(10000), "clerk")

    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=6))
    again = _send(session, place, phone)
    assert again.too_soon == [place.units[0]]
    assert len(phone.sent) == 1
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=7))
    assert _send(session, place, phone).sent == [place.units[0]]
    assert len(reminders.history(session, place.community_id, place.units[0])) == 2


def test_the_reminder_list_shows_who_owes_and_the_last_reminder(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = _owing(session)
    now = datetime(2024, 11, 15, 2, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: now)
    _send(session, place, Phone())
    reminders.record_letters(
        session, place.community_id, [place.units[1]], as_of=AS_OF, actor="clerk"
    )
    rows = reminders.reminder_list(session, place.community_id, AS_OF)
    assert [(r.number, r.liable.name, r.owed, r.oldest_band) for r in rows] == [
        ("1-1-101", "张0", Fen(10000), "31-90"),
        ("1-1-102", "张1", Fen(10000), "31-90"),
    ]
    assert all(row.last_reminded == clock.local(now) for row in rows)


def test_public_figures_name_nobody_and_no_room_unless_allowed(session: Session) -> None:
    place = _owing(session)
    cid = place.community_id
    figures = public.public_arrears(session, cid, AS_OF)
    rates = public.public_collection_rates(session, cid, [SEPT])
    shown = repr(figures) + repr(rates)
    assert "张" not in shown
    assert "1-1-" not in shown
    assert "138" not in shown
    assert not figures.rooms_shown
    assert [(b.band, b.total, b.units) for b in figures.bands] == [
        ("0-30", Fen(0), 0), ("31-90", Fen(20000), 2), ("91-180", Fen(0), 0),
        ("over-180", Fen(0), 0),
    ]  # fmt: skip
    assert figures.total == Fen(20000)
    [rate] = rates
    assert (rate.item, rate.paid, rate.billed, rate.percent) == (
        "物业服务费", Fen(10000), Fen(30000), "33.3%",
    )  # fmt: skip

    terms.set_terms(session, cid, late_fee_bp=0, public_rooms=True)
    allowed = public.public_arrears(session, cid, AS_OF)
    assert allowed.rooms_shown
    assert allowed.bands[1].rooms == ("1-1-101", "1-1-102")
    assert "张" not in repr(allowed)
    for band in allowed.bands:  # a band carries its total, never an amount per room
        assert {f.name for f in dataclasses.fields(band)} == {"band", "total", "units", "rooms"}


def test_no_template_offers_cutting_off_utilities() -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in TEMPLATES.glob("*.html")}
    assert texts
    for name, text in texts.items():
        for word in CUT_OFF_WORDS:
            assert word not in text, f"{name} mentions {word}"
