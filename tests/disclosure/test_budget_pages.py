"""The budget's pages and JSON API, through the real app, in Chinese by default.

The manager drafts and opens, owners comment (shown without names), the committee
approves with its decision document and revises; everyone reads budget vs actual with
its chart and tries the levers of "close the gap".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.service import budgets
from sunshine.entrypoints import cli
from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.infra.authority import budget_matter
from sunshine.infra.settings import get_settings
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.authority_setup import decided
from tests.ledger.books_support import FORM
from tests.ledger.books_support import PNG
from tests.ledger.books_support import Setting
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

LINES_FORM = {
    **FORM,
    "name_zh": ["车位租金", "人员工资", "公共水电", ""],
    "name_en": ["Parking rent", "Wages", "Utilities", ""],
    "kind": ["income", "spending", "spending", "spending"],
    "amount": ["86400", "63,600.00", "3000", ""],
    "accounts": ["6002", "6601", "660801 660802", ""],
    "pattern": ["monthly", "monthly", "monthly", "monthly"],
    "note": ["60 个车位", "", "", ""],
}


@dataclass(frozen=True)
class People:
    setting: Setting
    manager: User
    committee: User

    @property
    def code(self) -> str:
        return self.setting.code


@pytest.fixture(autouse=True)
def _voucher_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def people(session: Session) -> People:
    setting = community_with_books(session)
    community = setting.community
    committee = make_user(session, community=community, role=Role.COMMITTEE)
    return People(
        setting, make_user(session, community=community, role=Role.TRUSTEE_MANAGER), committee
    )


def draft_through_the_pages(client: TestClient, session: Session, people: People) -> str:
    """The manager creates the draft and saves its lines; the budget's path."""
    log_in(client, session, people.manager)
    created = client.post(
        f"/c/{people.code}/budget",
        data={**FORM, "title": "2024—2025 年度预算", "first": "2024-09"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    path = str(created.headers["location"]).removesuffix("/lines")
    saved = client.post(f"{path}/lines", data=LINES_FORM, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    return path


def approve(client: TestClient, session: Session, people: People, path: str) -> None:
    log_in(client, session, people.manager)
    assert client.post(f"{path}/open", data=FORM, follow_redirects=False).status_code == 303
    log_in(client, session, people.committee)
    cited = decided(session, people.setting.community.id, budget_matter(2024, 1))
    approved = client.post(
        f"{path}/approve",
        data={**FORM, "publish_as_is": "on", "authority": cited},
        files={"document": ("决定.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text


def test_the_manager_drafts_a_budget_in_the_forms_and_sees_it_in_chinese(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)

    page = client.get(path)

    assert page.status_code == 200
    assert "草案" in page.text
    assert (
        '<td>车位租金</td><td data-label="对应科目">6002</td>'
        '<td class="num" data-label="全年">86,400.00</td>'
    ) in page.text
    assert "660801, 660802" in page.text
    assert "-66,600.00" not in page.text
    assert "19,800.00" in page.text  # planned result: 86,400 - 66,600
    assert "公开征求业主意见" in page.text


def test_bad_lines_come_back_with_every_problem_and_what_was_typed(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)
    bad = {
        **LINES_FORM,
        "amount": ["8万", "63600", "3000", ""],
        "accounts": ["6002", "6002", "", ""],
    }

    page = client.post(f"{path}/lines", data=bad)

    assert page.status_code == 422
    assert "8万 不是以元为单位的金额" in page.text
    assert 'value="8万"' in page.text
    budget_id = int(path.rsplit("/", 1)[1])
    lines = budgets.lines_of(session, people.setting.community.id, budget_id)
    assert [line.name_zh for line in lines] == ["车位租金", "人员工资", "公共水电"]  # unchanged
    again = client.post(f"{path}/lines", data={**LINES_FORM, "accounts": ["6002", "6002", "", ""]})
    assert again.status_code == 422
    assert "科目 6002 不是支出类科目" in again.text
    assert "请为该项目指定至少一个账簿科目" in again.text


def test_owners_comment_while_open_and_nobody_sees_who_wrote_what(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)
    assert client.post(f"{path}/open", data=FORM, follow_redirects=False).status_code == 303
    owner = people.setting.owner
    log_in(client, session, owner)

    posted = client.post(
        f"{path}/comments",
        data={**FORM, "line": "3", "body": "公共水电费能否节约？"},
        follow_redirects=False,
    )

    assert posted.status_code == 303, posted.text
    mine = client.get(path)
    assert "公共水电费能否节约？" in mine.text
    assert "您的意见" in mine.text
    log_in(client, session, people.setting.resident)
    theirs = client.get(path)
    assert "公共水电费能否节约？" in theirs.text
    assert owner.display_name not in theirs.text
    assert "您的意见" not in theirs.text
    refused = client.post(f"{path}/comments", data={**FORM, "line": "3", "body": "我也说一句"})
    assert refused.status_code == 403  # residents (tenants) do not comment on the owners' budget


def test_the_committee_approves_with_its_document_and_revises_with_a_reason(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)
    log_in(client, session, people.manager)
    assert client.post(f"{path}/open", data=FORM, follow_redirects=False).status_code == 303
    log_in(client, session, people.committee)
    assert 'name="authority"' in client.get(path).text
    alone = client.post(
        f"{path}/approve",
        data={**FORM, "publish_as_is": "on"},
        files={"document": ("决定.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert alone.status_code == 422  # one member's upload alone approves nothing
    assert "委员会决定" in alone.text
    cid = people.setting.community.id
    cited = decided(session, cid, budget_matter(2024, 1))
    approved = client.post(
        f"{path}/approve",
        data={**FORM, "publish_as_is": "on", "authority": cited},
        files={"document": ("决定.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text
    page = client.get(path)
    assert "已批准" in page.text
    assert re.search(r'href="/c/[^/]+/vouchers/[0-9a-f]{64}">决定文件</a>', page.text)
    number = cited.partition(":")[2]
    assert f'href="/c/{people.code}/decisions/{number}">{cited}</a>' in page.text

    form = client.get(f"{path}/revise")
    assert form.status_code == 200
    assert 'value="86400.00"' in form.text
    without = client.post(
        f"{path}/revise",
        data={**LINES_FORM, "amount": ["86400", "66000", "3000", ""], "reason": "工资调整"},
        follow_redirects=False,
    )
    assert without.status_code == 422  # a change to the approved budget needs its decision
    revised = client.post(
        f"{path}/revise",
        data={
            **LINES_FORM,
            "amount": ["86400", "66000", "3000", ""],
            "reason": "工资调整",
            "authority": decided(session, cid, budget_matter(2024, 2)),
        },
        files={"document": ("调整决定.png", PNG + b"revision", "image/png")},
        follow_redirects=False,
    )
    assert revised.status_code == 303, revised.text

    now = client.get(path)
    assert "已批准并调整" in now.text
    assert "66,000.00" in now.text
    assert "工资调整" in now.text
    before = client.get(f"{path}?version=1")
    assert "63,600.00" in before.text
    assert "不是现行版本" in before.text


def test_only_the_right_roles_take_each_step(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)
    log_in(client, session, people.setting.staff)
    assert (
        client.post(
            f"/c/{people.code}/budget", data={**FORM, "title": "x", "first": "2025-09"}
        ).status_code
        == 403
    )
    assert client.post(f"{path}/open", data=FORM).status_code == 403
    log_in(client, session, people.manager)
    client.post(f"{path}/open", data=FORM)
    approval = client.post(
        f"{path}/approve", data=FORM, files={"document": ("决定.png", PNG, "image/png")}
    )
    assert approval.status_code == 403  # the trustee never approves its own budget
    log_in(client, session, people.committee)
    no_document = client.post(f"{path}/approve", data=FORM)
    assert no_document.status_code == 422
    assert "请先上传决定文件" in no_document.text
    assert client.post(f"{path}/open", data=FORM).status_code == 409  # open already


def test_budget_vs_actual_shows_october_and_a_chart_drawn_without_scripts(
    client: TestClient, session: Session, people: People
) -> None:
    book_october(session, people.setting.books)
    path = draft_through_the_pages(client, session, people)
    approve(client, session, people, path)
    log_in(client, session, people.setting.owner)

    page = client.get(f"{path}/actual?period=2024-10")

    assert page.status_code == 200
    assert "预算执行情况" in page.text
    assert "218.58" in page.text  # water and power under 公共水电
    assert "4,100.00" in page.text  # the gate barrier, not in this budget
    assert "（预算外）" in page.text
    assert "按已过月份推算 · 结余（负数为缺口）" in page.text
    assert "全年计划 · 结余（负数为缺口）" in page.text
    chart = client.get(f"{path}/chart.svg?period=2024-10")
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "kozea.github.io" not in chart.text  # js=[]: no script fetched from the internet
    assert not re.search(r"<script[^>]*href=", chart.text)
    assert "公共水电" in chart.text


def test_the_levers_recompute_the_result_in_place_and_name_the_votes(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)
    approve(client, session, people, path)
    log_in(client, session, people.setting.owner)

    page = client.get(f"{path}/gap")
    assert page.status_code == 200
    assert 'hx-get="' in page.text
    assert 'hx-target="#gap-result"' in page.text
    assert "第二百七十八条第 8 项" in page.text

    fragment = client.get(
        f"{path}/gap",
        params={
            "advertising": "1000",
            "cut_line": "2",
            "cut": "3000",
            "fee_change": "50",
            "households": "192",
        },
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "12,000.00" in fragment.text  # ads, a year
    assert "9,120.00" in fragment.text  # 50 × 192 × 95%
    assert "参与表决者四分之三以上同意" in fragment.text
    assert "无需表决" not in fragment.text
    bad = client.get(f"{path}/gap", params={"advertising": "很多"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert "很多 不是以元为单位的金额" in bad.text


def test_a_lever_s_vote_is_started_from_the_view_only_by_who_may_manage_votes(
    client: TestClient, session: Session, people: People
) -> None:
    path = draft_through_the_pages(client, session, people)
    approve(client, session, people, path)
    # An owner reads the view and the votes each lever needs, but is offered no vote.
    log_in(client, session, people.setting.owner)
    page = client.get(f"{path}/gap", params={"advertising": "1000"})
    assert page.status_code == 200
    assert "第二百七十八条第 8 项" in page.text
    assert "/votes/new" not in page.text
    assert "发起表决" not in page.text

    # The committee (MANAGE_VOTES) is offered the vote of every lever that needs one.
    log_in(client, session, people.committee)
    page = client.get(f"{path}/gap", params={"advertising": "1000"})
    links = re.findall(r'href="(/c/[^"]+/votes/new\?[^"]+)"', page.text)
    assert len(links) == 4  # visitor parking, advertising, fee, remuneration: not the cut
    assert "发起表决" in page.text
    advertising = next(link for link in links if "item=8" in link and "%E5%B9%BF%E5%91%8A" in link)
    form = client.get(advertising.replace("&amp;", "&"))
    assert form.status_code == 200
    assert '<option value="8" selected>' in form.text
    assert 'value="是否同意出租公共部位（外墙、大门、电梯）发布广告' in form.text
    assert 'value="公共部位广告收入 / Advertising on common parts"' in form.text
    fee = next(link for link in links if "item=9" in link)
    form = client.get(fee.replace("&amp;", "&"))
    assert '<option value="9" selected>' in form.text
    assert "是否同意调整物业服务费收费标准" in form.text

    # The draft page ignores an item that is not one of art. 278's nine.
    odd = client.get(f"/c/{people.code}/votes/new", params={"item": "12", "question": "问"})
    assert odd.status_code == 200
    assert " selected>" not in odd.text
    # Without MANAGE_VOTES the draft page itself stays closed.
    log_in(client, session, people.setting.owner)
    assert client.get(advertising.replace("&amp;", "&")).status_code in {403, 404}


def test_the_json_api_drafts_reads_and_never_names_commenters(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.manager)
    api = f"/api/v1/communities/{people.code}/budgets"
    line = {"name_zh": "车位租金", "kind": "income", "amount": "86400.00", "accounts": ["6002"]}

    created = client.post(api, json={"first": "2024-09", "title": "年度预算", "lines": [line]})

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["state"] == "draft"
    assert body["last"] == "2025-08"
    assert body["lines"][0]["amount_fen"] == 8_640_000
    budget_id = body["id"]
    assert client.post(f"{api}/{budget_id}/open").json()["state"] == "open"
    log_in(client, session, people.setting.owner)
    comment = client.post(f"{api}/{budget_id}/comments", json={"line": 1, "body": "同意"})
    assert comment.status_code == 201, comment.text
    assert set(comment.json()) == {"id", "version", "line", "body", "posted_on", "mine"}
    refused = client.post(f"{api}/{budget_id}/comments", json={"line": 2, "body": "x"})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["code"] == "no_line"
    actual = client.get(f"{api}/{budget_id}/actual", params={"period": "2024-10"})
    assert actual.json()["rows"][0]["budget_fen"] == 720_000
    projection = client.get(f"{api}/{budget_id}/projection").json()
    assert projection["income_budget_fen"] == 8_640_000
    gap = client.get(f"{api}/{budget_id}/gap", params={"advertising": "100"}).json()
    assert gap["after_fen"] - gap["before_fen"] == 120_000
    assert gap["vote_items"] == [8]
    budget = budgets.get_budget(session, people.setting.community.id, budget_id)
    assert (budget.state, budget.first) == (BudgetState.OPEN, Period(2024, 9))


def test_an_entry_s_budget_line_is_chosen_from_the_approved_budget(
    client: TestClient, session: Session, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 11, 5))
    new = f"/c/{people.code}/ledger/new"
    log_in(client, session, people.manager)
    assert "本年度尚无已批准的预算" in client.get(new).text  # a draft is not a budget yet
    approve(client, session, people, draft_through_the_pages(client, session, people))
    log_in(client, session, people.manager)

    form = client.get(new).text
    booked = client.post(
        new,
        data={
            **FORM,
            "booked_on": "2024-11-05",
            "narration": "11月保洁员工资",
            "budget_line": "人员工资",
            "account": ["6601 人员工资及社保", "1001 信托资金银行存款"],
            "debit": ["5300.00", ""],
            "credit": ["", "5300.00"],
        },
        follow_redirects=False,
    )

    assert '<select name="budget_line">' in form
    assert '<option value="人员工资">人员工资</option>' in form
    assert booked.status_code == 303, booked.text
    number = int(str(booked.headers["location"]).rsplit("/", 1)[1])
    entry = ledger.get_entry(session, people.setting.community.id, number)
    assert entry.budget_line == "人员工资"
    assert [p.amount.value for p in entry.postings] == [530000, -530000]


def test_a_budget_line_outside_the_approved_budget_is_refused_by_the_api_and_the_page(
    client: TestClient, session: Session, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 11, 5))
    approve(client, session, people, draft_through_the_pages(client, session, people))
    log_in(client, session, people.manager)
    api = f"/api/v1/communities/{people.code}/ledger/entries"
    wages = {
        "booked_on": "2024-11-05",
        "narration": "11月保洁员工资",
        "postings": [
            {"account": "6601", "amount": "5300.00"},
            {"account": "1001", "amount": "-5300.00"},
        ],
    }

    typed = client.post(api, json={**wages, "budget_line": "随手写的预算项"})
    page = client.post(
        f"/c/{people.code}/ledger/new",
        data={
            **FORM,
            "booked_on": "2024-11-05",
            "narration": "11月保洁员工资",
            "budget_line": "随手写的预算项",
            "account": ["6601 人员工资及社保", "1001 信托资金银行存款"],
            "debit": ["5300.00", ""],
            "credit": ["", "5300.00"],
        },
    )
    chosen = client.post(api, json={**wages, "budget_line": "人员工资"})

    assert typed.status_code == 422, typed.text
    [problem] = typed.json()["error"]["problems"]
    assert problem["code"] == "unknown_budget_line"
    assert problem["where"] == "budget_line"
    assert problem["message"] == "“随手写的预算项”不是 2024-11 已批准预算中的预算项"
    assert page.status_code == 422
    assert "“随手写的预算项”不是 2024-11 已批准预算中的预算项" in page.text
    assert chosen.status_code == 201, chosen.text
    assert ledger.entry_count(session, people.setting.community.id) == 1


def test_the_root_command_installs_the_approved_budget_s_lines_as_the_app_does(
    client: TestClient, session: Session, people: People
) -> None:
    approve(client, session, people, draft_through_the_pages(client, session, people))
    cid, october = people.setting.community.id, Period(2024, 10)
    ledger.use_budget_lines(lambda *_: [])  # as in a process no edge has set up yet

    cli._load_tables()  # what every command's first session runs

    assert ledger.budget_lines(session, cid, october) == ["车位租金", "人员工资", "公共水电"]
