from django.core.management.base import BaseCommand

from cases.demo import load_reference_case


class Command(BaseCommand):
    help = "Load the reference case (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        from public.writer import rebuild

        loader = load_reference_case()
        rebuild()  # the demo's published cases get their versions and public rows
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference case loaded: {loader.created} created, {loader.updated} updated."
            )
        )
