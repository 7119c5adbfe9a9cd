"""Issue 4's "done means" on the demo: 荆川东园's October 2024 notice is the paper one, published,
printed on one A4 page whose QR code leads to the verify page, and it verifies.
"""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader

from sunshine.disclosure.service import cosigning
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.disclosure.service.notice_pdf import notice_pdf
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.periods import Period
from sunshine.transparency import service as log
from sunshine.transparency.rules import verifier
from tests.demo.conftest import OCTOBER_CHECKPOINT
from tests.demo.conftest import Loaded
from tests.demo.conftest import ids_start_afresh

OCTOBER = Period(2024, 10)


def _ref(loaded: Loaded) -> CommunityRef:
    community = loaded.community
    return CommunityRef(community.id, community.code, community.name)


def test_the_october_notice_is_the_paper_one_with_its_vouchers(loaded: Loaded) -> None:
    found = notices.get_notice(loaded.session, loaded.community.id, OCTOBER)
    record = notices.record_of(found)
    spending = record["spending"]
    assert isinstance(spending, dict)
    lines = [(line["narration"], line["amount_fen"]) for line in spending["lines"]]
    assert lines == [
        ("水费", 2358),
        ("电费", 19500),
        ("人员工资", 530000),
        ("更换道闸系统", 410000),
    ]
    assert spending["total_fen"] == 961858
    assert all(len(line["vouchers"]) == 1 for line in spending["lines"])
    assert record["remuneration"] == {"lines": [], "total_fen": 0}
    assert (found.version, found.published_on.isoformat()) == (1, "2024-11-05")


def test_a_year_of_notices_is_published_and_none_is_overdue(loaded: Loaded) -> None:
    cid = loaded.community.id
    published = notices.list_notices(loaded.session, cid)
    assert [str(n.period) for n in published] == [
        str(Period(2024, 9).shift(i)) for i in range(11, -1, -1)
    ]
    assert schedule.overdue(loaded.session, cid, today=Period(2025, 9).last_day) == []


def test_the_october_notice_prints_on_one_page_and_its_bundle_verifies(loaded: Loaded) -> None:
    session, ref = loaded.session, _ref(loaded)
    found = notices.get_notice(session, ref.id, OCTOBER)
    printed = notices.printed_checkpoint(session, ref.id, found)
    url = notices.verify_url(ref, found, printed)
    cosign = cosigning.status_of(session, ref.id, found)
    reader = PdfReader(
        BytesIO(
            notice_pdf(notices.record_of(found), checkpoint=printed, cosign=cosign, verify_url=url)
        )
    )
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "荆川东园",
        "水费",
        "电费",
        "人员工资",
        "更换道闸系统",
        "9,618.58",
        printed.fingerprint,
    ):
        assert expected in text
    assert re.search(r"/c/jcdy/verify\?period=2024-10&v=1&size=\d+&root=[0-9a-f]{64}", url)
    assert printed.signers == ("sunshine/jcdy", "jcdy-committee-demo")
    state = f"docs/trust-model.md: `{printed.fingerprint}`, log size {printed.tree_size}"
    assert printed.tree_size == OCTOBER_CHECKPOINT[1], state  # as loaded later
    if ids_start_afresh(session):
        assert printed.fingerprint == OCTOBER_CHECKPOINT[0], state
    assert "委员会 1/1 名委员已联署" in text  # the role and the count, not the key's name
    assert "jcdy-committee-demo" not in text.replace("\n", "")
    assert "预算执行情况" in text  # the budget's section, from the approved demo budget
    # the bank's fee of 31 October, the month-end's one difference, dated as owners write days
    assert "2024年10月31日" in text
    assert "2024-10-31" not in text
    keys = [key.text() for key in log.public_keys(session, ref.id)]
    assert len(keys) == 2  # the platform's and the committee's: both must have signed
    bundle = notices.notice_bundle(session, ref, period=OCTOBER)
    report = verifier.verify_bundle(bundle, trusted_keys=keys)
    assert report.ok, report.checks


def test_every_notice_is_co_signed_by_the_committee_members_confirmed_key(loaded: Loaded) -> None:
    """The demo's committee key is its member's, confirmed by the manager: "1 of 1" everywhere."""
    cid = loaded.community.id
    published = notices.list_notices(loaded.session, cid)
    found = cosigning.statuses(loaded.session, cid, published)
    assert {(s.signed, s.members, s.complete) for s in found.values()} == {(1, 1, True)}
    assert cosigning.awaiting(loaded.session, cid, published) == []
