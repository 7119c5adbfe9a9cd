"""Every `sunshine` command and sub-command runs on the demo, as an operator would type it.

The commands come from the root command's own tree (`sunshine --help` and each group's),
so a new command fails `test_every_command_runs_on_the_demo` until the scenario below runs
it. The scenario builds 荆川东园 with the commands themselves (`db upgrade`, `demo load`)
once for the module, then runs each command at least once in order, each in its own
process forked from one that loaded every command (`cli_fork_runner.py`), and records its
exit code. (That a command loading only its own part still gets every table is checked
in a fresh process by test_cli_start_up.py.) Every command must exit 0,
except the deliberate non-zero exits, each stated with its reason where it is run:

- `verify BUNDLE` without `--key`: 1, its authenticity was not checked (issue 11);
- `notice overdue`: 1, the demo's notices after August 2025 are overdue (the exit code is
  what a supervisor's cron job watches);
- `governance meeting overdue`: 1, the demo's joint meeting left actions open past their
  due days (its 开源节流 plan, due 2024-11-30), watched the same way.

`serve` runs as a real server on a free port until it answers a page.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest

from sunshine.entrypoints.cli import app
from tests.entrypoints.cli_fork_runner import command_paths

ROOT = Path(__file__).resolve().parents[2]
SUNSHINE = Path(sys.executable).with_name("sunshine")
COMMANDS = command_paths(app)


@dataclass(frozen=True)
class Ran:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str
    expected: int = 0
    why: str = ""


@dataclass
class Demo:
    """The commands run so far, by command path, and the files they read and wrote."""

    folder: Path
    env: dict[str, str]
    runs: dict[str, list[Ran]] = field(default_factory=dict)

    def record(self, ran: Ran) -> Ran:
        path = max((c for c in COMMANDS if ran.argv[: len(c.split())] == tuple(c.split())),
                   key=len, default=" ".join(ran.argv))  # fmt: skip
        self.runs.setdefault(path, []).append(ran)
        return ran


class Runner:
    """The fork runner: one process, a fresh child per command."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.entrypoints.cli_fork_runner"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=demo.env,
            cwd=ROOT,
        )

    def __call__(self, *argv: str, expected: int = 0, why: str = "") -> Ran:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(argv) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        ran = Ran(argv, answer["code"], answer["out"], answer["err"], expected, why)
        return self.demo.record(ran)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("cli-demo")
    env = {
        **os.environ,
        "SUNSHINE_DATABASE_URL": f"sqlite:///{folder / 'sunshine.db'}",
        "SUNSHINE_VAR_DIR": str(folder / "var"),
        "COLUMNS": "160",
        "SUNSHINE_TEST_DEMO_TODAY": "2025-09-20",  # the demo's first year: see _scenario
    }
    built = Demo(folder, env)
    run = Runner(built)
    try:
        _scenario(run, folder)
    finally:
        run.close()
    built.record(_serve(built))
    return built


def _scenario(run: Runner, tmp: Path) -> None:
    """Each command at least once, in an order where each has what it needs."""
    run("db", "upgrade")
    run("demo", "load")
    run("demo", "logins")
    _registry_and_people(run, tmp)
    _log_and_checkpoints(run, tmp)
    _ledger(run, tmp)
    _notices(run, tmp)
    _registry_changes(run)
    _billing(run, tmp)
    _bank(run)
    _online_orders(run)
    _governance(run)
    _votes(run, tmp)
    _surveys(run)
    expense = _spending(run, tmp)
    _meetings(run, expense)
    run("audit")
    run("audit", "-c", "jcdy")
    run("checkpoint", "sign-due")


def _registry_and_people(run: Runner, tmp: Path) -> None:
    roster = str(tmp / "roster.xlsx")
    run("roster", "export", "--community", "jcdy", "--out", roster)
    run("roster", "import", roster, "--community", "jcdy", "--dry-run")
    run("roster", "import", roster, "--community", "jcdy")
    run("community", "create", "--code", "xhjy", "--name", "新华佳园", "--city", "常州市",
        "--district", "天宁区", "--street", "红梅街道", "--neighbourhood", "新华社区",
        "--address", "新华路1号", "--trustee", "阳光物业", "--trustee-since", "2025-01-01")  # fmt: skip
    run("community", "list")
    run("community", "trustee", "xhjy", "--company", "新华物业", "--from", "2026-01-01")
    run("roster", "import", roster, "--community", "xhjy")  # a second community, filled
    run("user", "add", "--name", "命令行测试", "--username", "cli-owner",
        "--password", "correct horse battery", "--community", "jcdy", "--role", "owner")  # fmt: skip
    run("codes")
    run("disclosure", "jcdy")


