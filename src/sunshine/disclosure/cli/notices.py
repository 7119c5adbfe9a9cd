"""`sunshine notice …`: publish a monthly notice, print it, export its bundle, list the calendar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sunshine.disclosure.rules import schedule as schedule_rules
from sunshine.disclosure.service import cosigning
from sunshine.disclosure.service import exports
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import shown_columns

app = typer.Typer(no_args_is_help=True, help="Monthly notices: publish, print, bundle, calendar.")
console = Console()

Community = Annotated[str, typer.Option("--community", "-c", help="Community code, e.g. jcdy.")]
PeriodOption = Annotated[str, typer.Option("--period", "-p", help="The notice's month, YYYY-MM.")]
Version = Annotated[int | None, typer.Option(help="A version; default the latest.")]
Out = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]
Lang = Annotated[str, typer.Option("--lang", help="The notice's language: zh_CN or en.")]


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        raise typer.BadParameter(f"not a month (YYYY-MM): {text}", param_hint="--period") from None


@app.command("publish")
def publish(
    community: Community,
    period: PeriodOption,
    reason: Annotated[str, typer.Option(help="Why a new version corrects the published one.")] = "",
) -> None:
    """Freeze the notice: append it to the public log and sign a checkpoint."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        version = notices.publish_notice(
            session, ref, period=_period(period), actor_id=None, today=clock.today(), reason=reason
        )
        printed = notices.printed_checkpoint(session, ref.id, version)
        session.commit()
    typer.echo(
        f"published {ref.code} {version.period} v{version.version}: log record {version.log_seq}, "
        f"checkpoint {printed.tree_size} ({printed.fingerprint})"
    )


@app.command("pdf")
def pdf(
    community: Community,
    period: PeriodOption,
    out: Out,
    version: Version = None,
    lang: Lang = "zh_CN",
) -> None:
    """Write the printable A4 notice for the board (a published version) as PDF."""
    from sunshine.disclosure.service.notice_pdf import notice_pdf  # WeasyPrint loads slowly

    with open_session() as session:
        ref = tenancy.resolve(session, community)
        found = notices.get_notice(session, ref.id, _period(period), version)
        printed = notices.printed_checkpoint(session, ref.id, found)
        url = notices.verify_url(ref, found, printed)
        record = notices.record_of(found)
        cosign = cosigning.status_of(session, ref.id, found)
    page = notice_pdf(record, checkpoint=printed, cosign=cosign, verify_url=url, locale=lang)
    out.write_bytes(page)
    typer.echo(f"wrote {out} ({ref.code} {found.period} v{found.version}; verify at {url})")


@app.command("bundle")
def bundle(
    community: Community,
    period: PeriodOption,
    out: Out,
    version: Version = None,
    since: Annotated[
        int | None, typer.Option(help="Size of a checkpoint you saved: adds the consistency proof.")
    ] = None,
) -> None:
    """Export what `sunshine verify` checks: the notice's record, proof and checkpoint."""
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        data = notices.notice_bundle(
            session, ref, period=_period(period), version=version, since=since
        )
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    typer.echo(f"wrote {out}; check it with: sunshine verify {out} --key <the printed key>")


@app.command("show")
def show(community: Community, period: PeriodOption, version: Version = None) -> None:
    """Print a published notice's figures (or, with no published version, a preview)."""
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        month = _period(period)
        found = notices.find_latest(session, ref.id, month) if version is None else None
        if version is not None:
            found = notices.get_notice(session, ref.id, month, version)
        record = (
            notices.record_of(found)
            if found is not None
            else notices.preview(session, ref, period=month, today=clock.today())
        )
    _print_record(record, published=found is not None)


def _print_record(record: dict[str, object], *, published: bool) -> None:
    state = f"v{record['version']}" if published else "preview / 预览（未发布）"
    table = Table(title=f"{record['period']} {state}")
    table.add_column("项目 / item")
    table.add_column("金额 / amount", justify="right")
    account = record["trust_account"]
    assert isinstance(account, dict)
    table.add_row("期初余额 / opening", _yuan(account["opening_fen"]))
    for part, label in (("income", "收入"), ("spending", "支出"), ("remuneration", "酬金")):
        block = record[part]
        assert isinstance(block, dict)
        for line in block["lines"]:
            name = line.get("name_zh") or line.get("narration")
            table.add_row(f"  {label}: {name}", _yuan(line["amount_fen"]))
        table.add_row(f"{label}合计 / {part} total", _yuan(block["total_fen"]))
    table.add_row("往来及其他 / other movements", _yuan(record["other_movements_fen"]))
    table.add_row("期末余额 / closing", _yuan(account["closing_fen"]))
    console.print(table)
    sections = record.get("sections")
    for section in sections if isinstance(sections, list) else []:
        _print_section(section)


