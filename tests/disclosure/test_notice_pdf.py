"""The printable A4 notice: 荆川东园's October 2024 record, rendered and read back with pypdf.

Records are built by hand with `notice_record` (no database), so these tests check the
print alone: one A4 page, the paper notice's figures, embedded fonts, corrections, the
checkpoint's fingerprint, and that rendering never reaches the network.
"""

from __future__ import annotations

import io
import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from html import escape

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ArrayObject
from pypdf.generic import DictionaryObject
from pypdf.generic import IndirectObject

from sunshine.disclosure.rules.notice import Line
from sunshine.disclosure.rules.notice import NoticeFigures
from sunshine.disclosure.rules.notice import PrintedCheckpoint
from sunshine.disclosure.rules.notice import Revision
from sunshine.disclosure.rules.notice import notice_record
from sunshine.disclosure.rules.notice import short_fingerprint
from sunshine.disclosure.service.cosigning import CosignStatus
from sunshine.disclosure.service.notice_pdf import notice_pdf
from sunshine.disclosure.service.notice_pdf import notice_print_html
from sunshine.disclosure.service.notice_pdf import period_en
from sunshine.disclosure.service.notice_pdf import period_zh
from sunshine.infra.pdf import STATIC_DIR
from sunshine.infra.pdf import LocalFetcher
from sunshine.infra.pdf import html_to_pdf
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section

OCTOBER = Period(2024, 10)
VERIFY_URL = "https://sunshine.example.org/c/jcdy/verify?period=2024-10&version=1&root=3f2a9c1b"
CHECKPOINT = PrintedCheckpoint(
    tree_size=1234,
    root_hash=bytes.fromhex("3f2a9c1b77e012d4") + bytes(range(24)),
    signed_at="2024-11-05T02:00:00+00:00",
    signers=("sunshine-platform", "jcdy-committee"),
)
COSIGNED = CosignStatus(signed=1, members=1, threshold=1)


def sha(prefix: str) -> str:
    """A fake voucher sha256 that starts with `prefix` (8 hex digits)."""
    return prefix + "0" * 56


def spent(
    entry: int,
    day: int,
    narration: str,
    account: str,
    account_zh: str,
    yuan: str,
    counterparty: str,
    voucher: str,
) -> Line:
    """A spending line of October 2024 with one (fake) voucher."""
    booked_on = date(2024, 10, day)
    amount = Fen.parse(yuan)
    return Line(
        entry,
        booked_on,
        narration,
        account,
        account_zh,
        account_zh,
        counterparty,
        amount,
        (sha(voucher),),
    )


# SCENARIO.md's "10月份支出表", as the demo books it (payees invented, wages masked).
WATER = spent(
    11, 8, "10月公共用水", "660801", "水费", "23.58", "常州通用自来水有限公司", "a1b2c3d4"
)
POWER = spent(12, 10, "10月公共用电", "660802", "电费", "195.00", "国网常州供电分公司", "b2c3d4e5")
WAGES = spent(
    13,
    15,
    "10月人员工资（门岗、保洁）",
    "6601",
    "人员工资及社保",
    "5300.00",
    "王**、李**",
    "c3d4e5f6",
)
GATE = spent(
    14, 25, "更换道闸系统", "6602", "设施设备维护", "4100.00", "常州道闸设备公司", "3f2a9c1b"
)

BUDGET = Section(
    key="budget",
    title_zh="预算执行情况",
    title_en="Budget against actual",
    columns=(
        Column("line", "预算项目", "budget line"),
        Column("budget", "年度预算", "year's budget", CellKind.FEN),
        Column("month", "本月实际", "this month", CellKind.FEN),
        Column("entries", "笔数", "entries", CellKind.COUNT),
    ),
    rows=(
        ("人员工资", 6_360_000, 530_000, 1),
        ("公共水电", 300_000, 21_858, 2),
        ("设施设备维护", 2_000_000, 410_000, 1),
    ),
    note_zh="年度预算经业主意见征求确定。",
    note_en="The year's budget follows the owners' consultation.",
)


def october(
    *,
    spending: tuple[Line, ...] = (WATER, POWER, WAGES, GATE),
    remuneration: tuple[Line, ...] = (),
    sections: tuple[Section, ...] = (BUDGET,),
    closing: Fen | None = None,
) -> NoticeFigures:
    opening, income = Fen.parse("50000.00"), Fen.parse("10200.00")
    paid = sum((line.amount for line in (*spending, *remuneration)), Fen(0))
    return NoticeFigures(
        community_code="jcdy",
        community_name="荆川东园",
        first=OCTOBER,
        last=OCTOBER,
        opening=opening,
        closing=closing if closing is not None else opening + income - paid,
        income={"parking_rent": Fen.parse("7200.00"), "garbage_fee": Fen.parse("3000.00")},
        spending=spending,
        remuneration=remuneration,
        sections=sections,
    )