def _log_and_checkpoints(run: Runner, tmp: Path) -> None:
    run("log", "status", "-c", "jcdy")
    run("checkpoint", "sign", "-c", "jcdy")
    note = tmp / "checkpoint.txt"
    note.write_text(run("checkpoint", "show", "-c", "jcdy").out, encoding="utf-8")
    member = str(tmp / "member.key")
    public = run("checkpoint", "keygen", "--name", "jcdy-committee-cli", "--out", member)
    key = public.out.splitlines()[0]
    run("checkpoint", "add-key", "-c", "jcdy", "--public", key, "--member", "committee2")
    cited = _decision(run, "同意登记联署密钥", "signing_key:jcdy-committee-cli", "2025-09-01")
    run("checkpoint", "confirm-key", "-c", "jcdy", "--key", "jcdy-committee-cli", "--by", "manager",
        "--authority", cited)  # fmt: skip
    run("checkpoint", "cosign", "--key", member, "--note", str(note))
    run("checkpoint", "cosign", "--key", member, "-c", "jcdy")
    bundle = str(tmp / "bundle.json")
    run("log", "bundle", "-c", "jcdy", "--records", "0,5", "--out", bundle)
    _verify(run, bundle)
    run("verify", bundle, expected=1, why="no --key: the bundle's authenticity was not checked")
    run("verify", bundle, "--structure-only")
    run("checkpoint", "retire-key", "-c", "jcdy", "--key", "jcdy-committee-cli")


def _decision(run: Runner, title: str, about: str, on: str) -> str:
    """The demo 物管会's decision about `about` (three of four in favour), announced: decision:N."""
    made = run("governance", "decide", "jcdy", "1", title, "--on", on, "--present", "1,2,3,4",
               "--yes", "1,2,3", "--about", about)  # fmt: skip
    found = re.search(r"\d+", made.out)
    number = found.group(0) if found else "0"
    run("governance", "announce", "jcdy", number, "--on", on)  # on time: `late` finds none
    return f"decision:{number}"


def _verify(run: Runner, bundle: str) -> None:
    """Verify `bundle` with the platform key the log prints."""
    key = run("log", "keys", "-c", "jcdy").out.splitlines()[0].split("  #")[0]
    run("verify", bundle, "--key", key)


def _ledger(run: Runner, tmp: Path) -> None:
    run("ledger", "accounts", "-c", "jcdy")
    for kind in ("trial-balance", "income", "ledger", "balance"):
        run("ledger", "report", "-c", "jcdy", "--kind", kind, "--period", "2024-10",
            "--account", "1001")  # fmt: skip
    run("ledger", "add-account", "-c", "jcdy", "--code", "660299", "--name-zh", "命令行测试",
        "--name-en", "CLI test", "--category", "common_upkeep", "--parent", "6602",
        "--on", "2025-09-01")  # fmt: skip
    run("ledger", "terms", "-c", "jcdy", "--from", "2025-09", "--fixed", "3000.00",
        "--contract", "信托合同第五条（续约）")  # fmt: skip
    run("ledger", "remuneration", "-c", "jcdy", "--period", "2025-09")
    journal = tmp / "journal.csv"
    journal.write_text(
        "txn_id,date,account,amount,currency,narration\n"
        "CLI-1,2025-09-15,660299,12.00,CNY,命令行测试\n"
        "CLI-1,2025-09-15,1001,-12.00,CNY,命令行测试\n",
        encoding="utf-8",
    )
    run("ledger", "import", str(journal), "-c", "jcdy")
    run("ledger", "close", "-c", "jcdy", "--period", "2024-10", "--requested-by", "manager")
    cited = _decision(run, "同意2024年10月结账", "month_close:2024-10", "2024-11-02")
    run("ledger", "close", "-c", "jcdy", "--period", "2024-10", "--countersigned-by", "committee",
        "--authority", cited)  # fmt: skip
    entry = str(tmp / "entry-3.json")
    run("ledger", "bundle", "-c", "jcdy", "--entry", "3", "--out", entry)
    _verify(run, entry)


