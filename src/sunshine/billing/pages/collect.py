"""Collecting what is owed: staff pages, a receipt's page, and the public receipt check.

Staff (BOOK_ENTRY) see arrears by ageing band (and export them), the reminder list
(messages, letters) and receipts. A receipt's page is for staff and for the owner or
resident of the unit paid for. The public check confirms a receipt's number and code and
shows nobody's name.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.billing.pages.common import BILLING
from sunshine.billing.pages.common import render_billing
from sunshine.billing.rules import collect as rules
from sunshine.billing.service import arrears
from sunshine.billing.service import mine
from sunshine.billing.service import printing
from sunshine.billing.service import receipts
from sunshine.billing.service import reminders
from sunshine.billing.service.items import list_items
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra import spreadsheets
from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry

router = APIRouter(include_in_schema=False)
RECEIPT_CHECK = "/c/{code}/receipts/check"
Units = Annotated[list[RowId], Form(max_length=1000)]


def _filters(
    session: Session, cid: int, building: int | None
) -> tuple[dict[int, str], set[int] | None]:
    units = registry.list_units(session, cid, building_id=building)
    return {u.id: u.number for u in units}, ({u.id for u in units} if building else None)


@router.get(f"{BILLING}/arrears")
def arrears_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    item: RowId | None = None,
    building: RowId | None = None,
) -> Response:
    """Arrears by unit and ageing band, as of a day, for one item or building or all."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    day = on or clock.today()
    numbers, among = _filters(session, community.id, building)
    rows = arrears.ageing_by_unit(session, community.id, day, item_id=item, unit_ids=among)
    totals, items = (
        arrears.band_totals(session, community.id, day),
        list_items(session, community.id),
    )
    return render_billing(
        request,
        viewer,
        community,
        "billing/arrears.html",
        on=day,
        item=item,
        building=building,
        bands=rules.BANDS,
        numbers=numbers,
        rows=sorted(rows, key=lambda r: numbers.get(r.key, "")),
        totals=totals,
        total=Fen(sum(band.value for band in totals)),
        item_names={i.id: i.name for i in items},
        by_item=arrears.ageing_by_item(session, community.id, day),
        rates=arrears.collection_rates(session, community.id, as_of=day)[-24:],
        rounding=rules.RATE_ROUNDING,
        items=items,
        buildings=registry.list_buildings(session, community.id),
    )


@router.get(f"{BILLING}/arrears.{{kind}}")
def arrears_export(
    kind: Literal["csv", "xlsx"],
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    item: RowId | None = None,
    building: RowId | None = None,
) -> Response:
    """The arrears table as CSV or XLSX (every cell neutral: infra.spreadsheets)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    day = on or clock.today()
    numbers, among = _filters(session, community.id, building)
    ageing = arrears.ageing_by_unit(session, community.id, day, item_id=item, unit_ids=among)
    liable = reminders.liable_for(session, community.id, [row.key for row in ageing])
    header = ["房号", "缴费人", *(f"{band.key}天" for band in rules.BANDS), "合计"]
    rows: list[list[object]] = [
        [
            numbers.get(row.key, "?"),
            liable[row.key].name if row.key in liable else "",
            *(band.plain() for band in row.bands),
            row.total.plain(),
        ]
        for row in sorted(ageing, key=lambda r: numbers.get(r.key, ""))
    ]
    name = f"arrears-{community.code}-{day.isoformat()}.{kind}"
    return _download(kind, name, "欠费账龄", header, rows)


def _download(
    kind: str, name: str, title: str, header: list[str], rows: list[list[object]]
) -> Response:
    """Rows as a CSV or XLSX attachment (every cell neutral: infra.spreadsheets)."""
    if kind == "csv":
        data, media = spreadsheets.csv_bytes([header, *rows]), "text/csv; charset=utf-8"
    else:
        book = spreadsheets.new_workbook()
        sheet = spreadsheets.add_sheet(book, title, header)
        for row in rows:
            spreadsheets.append_row(sheet, row)
        data = spreadsheets.xlsx_bytes(book)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = f'attachment; filename="{name}"'
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


@router.get(f"{BILLING}/reminders.{{kind}}")
def reminders_export(
    kind: Literal["csv", "xlsx"],
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    item: RowId | None = None,
    building: RowId | None = None,
) -> Response:
    """The reminder list as CSV or XLSX: who owes, who is liable, the last reminder."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    day = on or clock.today()
    listed = reminders.reminder_list(session, community.id, day, item_id=item, building_id=building)
    header = ["房号", "缴费人", "欠费", "最长账龄（天）", "上次提醒"]
    rows: list[list[object]] = [
        [
            r.number,
            r.liable.name,
            r.owed.plain(),
            r.oldest_band,
            r.last_reminded.strftime("%Y-%m-%d %H:%M") if r.last_reminded else "",
        ]
        for r in listed
    ]
    name = f"reminders-{community.code}-{day.isoformat()}.{kind}"
    return _download(kind, name, "催缴提醒", header, rows)


