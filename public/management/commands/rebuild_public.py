from django.core.management.base import BaseCommand

from public.writer import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the public read model from the latest stored version of every published "
        "case (idempotent). Cases without a stored version get one built from their records."
    )

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(self.style.SUCCESS(f"Public read model rebuilt: {count} public cases."))