def version_one(figures: NoticeFigures | None = None) -> dict[str, object]:
    return notice_record(figures or october(), version=1, published_on=date(2024, 11, 5))


def render(record: dict[str, object]) -> PdfReader:
    return PdfReader(
        io.BytesIO(
            notice_pdf(record, checkpoint=CHECKPOINT, cosign=COSIGNED, verify_url=VERIFY_URL)
        )
    )


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[list[str]]:
    """Record every attempt to resolve a name or open a connection; there must be none.

    Module-scoped so it is in place before the shared October PDF is rendered. Recorded
    rather than only raised, because WeasyPrint turns a fetcher's exception into a warning.
    """
    attempts: list[str] = []

    def refuse(*args: object, **_kwargs: object) -> None:
        attempts.append(repr(args))
        raise OSError("network access is refused in this test module")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield attempts
    assert attempts == []


@pytest.fixture(scope="module")
def october_pdf() -> PdfReader:
    return render(version_one())


def test_short_fingerprint_groups_the_first_16_hex_digits_in_fours() -> None:
    assert short_fingerprint(bytes.fromhex("3f2a9c1b77e012d4ffee")) == "3F2A 9C1B 77E0 12D4"
    assert CHECKPOINT.fingerprint == "3F2A 9C1B 77E0 12D4"


def test_the_october_notice_is_one_a4_page(october_pdf: PdfReader) -> None:
    assert len(october_pdf.pages) == 1
    box = october_pdf.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.28, abs=1)
    assert float(box.height) == pytest.approx(841.89, abs=1)


def test_the_october_notice_reproduces_the_paper_spending_table(october_pdf: PdfReader) -> None:
    text = text_of(october_pdf)
    for expected in (
        "荆川东园",
        "2024年10月",
        "信托资金收支公示",
        "第1版",
        "10月份支出表",
        "水费",
        "电费",
        "人员工资",
        "更换道闸系统",
        "合计",
        "23.58",
        "195.00",
        "5,300.00",
        "4,100.00",
        "9,618.58",
        "王**、李**",
        "4 10月25日 更换道闸系统 设施设备维护 常州道闸设备公司 4,100.00 4",  # voucher 4
    ):
        assert expected in text, expected
    assert "王建国" not in text
    assert "a1b2c3d4" not in text
    assert "3f2a9c1b" not in text


def test_the_october_notice_reconciles_the_trust_account(october_pdf: PdfReader) -> None:
    text = text_of(october_pdf)
    for expected in (
        "期初余额（2024年9月30日）",
        "50,000.00",
        "车位租金",
        "7,200.00",
        "生活垃圾清运费",
        "3,000.00",
        "10,200.00",
        "期末余额（2024年10月31日）",
        "50,581.42",
        "受托人酬金",
        "本期无",
        "公示日期 2024年11月5日",
    ):
        assert expected in text, expected
    assert "往来及其他" not in text  # nothing moved outside income and spending


def test_the_notice_prints_the_checkpoint_and_signature_blocks(october_pdf: PdfReader) -> None:
    text = text_of(october_pdf)
    for expected in (
        "3F2A 9C1B 77E0 12D4",
        "日志记录数 1,234",
        "委员会 1/1 名委员已联署",
        "用手机扫码核验：公示内容与公开日志一致、日志未被改写",
        "受托人（物业服务企业）签章",
        "物管会/业委会 签字",
        "预算执行情况",
        "63,600.00",
        "218.58",
    ):
        assert expected in text, expected
    assert "committee" not in text  # the committee's role and count, not its keys' names
    assert "sunshine-platform" not in text
    assert text.count("日期 _____年___月___日") == 2  # the trustee's and the committee's
    assert "2024年11月5日公示并签署" in text
    assert "log size" not in text
    assert "Trust account" not in text


def dictionary(value: object) -> DictionaryObject:
    """A PDF dictionary, following an indirect reference."""
    resolved = value.get_object() if isinstance(value, IndirectObject) else value
    assert isinstance(resolved, DictionaryObject), resolved
    return resolved


