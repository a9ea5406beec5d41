from django.core.management.base import BaseCommand

from cases.health import run_stale_health_job


class Command(BaseCommand):
    help = (
        "Run the stale-health job once, synchronously: recompute due moments, resolve "
        "and raise flags, then email monitors (Celery runs these as two tasks). "
        "Safe to run at any time, and twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Recompute every due moment, not only those whose records changed.",
        )

    def handle(self, *args, **options):
        run = run_stale_health_job(full=options["full"])
        self.stdout.write(
            f"{run.raised} flag(s) raised, {run.resolved} flag(s) resolved "
            f"({run.notified} notified)."
        )
