"""python manage.py unpublish_case SLUG --by USERNAME"""

from django.core.management.base import BaseCommand

from cases import services

from ._editorial import case_and_publisher, run


class Command(BaseCommand):
    help = "Unpublish a case as USERNAME, through the editorial service."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--by", required=True, metavar="USERNAME", help="Who unpublishes.")

    def handle(self, *args, slug, by, **options):
        case, user = case_and_publisher(slug, by)
        publication = run(
            services.unpublish_case, by=user, case=case, comment="From the command line."
        )
        self.stdout.write(
            self.style.SUCCESS(f"Unpublished {case.slug} (publication #{publication.pk}).")
        )
