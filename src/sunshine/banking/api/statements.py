"""JSON API of bank reconciliation: accounts, statements, lines, matching, the reconciliation.

Staff and the committee (VIEW_CLOSING) read; staff who book (BOOK_ENTRY) import, match
and explain; the manager (MANAGE_LEDGER) sets the account and appends a reconciliation to
the public log. Writes commit once, in the route, before answering.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import File
from fastapi import Query
from fastapi import UploadFile

from sunshine.banking import schemas
from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import lines
from sunshine.banking.service import matching
from sunshine.banking.service import reconcile
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.body_limit import allow_body
from sunshine.infra.inputs import Ordinal
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession

router = APIRouter(prefix="/communities/{code}/bank", tags=["banking"])
AccountParam = Annotated[
    str, Query(max_length=40, description="account number; the only one if omitted")
]
Bank = Annotated[str, Query(max_length=16, examples=["icbc"])]
# The day is read after the caller is checked (Invalid, 422), so that a member of another
# community learns nothing from the answer, however malformed the query.
DateParam = Annotated[str, Query(alias="date", max_length=20, examples=["2024-10-31"])]


@router.get("/accounts")
def list_accounts(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[schemas.AccountRead]:
    identity.authorize(viewer, Action.VIEW_CLOSING, community.id)
    return [
        schemas.AccountRead.from_model(a) for a in accounts.list_accounts(session, community.id)
    ]


@router.post("/accounts", dependencies=[CsrfChecked])
def set_account(
    body: schemas.AccountWrite,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.AccountRead:
    """Add the community's bank account, or change it (by number)."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    found = accounts.set_account(session, community.id, **body.model_dump())
    session.commit()
    return schemas.AccountRead.from_model(found)


@router.post("/statements", dependencies=[CsrfChecked])
@allow_body(schemas.statement_max_bytes)
def import_statement(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    file: Annotated[UploadFile, File(description="the bank's CSV or XLSX export")],
    bank: Bank,
    account: AccountParam = "",
) -> schemas.ImportedRead:
    """Import a statement (all or nothing; again adds nothing) and match its lines."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    data = schemas.statement_data(file.file.read(schemas.statement_max_bytes() + 1))
    done = imports.import_statement(session, community.id, data, bank=bank, account_number=account)
    matched = matching.auto_match(session, community.id, done.account_id)
    session.commit()
    return schemas.ImportedRead.of(done, matched)


@router.post("/match", dependencies=[CsrfChecked])
def auto_match(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    account: AccountParam = "",
) -> schemas.MatchedRead:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    found = accounts.pick_account(session, community.id, account)
    matched = matching.auto_match(session, community.id, found.id)
    session.commit()
    return schemas.MatchedRead(matched=matched)


@router.get("/lines")
def list_lines(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    account: AccountParam = "",
    state: lines.State = lines.State.ALL,
    offset: Annotated[Ordinal, Query()] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[schemas.LineRead]:
    """The account's lines by match state (`open` is the work list), oldest first."""
    identity.authorize(viewer, Action.VIEW_CLOSING, community.id)
    found = accounts.pick_account(session, community.id, account)
    rows = lines.list_lines(
        session, community.id, found.id, state=state, offset=offset, limit=limit
    )
    return [schemas.LineRead.from_model(line) for line in rows]


@router.post("/lines/{line_id}/match", dependencies=[CsrfChecked])
def match_line(
    line_id: RowId,
    body: schemas.MatchWrite,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.LineRead:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    line = matching.match_line(
        session, community.id, line_id, entry_id=body.entry_id, actor_id=viewer.user_id
    )
    session.commit()
    return schemas.LineRead.from_model(line)


@router.post("/lines/{line_id}/unmatch", dependencies=[CsrfChecked])
def unmatch_line(
    line_id: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.LineRead:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    line = matching.unmatch_line(session, community.id, line_id, actor_id=viewer.user_id)
    session.commit()
    return schemas.LineRead.from_model(line)


@router.post("/lines/{line_id}/explain", dependencies=[CsrfChecked])
def explain_line(
    line_id: RowId,
    body: schemas.ExplainWrite,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.LineRead:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    line = matching.explain_line(
        session, community.id, line_id, reason=body.reason, actor_id=viewer.user_id
    )
    session.commit()
    return schemas.LineRead.from_model(line)


@router.get("/reconciliation")
def show_reconciliation(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: DateParam = "",
    account: AccountParam = "",
) -> schemas.ReconciliationRead:
    """The reconciliation statement for the end of a day: balances and each difference."""
    identity.authorize(viewer, Action.VIEW_CLOSING, community.id)
    found = accounts.pick_account(session, community.id, account)
    day = schemas.parse_day(on)
    return schemas.ReconciliationRead.of(reconcile.reconcile(session, community.id, found, day))


@router.post("/reconciliation", dependencies=[CsrfChecked])
def record_reconciliation(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: DateParam = "",
    account: AccountParam = "",
) -> schemas.ReconciliationRead:
    """Append the reconciliation to the public log; refused (422) unless it balances."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    found = accounts.pick_account(session, community.id, account)
    day = schemas.parse_day(on)
    rec, row = reconcile.record(session, community.id, found, day, actor_id=viewer.user_id)
    session.commit()
    return schemas.ReconciliationRead.of(rec, log_seq=row.log_seq)
