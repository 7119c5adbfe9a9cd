"""`sunshine verify`, `sunshine checkpoint …` and `sunshine log …`: check and sign the public log.

`verify` and `checkpoint cosign --note` need no database: an owner or a committee member
runs them on their own machine. The rest act on one community's log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import NotFound
from sunshine.transparency import service
from sunshine.transparency.models import Checkpoint
from sunshine.transparency.rules import records as rules
from sunshine.transparency.rules import verifier

checkpoint_app = typer.Typer(no_args_is_help=True, help="Sign and co-sign checkpoints of a log.")
log_app = typer.Typer(no_args_is_help=True, help="Inspect a community's log and export bundles.")
console = Console()

Community = Annotated[str, typer.Option("--community", "-c", help="Community code, e.g. jcdy.")]


def verify(
    bundle: Annotated[Path, typer.Argument(help="A bundle exported by `sunshine log bundle`.")],
    key: Annotated[
        list[str] | None, typer.Option(help="A public key you trust (text or file); repeatable.")
    ] = None,
    saved: Annotated[Path | None, typer.Option(help="A checkpoint you saved earlier.")] = None,
    origin: Annotated[
        str | None, typer.Option(help="The log you expect, e.g. sunshine/jcdy.")
    ] = None,
    structure_only: Annotated[
        bool,
        typer.Option(
            "--structure-only",
            help="Without --key: check only the bundle's form, not who signed it.",
        ),
    ] = False,
) -> None:
    """Check a bundle offline: signatures, records, proofs, and consistency with SAVED.

    Exits 0 only if every check holds. Without --key the bundle's authenticity is not
    checked, and that fails unless --structure-only asks for its form alone.
    """
    argv = [str(bundle)]
    for item in key or []:
        argv += ["--key", item]
    if saved is not None:
        argv += ["--saved", str(saved)]
    if origin is not None:
        argv += ["--origin", origin]
    if structure_only:
        argv.append("--structure-only")
    raise typer.Exit(code=verifier.main(argv))


@checkpoint_app.command("sign")
def sign(community: Community) -> None:
    """Sign the log's current size and root with the platform key."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        row = service.sign_checkpoint(session, ref.id, origin=ref.origin)
        text = service.signed_note(session, ref.id, row).text()
        session.commit()
    typer.echo(text, nl=False)


@checkpoint_app.command("sign-due")
def sign_due() -> None:
    """Sign every community's log that grew since its last checkpoint (run daily: cron, systemd).

    Owners prove a record against a signed checkpoint, so records appended since the last
    one (bookings, vouchers, an import) become provable once this runs. A log whose latest
    checkpoint covers every record is left alone, so running it twice signs nothing new;
    each community is committed on its own. The timer: docs/operations.md.
    """
    _ = translations(get_settings().default_locale).gettext
    signed = 0
    with open_session(writes=True) as session:
        for ref in tenancy.every_community(session):
            before = service.latest_checkpoint(session, ref.id)
            row = service.sign_if_behind(session, ref.id, origin=ref.origin)
            session.commit()
            if row is None:
                continue
            signed += 1
            new = row.tree_size - (0 if before is None else before.tree_size)
            typer.echo(
                _("{community}: signed checkpoint {size} ({new} new records)").format(
                    community=ref.code, size=row.tree_size, new=new
                )
            )
    if not signed:
        typer.echo(_("Every log is covered by a signed checkpoint: nothing to sign."))


@checkpoint_app.command("show")
def show(
    community: Community,
    size: Annotated[int | None, typer.Option(help="Tree size; default the latest.")] = None,
) -> None:
    """Print a checkpoint's signed note (save it: `verify --saved` checks later ones against it)."""
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        row = _checkpoint(session, ref.id, size)
        typer.echo(service.signed_note(session, ref.id, row).text(), nl=False)


@checkpoint_app.command("keygen")
def keygen(
    name: Annotated[str, typer.Option(help="Key name, e.g. jcdy-committee-zhou.")],
    out: Annotated[Path, typer.Option(help="Where to write the private key (mode 0600).")],
) -> None:
    """Make a committee member's key pair; print the public key to register."""
    signer = rules.Signer.generate(name)
    rules.write_private_key(out, signer)
    typer.echo(signer.public.text())
    typer.echo(f"fingerprint: {signer.public.fingerprint}")


@checkpoint_app.command("add-key")
def add_key(
    community: Community,
    public: Annotated[str, typer.Option(help="The public key printed by `checkpoint keygen`.")],
    member: Annotated[
        str | None, typer.Option(help="The committee member's username: whose key it is.")
    ] = None,
    device: Annotated[str, typer.Option(help="Where the key is kept, for its member.")] = "",
) -> None:
    """Register a committee member's public key; it counts once someone else confirms it."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        member_id = None if member is None else _user_id(session, member)
        row = service.register_committee_key(
            session, ref.id, public_key=public, member_id=member_id, device=device
        )
        session.commit()
    typer.echo(f"registered {row.name}: {rules.PublicKey(row.name, row.public_key).fingerprint}")
    typer.echo(f"confirm it: sunshine checkpoint confirm-key -c {ref.code} --key {row.name} --by …")


@checkpoint_app.command("confirm-key")
def confirm_key(
    community: Community,
    key: Annotated[str, typer.Option(help="The key's name.")],
    by: Annotated[str, typer.Option(help="Who confirms: a committee member or the manager.")],
    authority: Annotated[
        str | None,
        typer.Option(help="The committee decision registering the key: decision:N."),
    ] = None,
) -> None:
    """Confirm a member's key (by another member or the manager, as in the web app)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        service.confirm_key(session, ref.id, key, by_id=_user_id(session, by), authority=authority)
        session.commit()
    typer.echo(f"confirmed {key}")


