"""python manage.py import_cases FILE.csv [--dry-run] [--publish] [--valid-only] [--user NAME]
[--report OUT.csv]

The format, matching and reports are documented in docs/import-format.md.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases import policy
from cases.importer import Outcome, import_cases


class Command(BaseCommand):
    help = (
        "Import cases from a CSV file. The format (columns, several sources per row, "
        "matching of people and cases, likely duplicates, the --report CSV) is "
        "documented in docs/import-format.md. With errors present nothing is written "
        "unless --valid-only is given; the command exits non-zero whenever a row fails, "
        "also with --dry-run and --valid-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report every row's outcome; write nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the imported cases (default: drafts)."
        )
        parser.add_argument(
            "--valid-only", action="store_true", help="Import the valid rows, skip the others."
        )
        parser.add_argument(
            "--report",
            type=Path,
            metavar="FILE",
            help="Write every row's outcome to FILE as CSV: line, outcome (created, updated, "
            "unchanged, failed, duplicate?), case_slug, person_name, messages.",
        )
        parser.add_argument(
            "--user",
            help="Username recorded as the author of the import; with --publish, the "
            "publisher (who must hold the permission to publish).",
        )

    def handle(
        self, *args, file: Path, dry_run, publish, valid_only, user, report, verbosity, **options
    ):
        report_path = report
        author = None
        if user:
            try:
                author = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
        if publish and not policy.may_publish(author):
            raise CommandError(
                "--publish needs --user USERNAME of a user who may publish "
                "(the permission cases.publish_case, e.g. an editor)."
            )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None

        def progress(stage, done, total):
            if verbosity >= 1:
                self.stderr.write(f"{stage} {done}/{total}")

        started = time.monotonic()
        report = import_cases(
            data=data,
            user=author,
            dry_run=dry_run,
            publish=publish,
            valid_only=valid_only,
            progress=progress,
        )
        elapsed = time.monotonic() - started

        if report_path is not None:
            try:
                with report_path.open("w", encoding="utf-8", newline="") as out:
                    report.write_csv(out)
            except OSError as error:
                raise CommandError(f"Cannot write {report_path}: {error}") from None

        for message in report.file_errors:
            self.stdout.write(self.style.ERROR(message))
        for message in report.warnings:
            self.stdout.write(self.style.WARNING(message))
        for row in report.rows:
            if row.outcome == Outcome.ERROR:
                for error in row.errors:
                    self.stdout.write(
                        self.style.ERROR(f"line {row.line}: {error.column}: {error.message}")
                    )
            elif verbosity >= 2:
                self.stdout.write(f"line {row.line}: {row.outcome}: {row.person_name}")
                for change in row.changes:
                    self.stdout.write(f"line {row.line}:   {change}")
            for dup in row.duplicates:
                where = f"person #{dup.person_id}" if dup.person_id else f"line {dup.line}"
                self.stdout.write(
                    self.style.WARNING(
                        f"line {row.line}: {row.person_name!r} ({row.outcome}) may be the same "
                        f"person as {dup.name!r} ({where}, born {dup.birth_date or 'unknown'}); "
                        "an editor can merge them; the case is not published."
                    )
                )
        counts = report.counts
        summary = ", ".join(f"{counts[k]} {k}" for k in counts)
        failed = counts["error"]
        if report.applied:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary} in {elapsed:.1f} s."))
            if failed:
                raise CommandError(f"{failed} rows failed and were not imported.")
        elif dry_run and not report.file_errors:
            self.stdout.write(f"Dry run, nothing written: {summary} in {elapsed:.1f} s.")
            if failed:
                raise CommandError(f"Dry run: {failed} rows would fail.")
        else:
            raise CommandError(
                f"Nothing written: {summary}. Fix the errors, or use --valid-only to import "
                "the valid rows."
            )