def _notices(run: Runner, tmp: Path) -> None:
    run("notice", "calendar", "-c", "jcdy")
    run("notice", "show", "-c", "jcdy", "--period", "2024-10")
    run("notice", "pdf", "-c", "jcdy", "--period", "2024-10", "--out", str(tmp / "notice.pdf"))
    run("notice", "bundle", "-c", "jcdy", "--period", "2024-10", "--out", str(tmp / "n.json"))
    run("notice", "export", "-c", "jcdy", "--period", "2024-10", "--out", str(tmp / "n.xlsx"))
    run("notice", "export", "-c", "jcdy", "--period", "2024-10", "--ledger",
        "--out", str(tmp / "ledger.csv"))  # fmt: skip
    run("notice", "publish", "-c", "jcdy", "--period", "2025-09")
    run("notice", "overdue", expected=1,
        why="the demo's notices after 2025-09 are overdue: supervisors' cron watches the code")  # fmt: skip
    run("notice", "schedule", "-c", "jcdy", "--starts", "2024-09")
    archive = str(tmp / "books.zip")
    run("handover", "-c", "jcdy", "--out", archive)
    _verify(run, archive)


def _registry_changes(run: Runner) -> None:
    unit = ("--community", "jcdy", "--unit", "1-1-101")
    run("registry", "history", *unit)
    run("registry", "transfer", *unit, "--to", "19900000049", "--on", "2025-06-01",
        "--reason", "sale")  # fmt: skip
    run("registry", "move-in", *unit, "--person", "19900000049", "--on", "2025-06-02",
        "--kind", "owner_occupier")  # fmt: skip
    run("registry", "move-out", *unit, "--person", "19900000049", "--on", "2025-07-01")
    run("registry", "edit-person", "--community", "jcdy", "--person", "19900000049",
        "--note", "命令行测试")  # fmt: skip
    run("registry", "remove-vehicle", "--community", "jcdy", "--plate", "苏DA1234")


def _billing(run: Runner, tmp: Path) -> None:
    run("billing", "add-item", "jcdy", "--code", "cli-fee", "--name", "命令行测试费",
        "--kind", "per_household_year", "--account", "6004", "--first-month", "9")  # fmt: skip
    run("billing", "rate", "jcdy", "--item", "cli-fee", "--rate", "1.00", "--from", "2025-09-01")
    run("billing", "items", "jcdy")
    run("billing", "lease", "jcdy", "--space", "CLI-1", "--unit-id", "1", "--from", "2025-09-01")
    run("billing", "run", "jcdy", "--item", "cli-fee", "--period", "2025-09", "--preview")
    run("billing", "run", "jcdy", "--item", "cli-fee", "--period", "2025-09")
    run("billing", "pay", "jcdy", "--unit-id", "1", "--amount", "1.00")
    run("billing", "receipt", "jcdy", "1", "--pdf", str(tmp / "receipt.pdf"), "--half")
    run("billing", "arrears", "jcdy", "--on", "2025-09-20")
    run("billing", "terms", "jcdy")


def _bank(run: Runner) -> None:
    statement = Path(__file__).parents[1] / "banking" / "samples" / "jcdy_2024_10_jsb.csv"
    run("bank", "account", "jcdy", "32040188000012345678", "--bank", "jsb")  # the demo's, again
    run("bank", "reconcile", "jcdy", "--date", "2024-10-31", "--no-record")  # the demo's: balances
    # The bank's own summary of October: lines the account does not hold by their references.
    run("bank", "import", "jcdy", str(statement), "--bank", "jsb")
    run("bank", "match", "jcdy")


def _online_orders(run: Runner) -> None:
    run("billing", "orders", "open", "jcdy", "3-1-601", "100.00")  # the development channel
    run("billing", "orders", "book")
    run("billing", "orders", "close-expired")
    run("billing", "orders", "refused")


