from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casetracker.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an EMPTY database (checksums verified first)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source, **options):
        try:
            manifest = restore_backup(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup of {manifest['created_at']} from {source}.")
        )
