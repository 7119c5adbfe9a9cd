"""The reference community's May 2024 survey: 192 asked, 159 valid, 115 in favour, 72.3%."""

from __future__ import annotations

from sunshine.demo.service import survey as demo_survey
from sunshine.governance.models.surveys import SurveyState
from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
from sunshine.transparency import service as log
from tests.demo.conftest import Loaded


def test_the_may_2024_survey_is_115_of_159_valid_responses(loaded: Loaded) -> None:
    cid = loaded.community.id
    [survey] = surveys.list_surveys(loaded.session, cid)
    assert survey.title == demo_survey.TITLE
    assert survey.state is SurveyState.CLOSED
    record = surveys.record_of(survey)
    assert (record["binding"], record["label"]) == (False, "意见征求，不具表决效力")
    result = record["result"]
    [question] = result["questions"]
    assert (result["asked"], question["valid"], result["responses"]) == (192, 159, 163)
    favour = question["options"][0]
    assert (favour["text"], favour["count"], favour["percent"]) == ("同意", 115, "72.3")
    assert [o["count"] for o in question["options"]] == [115, 31, 13]
    # door to door and by phone, four paper forms returned blank; nothing online in May 2024
    assert result["channels"] == {"online": 0, "door": 112, "phone": 47, "paper": 4}
    logged = log.find_record(
        loaded.session, cid, kind="governance.survey", ref=f"survey/{survey.id}"
    )
    assert logged is not None
    assert logged.seq == survey.log_seq


def test_the_survey_s_result_is_announced_as_a_survey(loaded: Loaded) -> None:
    cid = loaded.community.id
    listed = announcements.list_announcements(loaded.session, cid)
    kinds = {a.kind for a in listed}
    assert kinds == {AnnouncementKind.SURVEY, AnnouncementKind.OTHER}
    [result] = [a for a in listed if a.kind is AnnouncementKind.SURVEY]
    assert "72.3%" in result.text
    assert "不具表决效力" in result.text
    assert not any(announcements.is_late(a) for a in listed)
