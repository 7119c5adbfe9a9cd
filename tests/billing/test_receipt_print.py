"""Receipts and reminder letters on paper: Chinese PDFs read back, and the CLI that writes one."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.service import printing
from sunshine.billing.service import terms
from sunshine.entrypoints.cli import app
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from tests.billing.builders import SEPT
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.billing.test_reminders import CUT_OFF_WORDS


def _text(pdf: bytes) -> tuple[str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    return text, (
        float(box.width),
        float(box.height),
    )


def _paid(session: Session) -> tuple[int, str, list[int]]:
    place = community_with_units(session, ["100.00", "100.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    billing.take_payment(
        session, community_id=place.community_id, unit_id=place.units[0], amount=Fen(12000),
        method="cash", reference="", received_at=datetime(2024, 10, 8, 2, tzinfo=UTC), actor="c",
    )  # fmt: skip
    return place.community_id, place.community.code, place.units


def test_a_receipt_prints_in_chinese_on_a4_or_half_a4(cli_database: Engine, tmp_path: Path) -> None:
    with Session(cli_database) as session:
        cid, code, _units = _paid(session)
        session.commit()
        view = printing.receipt_view(session, cid, "阳光小区", 1)
    assert (view.amount, view.prepaid, view.unit) == (Fen(12000), Fen(2000), "1-1-101")
    text, (width, height) = _text(printing.receipt_pdf(view))
    assert "收款收据" in text
    assert "壹佰贰拾元整" in text
    assert view.check_code in text
    assert height > width  # A4, portrait
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(app, ["billing", "receipt", code, "1", "--pdf", str(out), "--half"])
    assert result.exit_code == 0, result.output
    text, (width, height) = _text(out.read_bytes())
    assert "收款收据" in text
    assert width > height
    assert round(width) == 595  # an A4's short side, in points
    shown = CliRunner().invoke(app, ["billing", "receipt", code, "1"])
    assert "壹佰贰拾元整" in shown.output
    assert (
        "1-1-102"
        in CliRunner().invoke(app, ["billing", "arrears", code, "--on", "2024-11-01"]).output
    )
    set_terms = ["billing", "terms", code, "--late-fee-bp", "5", "--clause", "第十二条"]
    assert "万分之5" in CliRunner().invoke(app, set_terms).output
    missing = CliRunner().invoke(app, ["billing", "receipt", code, "9"])
    assert isinstance(missing.exception, NotFound)


def test_letters_state_each_item_and_flag_a_late_fee(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        cid, _, units = _paid(session)
        as_of = date(2024, 10, 31)
        [letter] = printing.letters(session, cid, as_of, units)  # the first unit paid
        assert (letter.unit, letter.owed, letter.late_fee) == ("1-1-102", Fen(10000), Fen(0))
        plain, _ = _text(printing.letters_pdf(session, cid, "阳光小区", as_of, [letter]))
        assert "缴费提醒函" in plain
        assert "壹佰元整" in plain
        assert "违约金" not in plain
        terms.set_terms(session, cid, late_fee_bp=5, clause_ref="第十二条")
        [letter] = printing.letters(session, cid, as_of, units)
        assert letter.late_fee == Fen(155)  # 31 days at 万分之五
        html = printing.letters_html(session, cid, "阳光小区", as_of, [letter])
        assert "违约金" in html
        assert "可由法院酌减" in html
        assert "Civil Code art. 585" in html
        assert not any(word in html for word in CUT_OFF_WORDS)
        session.rollback()
