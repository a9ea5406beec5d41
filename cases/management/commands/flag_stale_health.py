from django.core.management.base import BaseCommand

from cases.health import run_stale_health_job
from cases.staleness import run_care_job


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
        care = run_care_job()  # before the emails, which carry its flags too
        run = run_stale_health_job(full=options["full"])
        self.stdout.write(
            f"{run.raised} flag(s) raised, {run.resolved} flag(s) resolved "
            f"({run.notified} notified)."
        )
        self.stdout.write(
            f"Visits and strike observations overdue: {care.raised} flag(s) raised, "
            f"{care.resolved} resolved."
        )
