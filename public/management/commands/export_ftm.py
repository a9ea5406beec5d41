from django.core.management.base import BaseCommand, CommandError

from public.ftm import lines


class Command(BaseCommand):
    help = (
        "Export the public officials and their parts in published cases as FollowTheMoney "
        "entities, one JSON entity a line (the same as /officials/export.ftm.json; "
        "see docs/contracts.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args, output=None, **options):
        if not output:
            for line in lines():
                self.stdout.write(line, ending="")
            return
        count = 0
        try:
            with open(output, "w", encoding="utf-8") as fh:
                for line in lines():
                    fh.write(line)
                    count += 1
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        self.stderr.write(self.style.SUCCESS(f"{count} entities written to {output}."))