def _governance(run: Runner) -> None:
    """A committee of the demo's first three people decides, announces on time, recounts."""
    # The demo has its own 物管会 (committee 1, members 1-4): this one is the next of each.
    committee = _first_number(run("governance", "committee", "jcdy", "物业管理委员会",
                                  "--formed", "2024-01-01", "--kind", "property_committee"))  # fmt: skip
    members = [
        _first_number(run("governance", "member", "jcdy", committee, party, "--from", "2024-01-01"))
        for party in ("1", "2", "3")
    ]
    run("governance", "members", "jcdy", committee, "--on", "2024-10-31")
    two = ",".join(members[:2])
    made = run("governance", "decide", "jcdy", committee, "批准大门更换", "--on", "2024-10-31",
               "--present", two, "--yes", two)  # fmt: skip
    found = re.search(r"\d+", made.out)  # after the demo's own decisions (budgets, key)
    number = found.group(0) if found else "0"
    run("governance", "announce", "jcdy", number, "--on", "2024-11-02")
    run("governance", "recount", "jcdy", number)
    run("governance", "late", "jcdy", "--today", "2024-11-10")
    run("governance", "require", "jcdy")
    run("governance", "require", "jcdy", "expense", "--off", "--by", "committee")
    run("governance", "link", "jcdy")
    linked = run("governance", "link", "jcdy", "budget:2024/v1")
    assert "decision:1" in linked.out, linked.out  # the demo's budget rests on decision 1


def _votes(run: Runner, tmp: Path) -> None:
    """An owners' vote of building 1: drafted, opened, a paper and a proxy ballot, closed.

    Parties 5 and 6 own 1-1-202 and 1-1-301 (party 2 sold 1-1-101 above).
    """
    scan, letter = tmp / "ballot.pdf", tmp / "proxy.pdf"
    scan.write_bytes(b"%PDF-1.4\n%ballot\n")
    letter.write_bytes(b"%PDF-1.4\n%proxy\n")
    made = run("governance", "vote", "create", "jcdy", "1幢电梯更换表决", "--matter",
               "5:动用维修资金更换电梯", "--matter", "8:东门空地改作停车场", "--opens",
               "2025-10-01T09:00", "--closes", "2025-10-15T18:00", "--notice", "10月1日至15日表决",
               "--notice-on", "2025-09-15", "--building", "1")  # fmt: skip
    number = re.search(r"\d+", made.out)  # the demo holds a vote of its own already
    assert number is not None, made.out
    vote = number.group(0)
    run("governance", "vote", "open", "jcdy", vote, "--at", "2025-10-01T09:00")
    paper = run("governance", "vote", "ballot", "jcdy", vote, "5", "--answer", "1=yes",
                "--answer", "2=no", "--scan", str(scan), "--at", "2025-10-02T10:00")  # fmt: skip
    run("governance", "vote", "ballot", "jcdy", vote, "6", "--answer", "1=yes", "--way", "proxy",
        "--authorisation", str(letter), "--at", "2025-10-02T10:00")  # fmt: skip
    run("governance", "vote", "close", "jcdy", vote, "--at", "2025-10-15T18:00")
    run("governance", "vote", "show", "jcdy", vote)
    run("governance", "vote", "recount", "jcdy", vote)
    assert paper.code == 0, paper.err
    receipt = paper.out.split()[-1]
    found = run("governance", "vote", "receipt", "jcdy", vote, receipt)
    assert "counted" in found.out or "计入" in found.out, found.out


def _first_number(ran: Ran) -> str:
    """The first number a command printed: what it made (survey, expense, meeting, action)."""
    found = re.search(r"\d+", ran.out)
    assert found is not None, f"{ran.argv}: {ran.out}{ran.err}"
    return found.group(0)


