"""JSON API of the monthly notices: list, read a version, preview, publish, bundle, PDF, calendar.

Any member of the community reads published notices (they are public on the board);
the trustee's staff preview and publish (PUBLISH_NOTICE). Publishing commits once, in
the route, before answering.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.schemas import notices as schemas
from sunshine.disclosure.service import cosigning
from sunshine.disclosure.service import exports
from sunshine.disclosure.service import notices as service
from sunshine.disclosure.service import schedule
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import Ordinal
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import WritesOnRead
from sunshine.infra.web import locale_of
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import NotFound
from sunshine.ledger.schemas import parse_period

router = APIRouter(prefix="/communities/{code}/notices", tags=["notices"])
VersionParam = Annotated[RowId | None, Query(description="A version; default the latest.")]


def notice_read(session: Session, ref: CommunityRef, found: NoticeVersion) -> schemas.NoticeRead:
    printed = service.printed_checkpoint(session, ref.id, found)
    return schemas.NoticeRead(
        notice=schemas.VersionRead.from_model(found),
        versions=[
            schemas.VersionRead.from_model(v)
            for v in service.list_versions(session, ref.id, found.period)
        ],
        record=service.record_of(found),
        record_text=found.body,
        checkpoint=schemas.CheckpointRead.from_printed(printed),
        verify_url=service.verify_url(ref, found, printed),
    )


@router.get("")
def list_notices(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.VersionRead]:
    """The latest version of every published notice, newest first."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return [schemas.VersionRead.from_model(v) for v in service.list_notices(session, community.id)]


@router.get("/calendar")
def calendar(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.SlotRead]:
    """Every notice whose period has ended: published, due, or overdue."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    slots = schedule.calendar(session, community.id, today=clock.today())
    return [schemas.SlotRead.from_slot(slot) for slot in slots]


@router.get("/{period}")
def read_notice(
    period: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    version: VersionParam = None,
) -> schemas.NoticeRead:
    """A published version (the latest by default) with its record and checkpoint."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    found = service.get_notice(session, community.id, parse_period(period), version)
    return notice_read(session, community, found)


@router.get("/{period}/preview")
def preview(
    period: str, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> dict[str, Any]:
    """What publishing now would freeze (staff only: it is not public until published)."""
    identity.authorize(viewer, Action.PUBLISH_NOTICE, community.id)
    month = parse_period(period)
    return service.preview(session, community, period=month, today=clock.today())


@router.post("/{period}/publish", status_code=201, dependencies=[CsrfChecked])
def publish(
    period: str,
    body: schemas.PublishCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.NoticeRead:
    """Freeze the notice (a correcting version needs a reason): log it and sign a checkpoint."""
    publisher = identity.authorize(viewer, Action.PUBLISH_NOTICE, community.id)
    found = service.publish_notice(
        session,
        community,
        period=parse_period(period),
        actor_id=publisher.user_id,
        today=clock.today(),
        reason=body.reason,
    )
    session.commit()
    return notice_read(session, community, found)


@router.get("/{period}/bundle")
def bundle(
    period: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    version: VersionParam = None,
    since: Annotated[Ordinal | None, Query()] = None,
) -> dict[str, Any]:
    """What `sunshine verify` checks: the notice's record, its proof and checkpoint."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return service.notice_bundle(
        session, community, period=parse_period(period), version=version, since=since
    )


@router.get("/{period}/pdf", response_class=Response)
def pdf(
    period: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    request: Request,
    version: VersionParam = None,
    lang: Annotated[Literal["zh_CN", "en"] | None, Query()] = None,
) -> Response:
    """The printable A4 notice for the board, in one language: `lang`, else the reader's."""
    from sunshine.disclosure.service.notice_pdf import notice_pdf  # WeasyPrint loads slowly

    identity.authorize(viewer, Action.READ_PUBLIC, community)
    found = service.get_notice(session, community.id, parse_period(period), version)
    printed = service.printed_checkpoint(session, community.id, found)
    data = notice_pdf(
        service.record_of(found),
        checkpoint=printed,
        cosign=cosigning.status_of(session, community.id, found),
        verify_url=service.verify_url(community, found, printed),
        locale=lang or locale_of(request),
    )
    name = f"{community.code}-{found.period}-v{found.version}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/{period}/export.{kind}", response_class=Response)
def export(
    period: str,
    kind: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    version: VersionParam = None,
    ledger: Annotated[
        bool, Query(description="The period's ledger instead of the notice.")
    ] = False,
) -> Response:
    """A published notice (or its period's ledger) as CSV or XLSX."""
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    if kind not in _MEDIA:
        raise NotFound("there is no {kind} export", args={"kind": kind[:10]})
    found = service.get_notice(session, community.id, parse_period(period), version)
    tables = (
        {
            "账目 ledger": exports.period_ledger(
                session, community.id, first=found.first, last=found.period
            )
        }
        if ledger
        else exports.notice_tables(service.record_of(found))
    )
    data = exports.csv_bytes(tables) if kind == "csv" else exports.xlsx_bytes(tables)
    what = "ledger" if ledger else "notice"
    name = f"{community.code}-{found.period}-v{found.version}-{what}.{kind}"
    return Response(
        data,
        media_type=_MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


handover_router = APIRouter(prefix="/communities/{code}", tags=["notices"])


@handover_router.get("/handover.zip", response_class=Response, dependencies=[WritesOnRead])
def handover(session: DbSession, viewer: OptionalViewer, community: CurrentCommunity) -> Response:
    """The full books for a trustee handover, in one archive that `sunshine verify` checks."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    data = exports.handover_archive(session, community)
    session.commit()  # the archive's checkpoint of the whole log
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{community.code}-handover.zip"'},
    )


overdue_router = APIRouter(prefix="/notices", tags=["notices"])


@overdue_router.get("/overdue")
def overdue(session: DbSession, viewer: CurrentViewer) -> list[schemas.OverdueRead]:
    """Supervisors: every overdue notice in the communities they oversee."""
    found = schedule.overdue_where(
        session,
        ids=identity.communities_of(viewer),
        allowed=lambda cid: identity.can(viewer, Action.VIEW_OVERSIGHT, cid),
        today=clock.today(),
    )
    if found is None:
        raise Forbidden("only supervisors see overdue notices across communities")
    return [
        schemas.OverdueRead(
            community=ref.code, name=ref.name, slot=schemas.SlotRead.from_slot(slot)
        )
        for ref, slot in found
    ]
