import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casetracker.backups import BackupError, create_backup
from casetracker.security.log import security_event


class Command(BaseCommand):
    help = (
        "Back up the database and evidence files, encrypted with BACKUP_ENCRYPTION_KEY, "
        "with a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="new folder for the backup (default: var/backups/<UTC timestamp>)",
        )

    def handle(self, *args, output, **options):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = output or Path(settings.BASE_DIR) / "var" / "backups" / stamp
        try:
            manifest = create_backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # A backup holds every confidential record: it is the largest export there is.
        security_event("backup_created", export_format="backup", row_count=len(manifest["files"]))
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {target} ({len(manifest['files'])} files).")
        )