def _surveys(run: Runner) -> None:
    """A household survey after the demo's own: opened, answered three ways, closed, announced.

    One answer is changed by a later call (one response counts per unit), one form is blank.
    """
    opened = run("governance", "survey", "open", "jcdy", "东门空地改作停车场意见征求",
                 "--question", "是否同意东门空地改作停车场？|同意/不同意/无意见",
                 "--question", "车位如何分配？|抽签/先到先得",
                 "--opens", "2025-10-01", "--closes", "2025-10-10", "--households")  # fmt: skip
    survey = _first_number(opened)
    entered = ("jcdy", survey)
    run("governance", "survey", "respond", *entered, "1-2-301", "--channel", "door", "--by",
        "staff", "--answer", "1=1", "--answer", "2=2", "--at", "2025-10-02T10:00")  # fmt: skip
    run("governance", "survey", "respond", *entered, "1-2-301", "--channel", "phone", "--by",
        "staff", "--answer", "1=2", "--at", "2025-10-04T10:00")  # fmt: skip
    run("governance", "survey", "respond", *entered, "1-1-202", "--channel", "paper", "--by",
        "staff", "--at", "2025-10-03T10:00")  # fmt: skip
    run("governance", "survey", "respond", *entered, "1-1-301", "--channel", "door", "--by",
        "staff", "--answer", "1=1", "--answer", "2=1", "--at", "2025-10-05T10:00")  # fmt: skip
    run("governance", "survey", "show", *entered)  # counted while open
    run("governance", "survey", "close", *entered, "--on", "2025-10-11")
    shown = run("governance", "survey", "show", *entered)
    assert "50.0%" in shown.out, shown.out  # question 1: one in favour, one against, one blank
    run("governance", "announcement", "publish", "jcdy", "survey", "东门空地改作停车场意见征求结果公告",
        "--ref", f"survey:{survey}", "--text", "意见征求已结束，结果见意见征求页面。",
        "--on", "2025-10-12")  # fmt: skip
    run("governance", "announcement", "list", "jcdy")


def _spending(run: Runner, tmp: Path) -> str:
    """New limits; the demo's waiting camera upgrade refused by one more member (it still
    waits); an expense above the vote limit objected to, answered, linked to the demo's passed
    vote, approved by three of the 物管会's four members and paid. Returns its ref.
    """
    run("governance", "expense", "limits", "jcdy", "--committee", "1", "--approval", "3000.00",
        "--vote", "50000.00", "--needed", "3", "--routine", "6601", "--routine", "6603",
        "--routine", "6604", "--routine", "6605", "--routine", "6607", "--routine", "660801",
        "--routine", "660802", "--from", "2025-10-01", "--by", "committee")  # fmt: skip
    run("governance", "expense", "answer", "jcdy", "3", "committee4", "refuse",
        "--comment", "已有监控维护费，建议并入明年预算", "--on", "2025-08-20")  # fmt: skip
    quote = tmp / "quote.pdf"
    quote.write_bytes(b"%PDF-1.4\n%quote\n")
    proposed = run("governance", "expense", "propose", "jcdy", "东门充电车位安装充电桩",
                   "--amount", "60000.00", "--account", "6602",
                   "--payee", "常州绿源新能源科技有限公司", "--quote", str(quote),
                   "--on", "2025-10-20", "--by", "manager")  # fmt: skip
    expense = _first_number(proposed)
    run("governance", "expense", "object", "jcdy", expense, "请补充第二家单位的报价",
        "--by", "supervisor")  # fmt: skip
    run("governance", "expense", "reply", "jcdy", expense, "已补充第二家报价，原报价较低",
        "--by", "manager")  # fmt: skip
    run("governance", "expense", "vote", "jcdy", expense, "vote:1/1", "--by", "manager")
    for member in ("committee", "committee2", "committee3"):
        run("governance", "expense", "answer", "jcdy", expense, member, "approve",
            "--comment", "同意", "--on", "2025-10-22")  # fmt: skip
    run("governance", "expense", "pay", "jcdy", expense, "--on", "2025-10-25", "--by", "manager")
    shown = run("governance", "expense", "show", "jcdy", expense)
    assert "vote:1/1" in shown.out, shown.out  # the demo's vote 1: its matter 1 passed
    assert "approved" in shown.out, shown.out
    assert "entry" in shown.out, shown.out  # paid
    run("governance", "expense", "list", "jcdy")
    return f"expense:{expense}"


