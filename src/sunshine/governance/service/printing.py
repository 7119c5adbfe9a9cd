"""A survey's result and an announcement on paper: A4 pages for the board, HTML and PDF.

Self-contained pages (inline CSS) rendered by infra.pdf (WeasyPrint), Chinese first with
English beside it. A survey's page says in its heading that it is a survey, not a vote
(意见征求，不具表决效力), and prints the result as logged (closed) or as counted so far.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.governance.models import Announcement
from sunshine.governance.rules.survey import LABEL
from sunshine.governance.rules.survey import LABEL_EN
from sunshine.governance.rules.survey import ROUNDING
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
from sunshine.infra.pdf import html_to_pdf
from sunshine.infra.web import templates

SURVEY_TEMPLATE = "governance/survey_print.html"
ANNOUNCEMENT_TEMPLATE = "governance/announcement_print.html"
KIND_WORDS = {
    "meeting_notice": "会议通知 Meeting notice",
    "vote_notice": "表决公告 Vote notice",
    "vote_result": "表决结果公告 Vote result",
    "decision": "决定公告 Decision",
    "survey": "意见征求 Survey",
    "other": "通知 Notice",
}
CHANNEL_WORDS = {
    "online": "线上 online",
    "door": "入户 door to door",
    "phone": "电话 phone",
    "paper": "书面 paper",
}


def survey_html(session: Session, community_id: int, community: str, survey_id: int) -> str:
    survey = surveys.get_survey(session, community_id, survey_id)
    result = surveys.count_now(session, community_id, survey)
    return templates.env.get_template(SURVEY_TEMPLATE).render(
        community=community, survey=survey, result=result, label=LABEL, label_en=LABEL_EN,
        rounding=ROUNDING, channels=CHANNEL_WORDS, closed=survey.state.value == "closed",
    )  # fmt: skip


def survey_pdf(session: Session, community_id: int, community: str, survey_id: int) -> bytes:
    return html_to_pdf(survey_html(session, community_id, community, survey_id))


def announcement_html(community: str, row: Announcement) -> str:
    return templates.env.get_template(ANNOUNCEMENT_TEMPLATE).render(
        community=community, a=row, kind=KIND_WORDS[row.kind.value],
        late=announcements.is_late(row),
    )  # fmt: skip


def announcement_pdf(community: str, row: Announcement) -> bytes:
    return html_to_pdf(announcement_html(community, row))
