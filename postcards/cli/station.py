"""``postcards serve``: the campaign station and its desk, in the browser."""

from __future__ import annotations

from dataclasses import replace

import click

from postcards.cli.shell import (
    campaign_from,
    campaign_option,
    main,
    print_problems,
    reported_errors,
    with_bom_choice,
)
from postcards.cli.tracking import open_ledger
from postcards.config import Settings


def _as_served(ctx: click.Context, read: Settings) -> Settings:
    """campaign.toml as the desk reads it again, with --office and --no-bom applied."""
    office = ctx.find_root().obj.get("office")
    return with_bom_choice(ctx, read if office is None else replace(read, office=office))


def _design_fonts(campaign: Settings):
    from postcards.cards.design import load_design

    return load_design(campaign.design, campaign.root).fonts


@main.command()
@campaign_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 for phones on the office network.",
)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", help="Token, 16 characters or more (default: a new one, off localhost).")
@click.option(
    "--tls",
    is_flag=True,
    help="HTTPS with a self-signed certificate kept in the campaign folder "
    "(phones give the camera only to secure pages).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None, tls: bool) -> None:
    """The campaign station: scan cards and watch coverage in a browser; the campaign desk."""
    from postcards.jobs.desk import CampaignDesk
    from postcards.jobs.report import read_directory
    from postcards.ledger.scanning import scan_scope
    from postcards.station.app import Station, create_app
    from postcards.station.server import serve as run_server
    from postcards.station.server import station_setup, terminal_qr

    # A campaign folder fresh from `init` has no ledger yet: the station opens a new one.
    fresh = campaign_from(ctx, name_check=False).source is not None
    campaign, ledger = open_ledger(ctx, must_exist=not fresh)
    with ledger, reported_errors():
        setup = station_setup(host, port, token, tls, campaign.root)  # a bad --token: exit 2
        desk = None
        if campaign.source is not None:
            desk = CampaignDesk(campaign.source, lambda read: _as_served(ctx, read))
        directory = read_directory(campaign)
        print_problems(list(directory.warnings))
        station = Station(
            ledger,
            campaign.name,
            directory,
            setup.token,
            fonts=lambda: _design_fonts(campaign),
            scope=scan_scope(campaign),
            hosts=setup.hosts,
            bom=campaign.csv_bom,
            desk=desk,
        )
        url = setup.join_url()
        click.echo(f"station for {campaign.name} on {ledger.name}")
        click.echo(f"open {url}  (dashboard: {url.replace('/scan', '/', 1)})")
        if setup.fingerprint:
            click.echo(f"certificate SHA-256 fingerprint: {setup.fingerprint}")
        if setup.token:
            click.echo("phones: scan this to join")
            click.echo(terminal_qr(url))
        click.echo("Ctrl-C stops the station")
        run_server(create_app(station), setup)
    click.echo("station stopped; every scan it answered is in the ledger")
