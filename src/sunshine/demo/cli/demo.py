"""`sunshine demo load` (the reference community 荆川东园, once) and `sunshine demo logins`.

Text is short and bilingual, Chinese first: these commands are run by whoever sets up a
demo, before any language has been chosen.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.table import Table

from sunshine.demo import service as demo
from sunshine.infra.db import open_session
from sunshine.registry import service as registry

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="The reference community 荆川东园 (jcdy).",
)


@app.command("load")
def load() -> None:
    """Load the reference community if it is not there yet; otherwise change nothing."""
    console = Console()
    with open_session(writes=True) as session:
        if registry.find_community(session, demo.CODE) is not None:
            console.print("荆川东园 (jcdy) 已载入，未作改动 / already loaded, nothing changed")
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("载入荆川东园 / loading", total=demo.STEPS)

            def step(label: str) -> None:
                progress.update(task, advance=1, description=label)

            community = demo.load_reference_community(session, report=step)
        summary = registry.summarise(session, community)
        session.commit()
    console.print(
        f"已载入{community.name} ({community.code}) / loaded: "
        f"{summary.buildings} 幢 buildings, {summary.households} 户 households, "
        f"{summary.owners} 位业主 owners, {summary.vehicles} 辆车 vehicles, "
        f"{summary.resident_spaces}+{summary.visitor_spaces} 个车位 parking spaces",
        soft_wrap=True,  # one line, not cut at the terminal's width in mid-phrase
    )


@app.command("logins")
def logins() -> None:
    """Print one demo login per role."""
    table = Table(title="演示账号 / demo logins")
    for header in ("角色", "role", "登录 / login", "密码 / password"):
        table.add_column(header)
    for login in demo.LOGINS:
        how = "手机验证码 / code" if login.by_phone else demo.DEMO_PASSWORD
        table.add_row(login.title_zh, login.title_en, login.login, how)
    console = Console()
    console.print(table)
    console.print(
        f"密码均为 / every password is: {demo.DEMO_PASSWORD}\n"
        "验证码用 `sunshine codes` 查看 / login codes are shown by `sunshine codes`"
    )