def _meetings(run: Runner, expense: str) -> None:
    """A second joint meeting: notice, four parties and a guest, published, followed, corrected."""
    created = run("governance", "meeting", "create", "jcdy", "荆川东园四方联席会议：充电车位与开源节流",
                  "--on", "2025-10-28", "--place", "锦阳苑社区党群服务中心会议室")  # fmt: skip
    meeting = _first_number(created)
    held = ("jcdy", meeting)
    run("governance", "announcement", "publish", "jcdy", "meeting_notice", "四方联席会议通知",
        "--ref", f"meeting:{meeting}", "--text", "10月28日下午在社区党群服务中心召开四方联席会议。",
        "--on", "2025-10-21", "--due", "2025-10-21")  # fmt: skip
    for party, organisation, role, *name in (
        ("party_committee", "锦阳苑社区党委", "书记", "陈立新"),
        ("grid_branch", "锦阳苑社区第三网格党支部", "书记", "王芳"),
        ("committee", "荆川东园物业管理委员会", "主任"),
        ("guest", "属地派出所", "社区民警"),
        ("trustee", "常州鼎盛物业服务有限责任公司", "项目经理", "刘建国"),
    ):
        named = ("--name", *name) if name else ()
        attended = run("governance", "meeting", "attend", *held, "--party", party,
                       "--organisation", organisation, "--role", role, *named)  # fmt: skip
    assert "四方均已参会" in attended.out, attended.out  # the trustee came last
    run("governance", "meeting", "agenda", *held, "东门充电车位安装充电桩")
    run("governance", "meeting", "agenda", *held, "开源节流方案进展")
    run("governance", "meeting", "minutes", *held,
        "会议由锦阳苑社区党委书记主持。物业公司汇报充电桩报价及业主表决结果。")  # fmt: skip
    run("governance", "meeting", "resolve", *held,
        "充电桩由物业公司按已批准的支出安装，11月底前完工。")  # fmt: skip
    run("governance", "meeting", "resolve", *held, "物管会于12月底前提出开源节流方案。")
    added = run("governance", "meeting", "action", *held, "充电桩安装完成并验收",
                "--party", "trustee", "--owner", "物业项目经理", "--due", "2025-11-30",
                "--ref", expense, "--ref", "vote:1/1")  # fmt: skip
    action = _first_number(added)
    run("governance", "meeting", "action", *held, "提出开源节流方案", "--party", "committee",
        "--owner", "物管会主任", "--due", "2025-12-31", "--ref", "meeting:1")  # fmt: skip
    run("governance", "meeting", "publish", *held, "--on", "2025-10-30")
    run("governance", "meeting", "done", "jcdy", action, "--on", "2025-11-28")
    run("governance", "meeting", "correct", *held, "--reason", "补记列席单位", "--minutes",
        "会议由锦阳苑社区党委书记主持，四方参加，属地派出所列席。物业公司汇报充电桩报价及业主表决结果。",
        "--on", "2025-11-03")  # fmt: skip
    run("governance", "meeting", "show", *held)
    run("governance", "meeting", "list", "jcdy")
    run("governance", "meeting", "overdue", "jcdy", "--today", "2025-12-05", expected=1,
        why="the demo meeting's 开源节流 plan (due 2024-11-30) is not done: cron watches the code")  # fmt: skip


def _serve(demo: Demo) -> Ran:
    """`sunshine serve` on a free port, until it answers the home page (or 60 s pass)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = ("serve", "--port", str(port))
    server = subprocess.Popen(
        [str(SUNSHINE), *argv], env=demo.env, cwd=demo.folder,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        status = _first_answer(f"http://127.0.0.1:{port}/", server)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    return Ran(argv, 0 if status == 200 else 1, f"HTTP {status}", err)


def _first_answer(url: str, server: subprocess.Popen[str]) -> int | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.1)  # not listening yet: poll again
    return None


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_runs_on_the_demo(demo: Demo, command: str) -> None:
    runs = demo.runs.get(command)
    assert runs, f"`sunshine {command}` has no case: run it in this module's scenario"
    for ran in runs:
        shown = f"sunshine {' '.join(ran.argv)} exited {ran.code}:\n{ran.out}\n{ran.err}"
        assert ran.code == ran.expected, shown
        assert "Traceback" not in ran.err, shown


def test_the_scenario_runs_only_commands_that_exist(demo: Demo) -> None:
    assert set(demo.runs) <= set(COMMANDS)


def test_a_deliberate_non_zero_exit_says_why(demo: Demo) -> None:
    deliberate = sorted(
        (command, ran.why)
        for command, runs in demo.runs.items()
        for ran in runs
        if ran.expected != 0
    )
    assert all(why for _, why in deliberate)
    assert {command for command, _ in deliberate} == {
        "notice overdue",
        "verify",
        "governance meeting overdue",
    }
