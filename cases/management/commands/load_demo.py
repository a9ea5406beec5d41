from django.core.management.base import BaseCommand
from django.db import transaction

from cases.demo import load_reference_case, publish_reference_case


class Command(BaseCommand):
    help = (
        "Load the reference case and publish it through the editorial service "
        "(idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            loader = load_reference_case()
            # through the editorial road: a Publication with its version, the read model
            published = publish_reference_case(loader)
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference case loaded: {loader.created} created, {loader.updated} updated, "
                f"{published} published."
            )
        )
