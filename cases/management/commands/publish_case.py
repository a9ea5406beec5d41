"""python manage.py publish_case SLUG --by USERNAME [--note TEXT]"""

from django.core.management.base import BaseCommand

from cases import services

from ._editorial import case_and_publisher, run


class Command(BaseCommand):
    help = (
        "Publish a case (or a new version of a published one) as USERNAME, through the "
        "editorial service: a publication record with its version and a security-log event."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--by", required=True, metavar="USERNAME", help="Who publishes.")
        parser.add_argument(
            "--note",
            default="",
            help="A public correction note (only for a case that is already published).",
        )

    def handle(self, *args, slug, by, note, **options):
        case, user = case_and_publisher(slug, by)
        publication = run(
            services.publish_case,
            by=user,
            case=case,
            comment="From the command line.",
            correction_note=note,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Published {case.slug} (publication #{publication.pk}).")
        )
