"""`tpc-mock login` and `tpc-mock whoami`: a reference device-flow client."""

from __future__ import annotations

import click


@click.command()
def login() -> None:
    """Sign in with the device flow (not built yet)."""
    raise click.ClickException("login is not available yet")


@click.command()
def whoami() -> None:
    """Show the signed-in identity (not built yet)."""
    raise click.ClickException("whoami is not available yet")