def _print_section(section: dict[str, Any]) -> None:
    """A part's section as the Chinese page shows it: its columns but the English names."""
    title = f"{section['title_zh']} / {section['title_en']}"
    if not section["rows"]:  # nothing to tabulate: the note says why
        console.print(f"{title}\n  {section['note_zh']}")
        return
    shown = shown_columns(section["columns"], "zh_CN")
    table = Table(title=title, caption=section["note_zh"] or None)
    for i in shown:
        column = section["columns"][i]
        table.add_column(column["name_zh"], justify="left" if column["kind"] == "text" else "right")
    for row in section["rows"]:
        table.add_row(*(_cell(row[i], section["columns"][i]["kind"]) for i in shown))
    console.print(table)


def _cell(value: object, kind: str) -> str:
    if kind == "fen":
        return _yuan(value)
    return f"{value:,}" if kind == "count" else str(value)


def _yuan(value: object) -> str:
    return str(Fen(int(str(value))))


@app.command("calendar")
def calendar(community: Community) -> None:
    """List every notice whose period has ended: published, due or overdue."""
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        slots = schedule.calendar(session, ref.id, today=clock.today())
    table = Table(title=f"{ref.name} 公示日历 / publishing calendar")
    for column in ("期间 / period", "截止 / due", "状态 / status", "发布 / published"):
        table.add_column(column)
    for slot in slots:
        span = str(slot.last) if slot.first == slot.last else f"{slot.first}–{slot.last}"
        published = slot.published_on.isoformat() if slot.published_on else ""
        table.add_row(span, slot.due_on.isoformat(), slot.status.value, published)
    console.print(table)


@app.command("export")
def export(
    community: Community,
    period: PeriodOption,
    out: Out,
    version: Version = None,
    ledger: Annotated[
        bool, typer.Option("--ledger", help="The period's ledger instead of the notice.")
    ] = False,
) -> None:
    """Write a published notice (or, with --ledger, its period's ledger) as CSV or XLSX.

    The format follows the suffix of --out: .csv or .xlsx.
    """
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("csv", "xlsx"):
        raise typer.BadParameter("name the file .csv or .xlsx", param_hint="--out")
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        found = notices.get_notice(session, ref.id, _period(period), version)
        tables = (
            {
                "账目 ledger": exports.period_ledger(
                    session, ref.id, first=found.first, last=found.period
                )
            }
            if ledger
            else exports.notice_tables(notices.record_of(found))
        )
    out.write_bytes(exports.csv_bytes(tables) if kind == "csv" else exports.xlsx_bytes(tables))
    typer.echo(f"wrote {out}")


def handover(
    community: Community,
    out: Out,
) -> None:
    """Write the full books for a trustee handover: entries, vouchers, log, checkpoints, notices.

    `sunshine verify ARCHIVE --key KEY` checks it.
    """
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        data = exports.handover_archive(session, ref)
        session.commit()  # the archive's checkpoint of the whole log
    out.write_bytes(data)
    typer.echo(
        f"wrote {out} ({len(data) // 1024} KiB); check it with: sunshine verify {out} --key <key>"
    )


@app.command("overdue")
def overdue() -> None:
    """List every overdue notice in every community (for supervisors); exit 1 if there is one."""
    from sunshine.registry import service as registry

    with open_session() as session:
        communities = [
            tenancy.CommunityRef(c.id, c.code, c.name) for c in registry.list_communities(session)
        ]
        found = schedule.overdue_across(session, communities, today=clock.today())
    table = Table(title="逾期未发布的公示 / overdue notices")
    for column in ("小区 / community", "期间 / period", "截止 / due"):
        table.add_column(column)
    for ref, slot in found:
        span = str(slot.last) if slot.first == slot.last else f"{slot.first}–{slot.last}"
        table.add_row(f"{ref.name} ({ref.code})", span, slot.due_on.isoformat())
    console.print(table if found else "没有逾期的公示 / no notice is overdue")
    if found:
        raise typer.Exit(1)


@app.command("schedule")
def set_calendar(
    community: Community,
    starts: Annotated[str, typer.Option(help="The first month to disclose, YYYY-MM.")],
    every: Annotated[int, typer.Option(help="Months a notice covers: 1, 3, 6 or 12.")] = 1,
    due_days: Annotated[
        int, typer.Option(help="Days after a notice's last month ends that it is due.")
    ] = 10,
) -> None:
    """Set the community's publishing calendar (LAW.md 2: monthly unless the owners chose less)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        schedule.set_schedule(
            session,
            ref.id,
            schedule_rules.Schedule(_period(starts), every, due_days),
            actor_id=None,
        )
        session.commit()
    typer.echo(
        f"{ref.code}: a notice every {every} month(s) from {starts}, due {due_days} days after"
    )
