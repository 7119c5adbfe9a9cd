"""Exports: a notice and its period's ledger as CSV and XLSX; the full books for a handover.

The notice exports read the frozen record, so they say exactly what was published. The
period ledger lists every entry of the notice's span with its postings, counterparties
masked as on the owners' pages. The handover archive (ZIP) holds everything a new
trustee or the committee needs to take over the books, in open formats:

    README.txt            what is where, and how to check it
    bundle.json           the whole log with its latest signed checkpoint: `sunshine verify`
                          takes the archive itself and checks it, and the voucher files
    accounts.csv          the chart
    entries.csv           every entry (number, date, period, narration, counterparty, …)
    postings.csv          every posting (entry, line, account, amount in fen and yuan)
    vouchers.csv          every voucher (hash, type, size, public copy's hash)
    vouchers/<sha256>     the files, originals and public copies, named by their hash
    checkpoints/<size>.txt  every signed checkpoint note, co-signatures included
    notices/<period>-v<n>.json  every published notice version, as logged

CSV files are UTF-8 with a byte-order mark, which Excel needs to read Chinese. Every CSV
and workbook is written by infra.spreadsheets, so no cell can run as a formula.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.infra import spreadsheets
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.transparency import service as transparency

Table = tuple[list[str], list[list[object]]]  # header, rows


def _yuan(fen: object) -> str:
    return Fen(int(str(fen))).plain()


def _lines(value: object) -> list[Mapping[str, object]]:
    assert isinstance(value, Mapping)  # the record's parts, as notice_record writes them
    lines = value["lines"]
    assert isinstance(lines, list)
    return lines


def notice_tables(record: Mapping[str, object]) -> dict[str, Table]:
    """The notice as tables (sheet name -> header and rows), amounts in yuan."""
    account = record["trust_account"]
    assert isinstance(account, Mapping)
    summary: list[list[object]] = [
        ["期间 period", f"{record['first']}..{record['period']}"],
        ["版本 version", record["version"]],
        ["发布日期 published on", record["published_on"]],
        [f"期初余额 opening ({account['opening_on']})", _yuan(account["opening_fen"])],
    ]
    for part, label in (("income", "收入"), ("spending", "支出"), ("remuneration", "受托人酬金")):
        block = record[part]
        assert isinstance(block, Mapping)
        summary.append([f"{label} {part}", _yuan(block["total_fen"])])
    summary.append(["往来及其他 other movements", _yuan(record["other_movements_fen"])])
    summary.append([f"期末余额 closing ({account['closing_on']})", _yuan(account["closing_fen"])])
    line_header = ["凭证号 entry", "日期 date", "摘要 narration", "科目 account", "科目名称 name",
                   "收款方 counterparty", "金额 amount", "凭证 vouchers"]  # fmt: skip
    tables: dict[str, Table] = {
        "公示 notice": (["项目 item", "金额 amount"], summary),
        "收入 income": (
            ["类别 stream", "名称 name", "金额 amount"],
            [
                [line["category"], line["name_zh"], _yuan(line["amount_fen"])]
                for line in _lines(record["income"])
            ],
        ),
    }
    for part, title in (("spending", "支出 spending"), ("remuneration", "酬金 remuneration")):
        rows: list[list[object]] = [
            [
                line["entry"],
                line["booked_on"],
                line["narration"],
                line["account"],
                line["account_zh"],
                line["counterparty"],
                _yuan(line["amount_fen"]),
                " ".join(str(v) for v in line["vouchers"]),  # type: ignore[attr-defined]
            ]
            for line in _lines(record[part])
        ]
        tables[title] = (line_header, rows)
    sections = record.get("sections") or []
    assert isinstance(sections, list)
    for section in sections:
        tables[str(section["title_zh"])[:31]] = _section_table(section)
    return tables


def _section_table(section: Mapping[str, object]) -> Table:
    """A section's rows in yuan, and its note (what the figures mean, or why there are none)."""
    columns = section["columns"]
    assert isinstance(columns, list)
    kinds = [c["kind"] for c in columns]
    rows: list[list[object]] = [
        [_yuan(cell) if kind == "fen" else cell for cell, kind in zip(row, kinds, strict=True)]
        for row in section["rows"]  # type: ignore[attr-defined]
    ]
    if section.get("note_zh") or section.get("note_en"):
        rows.append(["说明 note", section.get("note_zh", ""), section.get("note_en", "")])
    return [f"{c['name_zh']} {c['name_en']}" for c in columns], rows


def period_ledger(session: Session, community_id: int, *, first: Period, last: Period) -> Table:
    """Every posting of the span's entries, one row each, counterparties as owners see them."""
    accounts = {a.id: a for a in ledger.list_accounts(session, community_id)}
    entries = ledger.list_entries(
        session, community_id, first=first.first_day, last=last.last_day, limit=1_000_000
    )
    vouchers = ledger.vouchers_by_entry(session, community_id, [e.id for e in entries])
    header = ["凭证号 entry", "日期 date", "摘要 narration", "往来单位 counterparty", "行 line",
              "科目 account", "科目名称 name", "金额 amount", "金额（分） amount_fen",
              "冲销 reverses", "凭证 vouchers"]  # fmt: skip
    rows: list[list[object]] = [
        [
            entry.id,
            entry.booked_on.isoformat(),
            entry.narration,
            entry.public_counterparty,
            posting.line,
            accounts[posting.account_id].code,
            accounts[posting.account_id].name_zh,
            posting.amount.plain(),
            posting.amount.value,
            entry.reverses_id or "",
            " ".join(vouchers.get(entry.id, ())),
        ]
        for entry in sorted(entries, key=lambda e: e.id)
        for posting in entry.postings
    ]
    return header, rows


