"""Flask commands: seed the plan's campaign, seed the demo office, seed when empty, back up
and restore, clean the photos kept before uploads lost their metadata."""

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models.directory import User


def _print_accounts(password: str | None) -> None:
    from app.demo import DEMO_ACCOUNTS
    from app.web.labels import ROLE_LABELS

    usernames = [account.username for account in DEMO_ACCOUNTS]
    existing = set(db.session.scalars(select(User.username).where(User.username.in_(usernames))))
    if not existing:
        return
    click.echo("\nTài khoản dùng thử (demo accounts):")
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            roles = ", ".join(str(ROLE_LABELS[role]) for role in account.roles) or str(
                ROLE_LABELS["staff"]
            )
            click.echo(f"  {account.username:<12} {account.full_name:<22} {roles}")
    if password:
        click.echo(f"Mật khẩu (password): {password}\n")


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--keep", type=click.IntRange(min=1), help="How many backups to keep.")
    def backup_command(keep: int | None) -> None:
        """Back up the database and the uploaded files into instance/backups/."""
        from flask import current_app

        from app.backups import BackupError, backup

        try:
            path = backup(current_app._get_current_object(), keep=keep)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Backup written: {path} ({path.stat().st_size // 1024} KB)")

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(archive: Path, yes: bool) -> None:
        """Replace the database and the uploaded files by those of a backup (stop the app
        servers first); what is replaced is backed up before."""
        from flask import current_app

        from app.backups import BackupError, restore

        if not yes:
            click.confirm(
                f"Replace the database and the uploaded files by {archive.name}?", abort=True
            )
        try:
            safety = restore(current_app._get_current_object(), archive)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Restored from {archive}. What it replaced is in {safety}.")

    @app.cli.command("strip-photo-metadata")
    def strip_photo_metadata() -> None:
        """Remove the metadata (place, camera, time) of the story photos kept before uploads
        were cleaned; safe to run again."""
        from app.showcase.services import strip_stored_photos

        report = strip_stored_photos()
        click.echo(
            f"Story photos: {report.cleaned} cleaned, {report.unchanged} already clean, "
            f"{len(report.unreadable)} left as they are."
        )
        for problem in report.unreadable:
            click.echo(f"  story {problem}", err=True)

    @app.cli.command("seed-campaign")
    @click.option("--plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def seed_campaign(plan: Path | None) -> None:
        """Create the default campaign from the office's plan, if it is not there yet."""
        from app.campaigns.services import seed_default_campaign

        campaign, created = seed_default_campaign(plan)
        state = "created" if created else "already present"
        click.echo(f"Campaign {campaign.code}: {state} ({campaign.name})")

    @app.cli.command("seed-demo")
    @click.option("--staff", default=120, show_default=True, help="Number of staff to create.")
    @click.option("--password", default="ThiDua@2026", show_default=True)
    def seed_demo_command(staff: int, password: str) -> None:
        """Create the demo office: units, staff and the fixed demo accounts."""
        from app.demo import seed_demo

        result = seed_demo(staff=staff, password=password)
        if result["created"]:
            click.echo(f"Demo office: {result['units']} units, {result['users']} users created.")
        else:
            click.echo("Demo office already present; nothing changed.")
        _print_accounts(password if result["created"] else None)

    @app.cli.command("seed-if-empty")
    @click.option("--password", default="ThiDua@2026", show_default=True)
    @click.option("--staff", default=120, show_default=True)
    def seed_if_empty(password: str, staff: int) -> None:
        """Seed the campaign and the demo office when the database has no users."""
        from app.campaigns.services import seed_default_campaign
        from app.demo import seed_demo

        if db.session.scalar(select(func.count(User.id))):
            click.echo("Database already has data; not seeding.")
            _print_accounts(None)
            click.echo("(Mật khẩu là mật khẩu đã đặt khi tạo dữ liệu mẫu; mặc định ThiDua@2026.)")
            return
        from app.demo import seed_demo_initiatives
        from app.web.filters import local_today

        seed_default_campaign()
        seed_demo(staff=staff, password=password)
        seed_demo_initiatives(local_today())
        from app.demo import seed_demo_stories

        seed_demo_stories()
        click.echo("Seeded the plan's campaign, the demo office and a few initiatives.")
        _print_accounts(password)