def test_the_fonts_are_embedded(october_pdf: PdfReader) -> None:
    fonts = dictionary(dictionary(october_pdf.pages[0]["/Resources"])["/Font"])
    names = []
    for ref in fonts.values():
        font = dictionary(ref)
        names.append(str(font["/BaseFont"]))
        if "/DescendantFonts" in font:  # a CID font: the outlines hang off its descendant
            descendants = font["/DescendantFonts"].get_object()
            assert isinstance(descendants, ArrayObject)
            font = dictionary(descendants[0])
        descriptor = dictionary(font["/FontDescriptor"])
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), names[-1]
    assert len(names) >= 2  # regular and bold
    assert all("Noto-Sans-CJK-SC" in name or "DejaVu" in name for name in names), names
    assert any("Noto-Sans-CJK-SC" in name for name in names), names


def test_the_print_view_carries_the_qr_code_of_the_verify_url() -> None:
    html = notice_print_html(
        version_one(), checkpoint=CHECKPOINT, cosign=COSIGNED, verify_url=VERIFY_URL
    )
    qr = segno.make(VERIFY_URL, error="m").svg_inline(scale=1, border=3, omitsize=True)
    assert qr in html
    assert "<img" not in html
    printed = '<span class="mono url">sunshine.example.org/c/jcdy/verify</span>'
    assert printed in html  # a short address to type, not the raw URL
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")
    assert escape(VERIFY_URL) not in html


def test_the_print_view_escapes_what_the_books_say() -> None:
    line = spent(15, 26, "<b>水管</b>", "6602", "维护", "1.00", "A&B", "deadbeef")
    html = notice_print_html(
        version_one(october(spending=(line,))),
        checkpoint=CHECKPOINT,
        cosign=COSIGNED,
        verify_url=VERIFY_URL,
    )
    assert "&lt;b&gt;水管&lt;/b&gt;" in html
    assert "A&amp;B" in html


def test_a_correction_says_what_it_corrects_with_the_amounts_before_and_after() -> None:
    v1 = version_one()
    fixed = spent(
        12, 10, "10月公共用电", "660802", "电费", "159.00", "国网常州供电分公司", "b2c3d4e5"
    )
    budget = replace(
        BUDGET, rows=(BUDGET.rows[0], ("公共水电", 300_000, 18_258, 2), BUDGET.rows[2])
    )
    v2 = notice_record(
        october(spending=(WATER, fixed, WAGES, GATE), sections=(budget,)),
        version=2,
        published_on=date(2024, 11, 12),
        revision=Revision(1, "电费金额更正"),
        previous=v1,
    )
    reader = render(v2)
    text = text_of(reader)
    assert len(reader.pages) == 1
    for expected in (
        "第2版（更正）",
        "本版更正第1版：电费金额更正",
        "支出 · 10月公共用电（分录 12）：195.00 → 159.00",
        "信托账户 · 期末余额：50,581.42 → 50,617.42",
        "预算执行情况 · 公共水电：3,000.00 / 218.58 / 2 → 3,000.00 / 182.58 / 2",
        "9,582.58",
        "公示日期 2024年11月12日",
    ):
        assert expected in text, expected


def test_only_a_notice_record_is_printed() -> None:
    record = {**version_one(), "format": "sunshine.notice/0"}
    with pytest.raises(ValueError, match=r"not a notice record of format sunshine\.notice/1"):
        notice_print_html(record, checkpoint=CHECKPOINT, cosign=COSIGNED, verify_url=VERIFY_URL)


def test_remuneration_and_other_movements_are_printed_when_there_are_any() -> None:
    pay = spent(
        16, 31, "10月受托人酬金", "6610", "受托人酬金", "1500.00", "常州鼎盛物业", "e5f6a7b8"
    )
    # 50,000 + 10,200 - 9,618.58 - 1,500 = 49,081.42; the bank says 100.00 more came in.
    figures = october(remuneration=(pay,), closing=Fen.parse("49181.42"))
    text = text_of(render(version_one(figures)))
    assert "10月受托人酬金" in text
    assert "1,500.00" in text
    assert "本期无" not in text
    assert "加：往来及其他 100.00" in text


def test_a_notice_with_fifty_lines_runs_on_and_totals_right() -> None:
    lines = tuple(
        spent(
            100 + n,
            1 + n % 28,
            f"零星维修第{n}项",
            "6602",
            "维护",
            f"{n}.{n:02d}",
            "维修班组",
            f"{n:08x}",
        )
        for n in range(1, 51)
    )
    reader = render(version_one(october(spending=lines)))
    text = text_of(reader)
    total = sum((line.amount for line in lines), Fen(0))
    assert str(total) == "1,287.75"
    assert f"合计 {total}" in text
    assert "50 10月23日 零星维修第50项 维护 维修班组 50.50 50" in text
    assert len(reader.pages) == 2
    assert text.count("序号") == 2  # the table's heading is repeated on the second page
    assert "第 2 / 2 页" in text