def csv_bytes(tables: Mapping[str, Table]) -> bytes:
    """One CSV: each table under a line naming it, separated by a blank line."""
    rows: list[Sequence[object]] = []
    for index, (name, (header, body)) in enumerate(tables.items()):
        if len(tables) > 1:
            if index:
                rows.append([])
            rows.append([f"# {name}"])
        rows += [header, *body]
    return spreadsheets.csv_bytes(rows)


def xlsx_bytes(tables: Mapping[str, Table]) -> bytes:
    """One workbook, a sheet per table, headers in bold."""
    book = spreadsheets.new_workbook()
    for name, (header, rows) in tables.items():
        sheet = spreadsheets.add_sheet(book, _sheet_name(name), header)
        for row in rows:
            spreadsheets.append_row(sheet, row)
    return spreadsheets.xlsx_bytes(book)


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31]


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return spreadsheets.csv_bytes([header, *rows])


def handover_archive(session: Session, ref: CommunityRef) -> bytes:
    """The full books in one ZIP (see the module docstring); `sunshine verify` checks it."""
    cid = ref.id
    # The archive carries the whole log, so it needs a checkpoint of the whole log.
    size = transparency.sign_checkpoint(session, cid, origin=ref.origin).tree_size
    bundle = transparency.build_bundle(session, cid, origin=ref.origin, seqs=range(size))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(ref, size))
        archive.writestr("bundle.json", json.dumps(bundle, ensure_ascii=False))
        _write_books(session, cid, archive)
        for checkpoint in transparency.list_checkpoints(session, cid):
            note = transparency.signed_note(session, cid, checkpoint).text()
            archive.writestr(f"checkpoints/{checkpoint.tree_size}.txt", note)
        versions = session.scalars(
            select(NoticeVersion)
            .where(NoticeVersion.community_id == cid)
            .order_by(NoticeVersion.period, NoticeVersion.version)
        )
        for version in versions:
            archive.writestr(f"notices/{version.period}-v{version.version}.json", version.body)
    return out.getvalue()


def _write_books(session: Session, cid: int, archive: zipfile.ZipFile) -> None:
    accounts = ledger.list_accounts(session, cid)
    by_id = {a.id: a.code for a in accounts}
    archive.writestr(
        "accounts.csv",
        _csv(
            [
                "code",
                "name_zh",
                "name_en",
                "kind",
                "category",
                "parent_code",
                "opened_on",
                "closed_on",
            ],
            [
                [
                    a.code,
                    a.name_zh,
                    a.name_en,
                    a.kind.value,
                    a.category.value,
                    a.parent_code or "",
                    a.opened_on.isoformat(),
                    a.closed_on.isoformat() if a.closed_on else "",
                ]
                for a in accounts
            ],
        ),
    )
    entries = sorted(
        ledger.list_entries(session, cid, limit=10_000_000), key=lambda entry: entry.id
    )
    archive.writestr(
        "entries.csv",
        _csv(
            [
                "entry",
                "booked_on",
                "period",
                "narration",
                "counterparty",
                "counterparty_is_person",
                "budget_line",
                "reverses",
                "reason",
                "source",
                "external_id",
                "posted_at",
            ],
            [
                [
                    e.id,
                    e.booked_on.isoformat(),
                    str(e.period),
                    e.narration,
                    e.counterparty,
                    int(e.counterparty_is_person),
                    e.budget_line or "",
                    e.reverses_id or "",
                    e.reason,
                    e.source,
                    e.external_id or "",
                    e.posted_at.isoformat(),
                ]
                for e in entries
            ],
        ),
    )
    archive.writestr(
        "postings.csv",
        _csv(
            ["entry", "line", "account", "booked_on", "amount_fen", "amount", "memo"],
            [
                [
                    e.id,
                    p.line,
                    by_id[p.account_id],
                    p.booked_on.isoformat(),
                    p.amount.value,
                    p.amount.plain(),
                    p.memo,
                ]
                for e in entries
                for p in e.postings
            ],
        ),
    )
    vouchers = ledger.list_vouchers(session, cid)
    archive.writestr(
        "vouchers.csv",
        _csv(
            ["sha256", "media_type", "size_bytes", "public_sha256", "uploaded_at"],
            [
                [
                    v.sha256,
                    v.media_type,
                    v.size_bytes,
                    v.public_sha256 or "",
                    v.uploaded_at.isoformat(),
                ]
                for v in vouchers
            ],
        ),
    )
    for sha in sorted({h for v in vouchers for h in (v.sha256, v.public_sha256) if h}):
        archive.writestr(f"vouchers/{sha}", ledger.voucher_bytes(sha))


def _readme(ref: CommunityRef, size: int) -> str:
    return (
        f"{ref.name}（{ref.code}）信托账簿移交包 / trust books handover archive\n\n"
        f"公开日志 {ref.origin}，共 {size} 条记录。/ Log {ref.origin}, {size} records.\n\n"
        "核验 / Verify:  sunshine verify <this file>.zip --key <小区公示的公钥 / the printed key>\n"
        "  检查签名、每条记录与日志根哈希、凭证文件与其哈希一致。\n"
        "  Checks the signature, every record against the signed root, and each voucher file "
        "against its hash.\n\n"
        "文件 / Files: accounts.csv, entries.csv, postings.csv (amount_fen = 分 / fen), "
        "vouchers.csv, vouchers/<sha256>, checkpoints/<size>.txt, notices/<period>-v<n>.json, "
        "bundle.json\n"
    )