@router.get(f"{BILLING}/reminders")
def reminders_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    item: RowId | None = None,
    building: RowId | None = None,
    sent: str = "",
) -> Response:
    """Who owes, who is liable, when they were last reminded; send messages, print letters."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    day = on or clock.today()
    rows = reminders.reminder_list(session, community.id, day, item_id=item, building_id=building)
    return _reminders(request, session, viewer, community, rows, on=day, item=item,
                      building=building, sent=sent[:200])  # fmt: skip


@router.post(f"{BILLING}/reminders/send", dependencies=[CsrfChecked])
def send_reminders(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Annotated[Day, Form()],
    unit_ids: Units,
) -> Response:
    """Text the liable people of the ticked units (at most once a week each)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    result = reminders.send_reminders(
        session,
        community.id,
        unit_ids,
        as_of=on,
        actor=viewer.display_name,
        community_name=community.name,
    )
    session.commit()
    rows = reminders.reminder_list(session, community.id, on)
    return _reminders(request, session, viewer, community, rows, on=on, result=result)


def _reminders(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    rows: object,
    **shown: Any,
) -> Response:
    """The reminder list page: the filters' choices and the week between two messages."""
    context: dict[str, Any] = {"item": None, "building": None, "sent": ""} | shown
    return render_billing(
        request,
        viewer,
        community,
        "billing/reminders.html",
        rows=rows,
        gap_days=rules.REMINDER_GAP.days,
        items=list_items(session, community.id),
        buildings=registry.list_buildings(session, community.id),
        **context,
    )


@router.post(f"{BILLING}/reminders/letters", dependencies=[CsrfChecked])
def print_letters(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Annotated[Day, Form()],
    unit_ids: Units,
) -> Response:
    """The ticked units' reminder letters as one PDF, one page each; each letter recorded."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    batch = printing.letters(session, community.id, on, unit_ids)
    pdf = printing.letters_pdf(session, community.id, community.name, on, batch)
    reminders.record_letters(session, community.id, unit_ids, as_of=on, actor=viewer.display_name)
    session.commit()
    disposition = f'inline; filename="letters-{community.code}-{on.isoformat()}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get(f"{BILLING}/receipts")
def receipts_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    number: RowId | None = None,
) -> Response:
    """The newest receipts (refunded ones marked), or straight to one by its number."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    if number is not None:
        return receipt_page(request, number, session, viewer, community)
    rows = receipts.list_receipts(session, community.id)
    numbers = {u.id: u.number for u in registry.list_units(session, community.id)}
    return render_billing(
        request, viewer, community, "billing/receipts.html", rows=rows, numbers=numbers
    )


def _may_see(session: Session, viewer: Viewer, community: CommunityRef, unit_id: int) -> None:
    """Staff, or an owner or resident whose unit it paid for (service.mine); others: not found."""
    if identity.can(viewer, Action.BOOK_ENTRY, community.id):
        return
    if identity.can(viewer, Action.VIEW_OWN_HOUSEHOLD, community.id) and mine.may_see_unit(
        session, community.id, viewer.user_id, unit_id
    ):
        return
    raise NotFound("no such receipt")


@router.get(f"{BILLING}/receipts/{{number}}")
def receipt_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """A receipt as it prints, with links to its PDF (A4, half A4) and its log entry."""
    view = printing.receipt_view(session, community.id, community.name, number)
    _may_see(session, viewer, community, view.unit_id)
    return render_billing(request, viewer, community, "billing/receipt.html", r=view)


@router.get(f"{BILLING}/receipts/{{number}}/receipt.pdf")
def receipt_pdf(
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    half: bool = False,
) -> Response:
    view = printing.receipt_view(session, community.id, community.name, number)
    _may_see(session, viewer, community, view.unit_id)
    url = f"/c/{community.code}/receipts/check?number={number}&check={view.check_code}"
    pdf = printing.receipt_pdf(view, half=half, check_url=url)
    disposition = f'inline; filename="receipt-{community.code}-{number}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get(RECEIPT_CHECK)
def check_page(
    request: Request,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    number: RowId | None = None,
    check: str = "",
) -> Response:
    """Anyone holding a receipt types its number and check code: real or not, no names."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    found, error = None, None
    if number is not None:
        try:
            found = receipts.check_receipt(session, community.id, number, check[:32])
        except NotFound as exc:
            error = exc
    context = {
        "community": community,
        "community_name": community.name,
        "number": number,
        "check": check[:32],
        "found": found,
        "error": error,
    }
    return render(request, "billing/receipt_check.html", context, status_code=404 if error else 200)
