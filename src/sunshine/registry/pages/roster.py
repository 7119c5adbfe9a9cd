"""Roster pages: upload a file for a dry run, apply what the dry run checked, download it."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import File
from fastapi import Query
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import Response

from sunshine.identity.rules import Action
from sunshine.infra.body_limit import allow_body
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.registry.models import Community
from sunshine.registry.pages.common import STAFF
from sunshine.registry.pages.common import FormText
from sunshine.registry.pages.common import open_community
from sunshine.registry.pages.common import render_page
from sunshine.registry.rules.roster_format import HEADERS
from sunshine.registry.rules.roster_format import describe
from sunshine.registry.schemas import RosterFormat
from sunshine.registry.schemas import pack_upload
from sunshine.registry.schemas import roster_data
from sunshine.registry.schemas import roster_download
from sunshine.registry.schemas import roster_max_bytes
from sunshine.registry.schemas import unpack_upload
from sunshine.registry.service import roster

router = APIRouter(include_in_schema=False)


# --- roster import and export -------------------------------------------------


def _roster_page(
    request: Request, viewer: Viewer, community: Community, **context: Any
) -> Response:
    return render_page(
        request,
        viewer,
        community,
        "registry/roster.html",
        describe=describe,
        kinds=roster.KIND_LABELS,
        headers=HEADERS,
        max_mb=f"{roster_max_bytes() / 2**20:g}",
        **context,
    )


@router.get(f"{STAFF}/roster")
def roster_page(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    """Upload a roster (XLSX or CSV) for a dry run, or download the roster."""
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    return _roster_page(request, viewer, community)


@router.post(f"{STAFF}/roster/preview", dependencies=[CsrfChecked])
@allow_body(roster_max_bytes)
def preview_roster(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    file: Annotated[UploadFile, File()],
) -> Response:
    """The dry run: every bad row by line and reason, and what would change; nothing written."""
    community = open_community(session, viewer, code, Action.IMPORT_ROSTER)
    try:
        data = roster_data(file.file.read(roster_max_bytes() + 1))
    except Invalid as exc:
        return _roster_page(request, viewer, community, error=exc, status_code=422)
    name = file.filename or ""
    plan = roster.plan_import(session, community.id, data=data, filename=name)
    content, sha256 = pack_upload(data)
    upload = {"filename": name, "content": content, "sha256": sha256}
    status = 200 if plan.ok else 422
    return _roster_page(request, viewer, community, plan=plan, upload=upload, status_code=status)


@router.post(f"{STAFF}/roster/apply", dependencies=[CsrfChecked])
@allow_body(roster_max_bytes, times=2)  # sent back as base64 in a form
def apply_roster(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    content: FormText,
    sha256: FormText,
    filename: FormText = "",
) -> Response:
    """Apply the file the dry run checked (sent back whole, with its SHA-256): all or nothing."""
    community = open_community(session, viewer, code, Action.IMPORT_ROSTER)
    try:
        data = unpack_upload(content, sha256)
        with session.begin_nested():  # a refused roster leaves no trace
            result = roster.apply_import(session, community.id, data=data, filename=filename)
    except Invalid as exc:
        return _roster_page(request, viewer, community, error=exc, status_code=422)
    session.commit()
    return _roster_page(request, viewer, community, result=result, filename=filename)


@router.get(f"{STAFF}/roster/export")
def export_roster(
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    fmt: Annotated[RosterFormat, Query(alias="format")] = "xlsx",
) -> Response:
    """Download the roster in the import format (XLSX, or CSV in UTF-8 with BOM)."""
    community = open_community(session, viewer, code, Action.EXPORT_ROSTER)
    content = roster.export_roster(session, community.id, fmt=fmt)
    media_type, headers = roster_download(community.code, fmt)
    return Response(content, media_type=media_type, headers=headers)
