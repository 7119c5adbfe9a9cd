"""The root `sunshine` command: serve, db, and each part's sub-commands.

Domain errors become one line each and exit code 2.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from typing import Annotated

import typer

from sunshine.infra import catalogue
from sunshine.infra import tenancy
from sunshine.infra.lazy_cli import lazy_group
from sunshine.kernel.errors import SunshineError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from sunshine.kernel.periods import Period
    from sunshine.ledger.service.budget_lines import LineFigures

# Each part's commands, imported only when run: the import of the whole app costs about
# a second that `sunshine ledger import` or `sunshine verify` need not pay.
_PARTS = {
    "demo": "sunshine.demo.cli.demo:app",
    "roster": "sunshine.registry.cli.roster:app",
    "disclosure": "sunshine.registry.cli.disclosure:disclosure",
    "community": "sunshine.registry.cli.community:app",
    "registry": "sunshine.registry.cli.changes:app",
    "user": "sunshine.identity.cli.users:user_app",
    "codes": "sunshine.identity.cli.users:codes",
    "verify": "sunshine.transparency.cli.log:verify",
    "checkpoint": "sunshine.transparency.cli.log:checkpoint_app",
    "log": "sunshine.transparency.cli.log:log_app",
    "ledger": "sunshine.ledger.cli:app",
    "audit": "sunshine.ledger.cli.audit:audit",
    "notice": "sunshine.disclosure.cli.notices:app",
    "handover": "sunshine.disclosure.cli.notices:handover",
    "bank": "sunshine.banking.cli.bank:app",
    "billing": "sunshine.billing.cli:app",
    "governance": "sunshine.governance.cli.committee:app",
}

app = typer.Typer(
    cls=lazy_group(_PARTS),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Sunshine 阳光信托物业平台: trust-model property services.",
)
db_app = typer.Typer(no_args_is_help=True, help="The database: create or upgrade it.")
app.add_typer(db_app, name="db")


def _community_ref(session: Session, code: str) -> tenancy.CommunityRef | None:
    from sunshine.registry import service

    return service.community_ref(session, code)


def _community_refs(session: Session) -> list[tenancy.CommunityRef]:
    from sunshine.registry import service

    return service.community_refs(session)


def _budget_line_names(session: Session, community_id: int, period: Period) -> list[str]:
    from sunshine.disclosure.service import budget_lines

    return budget_lines.line_names(session, community_id, period)


def _budget_line_figures(
    session: Session, community_id: int, period: Period, line: str
) -> LineFigures | None:
    from sunshine.disclosure.service import budget_lines

    return budget_lines.line_figures(session, community_id, period, line)


def _load_tables() -> None:
    """Every part's tables, the ledger's budget lines, the notice's sections: as create_app."""
    from sunshine.entrypoints import notice_sections
    from sunshine.entrypoints import tables  # noqa: F401 - imported for its side effect
    from sunshine.governance.service import authority as governance_authority
    from sunshine.governance.service.spending import gate
    from sunshine.infra.authority import use_authority
    from sunshine.infra.spending_gate import use_gate
    from sunshine.ledger.service.budget_lines import use_budget_lines
    from sunshine.ledger.service.budget_lines import use_line_figures

    use_budget_lines(_budget_line_names)  # so a command books against the approved budget
    use_line_figures(_budget_line_figures)  # so a command's expense is marked over its line
    use_gate(gate)  # above the spending limit, only an approved expense is booked
    notice_sections.register_all()  # so a command's notice holds the app's sections
    # so a command's budget, close or key cites the committee decision governance checks
    use_authority(governance_authority.check, governance_authority.find)


# Parts below registry find communities through the lookup installed here, and every
# command's first session loads every part's tables (`infra.catalogue`) and the sources
# one part installs in another (the budget lines).
tenancy.use_lookup(_community_ref, every=_community_refs)
catalogue.use_catalogue(_load_tables)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring it to the newest schema (Alembic)."""
    from sunshine.infra import migrate
    from sunshine.infra.db import make_engine
    from sunshine.infra.settings import get_settings

    settings = get_settings()
    if settings.database_url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine()
    migrate.upgrade(engine)
    engine.dispose()
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the web app and the JSON API."""
    import uvicorn

    from sunshine.infra.settings import get_settings
    from sunshine.infra.settings import start_up_problems

    typer.echo(f"Sunshine is at http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)")
    for problem in start_up_problems(get_settings(), serving_host=host):
        typer.echo(f"WARNING: {problem}", err=True)
    uvicorn.run(
        "sunshine.entrypoints.asgi:app",
        host=host,
        port=port,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


def main() -> None:
    """Run the CLI; print domain errors (in the deployment's language) one line each, exit 2."""
    try:
        app()
    except SunshineError as exc:
        report_error(exc)
        raise SystemExit(2) from None
    except Exception as exc:
        busy = _busy(exc)
        if busy is None:
            raise
        report_error(busy)
        raise SystemExit(2) from None


def _busy(exc: Exception) -> SunshineError | None:
    """A transient database failure (locked past its timeout by a server writing, a lost race)."""
    if "sqlalchemy" not in sys.modules:  # no database was opened; keep start-up light
        return None
    from sunshine.infra.work import Transient
    from sunshine.infra.work import transient
    from sunshine.kernel.errors import Busy
    from sunshine.kernel.errors import Conflict

    failure = transient(exc)
    if failure is Transient.BUSY:
        return Busy("the system is busy; please try again in a moment")
    if failure is Transient.CONFLICT:
        return Conflict("someone else changed the same data at the same time; please try again")
    return None


def report_error(exc: SunshineError) -> None:
    """Print an error and its problems translated, with their fields filled in, to stderr."""
    from sunshine.infra.i18n import translations
    from sunshine.infra.settings import get_settings

    gettext = translations(get_settings().default_locale).gettext
    typer.secho(exc.text(gettext), err=True, fg="red")
    for problem in exc.problems:
        where = f"{problem.where}: " if problem.where else ""
        typer.secho(f"  - {where}{problem.text(gettext)} [{problem.code}]", err=True)