@checkpoint_app.command("retire-key")
def retire_key(
    community: Community,
    key: Annotated[str, typer.Option(help="The key's name.")],
) -> None:
    """Retire a committee key (a lost or replaced device), as the server's operator."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        row = service.committee_key(session, ref.id, key)
        by = row.member_id if row.member_id is not None else 0
        service.retire_key(session, ref.id, key, by_id=by, others=True)
        session.commit()
    typer.echo(f"retired {key}")


def _user_id(session: Session, username: str) -> int:
    user = identity.find_user_by_username(session, username)
    if user is None:
        raise NotFound("there is no user {name}", args={"name": username})
    return user.id


@checkpoint_app.command("cosign")
def cosign(
    key: Annotated[Path, typer.Option(help="Your private key file.")],
    note: Annotated[
        Path | None, typer.Option(help="A checkpoint note file, signed offline.")
    ] = None,
    community: Annotated[str | None, typer.Option("--community", "-c")] = None,
    size: Annotated[int | None, typer.Option(help="Checkpoint size; default the latest.")] = None,
) -> None:
    """Co-sign a checkpoint with a committee key (the two-password account, in software).

    With --note, nothing is sent anywhere: the signature line is printed for the member to
    hand over. With --community, the line is checked and attached to the checkpoint.
    """
    signer = rules.read_private_key(key)
    if note is not None:
        signed = rules.parse_signed_checkpoint(note.read_text(encoding="utf-8"))
        typer.echo(rules.signature_over(signed.checkpoint, signer).line())
        return
    if community is None:
        typer.secho("give --note FILE (offline) or --community CODE", err=True)
        raise typer.Exit(code=2)
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        row = _checkpoint(session, ref.id, size)
        service.cosign_checkpoint(session, ref.id, tree_size_=row.tree_size, signer=signer)
        session.commit()
    typer.echo(f"co-signed checkpoint {row.tree_size} as {signer.name}")


@log_app.command("status")
def status(community: Community) -> None:
    """Size, root and keys of a community's log."""
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        size = service.tree_size(session, ref.id)
        root = service.root(session, ref.id, size)
        keys = service.public_keys(session, ref.id)
    table = Table(title=f"{ref.name} · {ref.origin}")
    table.add_column("")
    table.add_column("")
    table.add_row("records", str(size))
    table.add_row("root", root.hex())
    for key in keys:
        table.add_row(key.name, f"{key.fingerprint}\n{key.text()}")
    console.print(table)


@log_app.command("keys")
def keys(community: Community) -> None:
    """Print the log's public keys, one per line, as `verify --key` takes them."""
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        for key in service.public_keys(session, ref.id):
            typer.echo(f"{key.text()}  # {key.fingerprint}")


@log_app.command("bundle")
def bundle(
    community: Community,
    out: Annotated[Path, typer.Option(help="Where to write the bundle (JSON).")],
    records: Annotated[str, typer.Option(help="Record numbers, e.g. 0,5,17 (or 'all').")] = "",
    size: Annotated[int | None, typer.Option(help="Checkpoint size; default the latest.")] = None,
    since: Annotated[int | None, typer.Option(help="Size of a checkpoint you saved.")] = None,
) -> None:
    """Export a bundle that `sunshine verify` checks with no database.

    It needs records (--records) or a saved checkpoint to extend (--since): a bundle of a
    checkpoint alone proves nothing about the log, and `sunshine verify` fails it.
    """
    if not records and since is None:
        typer.secho("give --records (e.g. 0,5 or all) or --since: an empty bundle proves nothing",
                    err=True)  # fmt: skip
        raise typer.Exit(code=2)
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        total = service.tree_size(session, ref.id) if size is None else size
        seqs = list(range(total)) if records == "all" else _numbers(records)
        if size is None and service.latest_checkpoint(session, ref.id) is None:
            service.sign_checkpoint(session, ref.id, origin=ref.origin)
        data = service.build_bundle(
            session, ref.id, origin=ref.origin, seqs=seqs, size=size, since=since
        )
        session.commit()  # keeps the checkpoint signed for a never-signed log
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    typer.echo(f"wrote {out}: {len(seqs)} records")


def _checkpoint(session: Session, community_id: int, size: int | None) -> Checkpoint:
    """The checkpoint of `size`, or the latest; exit 1 if the log was never signed."""
    if size is not None:
        return service.get_checkpoint(session, community_id, size)
    row = service.latest_checkpoint(session, community_id)
    if row is None:
        typer.secho("no checkpoint yet: run `sunshine checkpoint sign`", err=True)
        raise typer.Exit(code=1)
    return row


def _numbers(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        typer.secho(f"not a list of record numbers: {text}", err=True)
        raise typer.Exit(code=2) from None
