import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases import synthetic
from cases.models import Case


class Command(BaseCommand):
    help = "Create realistic synthetic data for benchmarks (marked synthetic; never real)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--observations", type=int, default=6, help="per person")
        parser.add_argument(
            "--drafts", action="store_true", help="leave the cases as drafts (do not publish)"
        )
        parser.add_argument("--clear", action="store_true", help="remove all synthetic data")
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed a non-DEBUG database that holds real cases (not recommended)",
        )

    def handle(self, *args, people, seed, observations, drafts, clear, force, **options):
        if clear:
            self.stdout.write(
                f"Removed {synthetic.clear_synthetic()} synthetic people and their records."
            )
            return
        if people < 1:
            raise CommandError("--people must be at least 1.")
        if not settings.DEBUG and not force and Case.objects.filter(is_synthetic=False).exists():
            raise CommandError(
                "This database holds real cases and DEBUG is off: synthetic cases would be "
                "published beside them. Use a separate database (or --force)."
            )
        started = time.monotonic()
        counts = synthetic.seed(
            people=people,
            seed_value=seed,
            observations_per_person=observations,
            drafts=drafts,
            progress=lambda msg: self.stdout.write(f"  {msg}"),
        )
        took = time.monotonic() - started
        summary = ", ".join(f"{v} {k}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded {summary} in {took:.1f} s."))
