"""The authority port: a budget, a month's close or a signing key asks governance whether the
cited committee decision (or owners' vote matter) authorises it, and the link is kept and logged."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.governance.service import authority as governance
from sunshine.governance.service import counting
from sunshine.infra import authority
from sunshine.infra.authority import MatterKind
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.transparency import service as transparency
from tests.factories import make_community
from tests.governance import votes_setup
from tests.governance.authority_setup import decided
from tests.governance.authority_setup import waive

BUDGET = authority.budget_matter(2024, 1)
CLOSE = authority.month_close_matter(Period(2024, 10))


def _code(exc: pytest.ExceptionInfo[Invalid]) -> str:
    return exc.value.problems[0].code


# The kinds added later are asked only where a community switches them on.
OPT_IN = {MatterKind.FEE_CHANGE, MatterKind.TRUSTEE, MatterKind.COMMON_PARTS}


def test_every_kind_requires_a_decision_by_default(session: Session) -> None:
    cid = make_community(session).id
    assert governance.requirements(session, cid) == {
        kind: kind not in OPT_IN for kind in MatterKind
    }
    for matter in (
        authority.fee_change_matter("fee", date(2025, 1, 1)),
        authority.trustee_matter(date(2025, 1, 1)),
        authority.common_parts_matter("advertising", date(2025, 1, 1)),
    ):
        assert authority.authorise(session, cid, matter, None, actor_id=None) is None
    for matter in (BUDGET, CLOSE, authority.signing_key_matter("k"), authority.expense_matter(3)):
        with pytest.raises(Invalid) as refused:
            authority.authorise(session, cid, matter, None, actor_id=None)
        assert _code(refused) == "decision_required"
    assert authority.authorised_by(session, cid, BUDGET) is None


def test_an_adopted_decision_about_the_matter_authorises_it_and_the_link_is_logged(
    session: Session,
) -> None:
    cid = make_community(session).id
    cited = decided(session, cid, BUDGET)
    assert authority.authorise(session, cid, BUDGET, f" {cited} ", actor_id=None) == cited
    assert authority.authorised_by(session, cid, BUDGET) == cited
    logged = transparency.find_record(
        session, cid, kind="governance.authority", ref="budget:2024/v1"
    )
    assert logged is not None
    (link,) = governance.links(session, cid)
    assert json.loads(logged.body) == {
        "link": link.id,
        "matter": "budget:2024/v1",
        "authority": cited,
    }
    assert (link.matter_kind, link.matter_ref, link.log_seq) == ("budget", "2024/v1", logged.seq)
    number = int(cited.partition(":")[2])
    assert governance.authorised_by_decision(session, cid, number) == [link]
    with pytest.raises(Conflict):  # one matter, one link
        authority.authorise(session, cid, BUDGET, cited, actor_id=None)


def test_a_rejected_decision_authorises_nothing(session: Session) -> None:
    cid = make_community(session).id
    cited = decided(session, cid, BUDGET, adopted=False)
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, BUDGET, cited, actor_id=None)
    assert _code(refused) == "not_adopted"
    assert authority.authorised_by(session, cid, BUDGET) is None


@pytest.mark.parametrize(
    "about",
    [
        authority.budget_matter(2024, 2),  # the same budget's next version
        authority.budget_matter(2025, 1),  # another year's
        authority.month_close_matter(Period(2024, 1)),  # another kind, "2024-01"
    ],
)
def test_a_decision_about_another_matter_is_refused(
    session: Session, about: authority.Matter
) -> None:
    cid = make_community(session).id
    cited = decided(session, cid, about)
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, BUDGET, cited, actor_id=None)
    assert _code(refused) == "other_matter"


@pytest.mark.parametrize(
    ("cited", "code"),
    [
        ("decision:99", "no_decision"),
        ("decision:", "authority_form"),
        ("decision:1/2", "authority_form"),
        ("vote:3", "authority_form"),
        ("budget:2024/v1", "authority_form"),
        ("vote:99/1", "no_vote"),
    ],
)
def test_an_unknown_or_malformed_authority_is_refused(
    session: Session, cited: str, code: str
) -> None:
    cid = make_community(session).id
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, BUDGET, cited, actor_id=None)
    assert _code(refused) == code


def test_a_passed_owners_vote_matter_authorises_and_a_failed_or_open_one_does_not(
    session: Session,
) -> None:
    place = votes_setup.place(session)
    cid = place.cid
    vote = votes_setup.closed_vote(session, cid)  # matter 1 passed, matter 2 unanswered
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, BUDGET, f"vote:{vote.id}/2", actor_id=None)
    assert _code(refused) == "not_passed"
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, BUDGET, f"vote:{vote.id}/3", actor_id=None)
    assert _code(refused) == "no_vote_matter"
    opened = votes_setup.draft(session, cid)
    counting.open_vote(session, cid, opened.id, at=votes_setup.OPENS)
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, BUDGET, f"vote:{opened.id}/1", actor_id=None)
    assert _code(refused) == "vote_open"
    cited = f"vote:{vote.id}/1"
    assert authority.authorise(session, cid, BUDGET, cited, actor_id=None) == cited
    assert authority.authorised_by(session, cid, BUDGET) == cited


def test_a_waived_requirement_lets_the_step_through_unlinked_and_the_setting_is_logged(
    session: Session,
) -> None:
    cid = make_community(session).id
    waive(session, cid, MatterKind.MONTH_CLOSE)
    assert governance.requirements(session, cid)[MatterKind.MONTH_CLOSE] is False
    assert governance.requirements(session, cid)[MatterKind.BUDGET] is True
    assert authority.authorise(session, cid, CLOSE, None, actor_id=None) is None
    assert authority.authorised_by(session, cid, CLOSE) is None
    logged = transparency.find_record(
        session, cid, kind="governance.requirement", ref="month_close"
    )
    assert logged is not None
    assert json.loads(logged.body) == {"setting": 1, "kind": "month_close", "required": False}
    # a decision cited anyway is still checked, and linked
    with pytest.raises(Invalid):
        authority.authorise(session, cid, CLOSE, "decision:99", actor_id=None)
    cited = decided(session, cid, CLOSE, on=date(2024, 11, 3))
    assert authority.authorise(session, cid, CLOSE, cited, actor_id=None) == cited
    governance.set_requirement(session, cid, MatterKind.MONTH_CLOSE, required=True, actor_id=None)
    assert governance.requirements(session, cid)[MatterKind.MONTH_CLOSE] is True


def test_authority_href_points_at_the_decision_or_the_vote() -> None:
    assert authority.authority_href("jcdy", "decision:7") == "/c/jcdy/decisions/7"
    assert authority.authority_href("jcdy", "vote:3/2") == "/c/jcdy/votes/3"
    assert authority.authority_href("jcdy", None) is None


def test_a_change_of_use_of_common_parts_cites_its_owners_vote_once_switched_on(
    session: Session,
) -> None:
    """A lever of the close-the-gap view (advertising) is put to use citing the vote that
    passed it; asked only where the community requires it, checked whenever cited."""
    place = votes_setup.place(session)
    cid = place.cid
    ads = authority.common_parts_matter("advertising", date(2025, 1, 1))
    assert ads.text() == "common_parts:advertising/2025-01-01"
    assert authority.authorise(session, cid, ads, None, actor_id=None) is None  # off by default
    governance.set_requirement(session, cid, MatterKind.COMMON_PARTS, required=True, actor_id=None)
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, ads, None, actor_id=None)
    assert _code(refused) == "decision_required"
    vote = votes_setup.closed_vote(session, cid)  # matter 1 passed, matter 2 unanswered
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, ads, f"vote:{vote.id}/2", actor_id=None)
    assert _code(refused) == "not_passed"
    parking = decided(
        session, cid, authority.common_parts_matter("visitor_parking", date(2025, 1, 1))
    )
    with pytest.raises(Invalid) as refused:
        authority.authorise(session, cid, ads, parking, actor_id=None)
    assert _code(refused) == "other_matter"
    cited = f"vote:{vote.id}/1"
    assert authority.authorise(session, cid, ads, cited, actor_id=None) == cited
    assert governance.find(session, cid, ads) == cited
    logged = transparency.find_record(session, cid, kind="governance.authority", ref=ads.text())
    assert logged is not None