def test_a_notice_over_several_months_names_the_span() -> None:
    assert period_zh(Period(2024, 10), Period(2024, 12)) == "2024年10月—12月"
    assert period_zh(Period(2024, 12), Period(2025, 1)) == "2024年12月—2025年1月"
    assert period_zh(OCTOBER, OCTOBER) == "2024年10月"
    assert period_en(Period(2024, 10), Period(2024, 12)) == "October–December 2024"


def test_the_pdf_fetcher_refuses_the_network_and_files_outside_static() -> None:
    fetcher = LocalFetcher()
    for url in (
        "http://example.org/a.png",
        "https://example.org/a.css",
        "ftp://example.org/a",
        "file:///etc/hostname",
        STATIC_DIR.as_uri() + "/../templates/base.html",
        "file://example.org" + STATIC_DIR.as_posix() + "/sunshine.css",
    ):
        with pytest.raises(ValueError, match="refused to fetch"):
            fetcher.fetch(url)
    css = fetcher.fetch(STATIC_DIR.as_uri() + "/sunshine.css")
    assert css.content_type == "text/css"
    assert css.read() == (STATIC_DIR / "sunshine.css").read_bytes()
    assert fetcher.fetch("data:text/plain;base64,5rC06LS5").read() == "水费".encode()


def test_a_page_that_names_remote_resources_still_renders_offline(no_network: list[str]) -> None:
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<style>@import url("http://example.org/y.css"); @page { size: A4 }</style></head>'
        '<body><img src="http://example.org/logo.png"><p>公示</p></body></html>'
    )
    text = text_of(PdfReader(io.BytesIO(html_to_pdf(html))))
    assert "公示" in text
    assert no_network == []


def test_the_notice_prints_in_english_only_when_english_is_chosen() -> None:
    budget = Section(
        key="budget",
        title_zh="预算执行情况",
        title_en="Budget vs actual",
        columns=(
            Column("line", "预算项目", "Budget line", lang="zh"),
            Column("actual", "本期实际", "Actual", CellKind.FEN),
            Column("line_en", "预算项目", "Budget line", lang="en"),
        ),
        rows=(("车位租金", 720_000, "Parking rent"),),
    )
    record = version_one(october(sections=(budget,)))
    english = notice_print_html(
        record, checkpoint=CHECKPOINT, cosign=COSIGNED, verify_url=VERIFY_URL, locale="en"
    )
    chinese = notice_print_html(
        record, checkpoint=CHECKPOINT, cosign=COSIGNED, verify_url=VERIFY_URL
    )

    for expected in ("Trust fund income and spending notice", "October 2024", "Published on 5 Nov 2024",
                     "Opening balance", "Parking rent", "Budget vs actual", "Total"):  # fmt: skip
        assert expected in english, expected
    for label in ("信托资金收支公示", "期初余额", "合计", "车位租金", "凭证", "本期实际"):
        assert label not in english, label
    assert "车位租金" in chinese
    assert "Parking rent" not in chinese
    assert "Budget vs actual" not in chinese
    assert '<html lang="en">' in english


def test_a_notice_signed_long_after_it_was_published_says_both_days() -> None:
    late = replace(CHECKPOINT, signed_at="2026-12-03T19:31:19+00:00")  # 4 Dec in Shanghai
    chinese = notice_print_html(
        version_one(), checkpoint=late, cosign=COSIGNED, verify_url=VERIFY_URL
    )
    english = notice_print_html(
        version_one(), checkpoint=late, cosign=COSIGNED, verify_url=VERIFY_URL, locale="en"
    )
    assert "2024年11月5日公示；2026年12月4日签署（晚于公示日期" in chinese
    assert "Published on 5 Nov 2024; signed on 4 Dec 2026, later than it was published" in english


def test_the_print_says_how_far_the_committee_co_signed_in_the_notice_s_language() -> None:
    def said(status: CosignStatus, locale: str = "zh_CN") -> str:
        page = notice_print_html(
            version_one(),
            checkpoint=CHECKPOINT,
            cosign=status,
            verify_url=VERIFY_URL,
            locale=locale,
        )
        return re.sub(r"\s+", " ", page)

    none, part = CosignStatus(0, 3, 2), CosignStatus(1, 3, 2)

    assert "尚未联署，还需 2 名委员联署" in said(none)
    assert "Not yet co-signed; 2 more needed" in said(none, "en")
    assert "委员会 1/3 名委员已联署，还需 1 名委员联署" in said(part)
    assert "Co-signed by 1 of 3 committee members; 1 more needed" in said(part, "en")
    assert "jcdy-committee" not in said(part) + said(part, "en")
