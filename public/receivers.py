"""Publication post_save → the read model, inside the publishing transaction."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Publication
from cases.signals import publications_created


@receiver(post_save, sender=Publication, dispatch_uid="public-read-model")
def publication_written(sender, instance: Publication, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    from . import writer

    if instance.action in Publication.PUBLISHING_ACTIONS and instance.snapshot:
        writer.write_version(
            case_id=instance.case_id,
            snapshot=instance.snapshot,
            published_at=instance.created_at,
            publication_id=instance.pk,
        )
        if instance.correction_note:
            writer.add_correction(
                case_id=instance.case_id,
                note=instance.correction_note,
                created_at=instance.created_at,
            )
    elif instance.action == Publication.Action.UNPUBLISHED:
        writer.withdraw(case_id=instance.case_id)


@receiver(publications_created, dispatch_uid="public-read-model-bulk")
def publications_bulk_created(sender, publications: list[Publication], **kwargs):
    """cases.services.publish_many: the read model for the whole batch at once."""
    from . import writer

    writer.write_versions(
        [
            {
                "case_id": p.case_id,
                "snapshot": p.snapshot,
                "published_at": p.created_at,
                "publication_id": p.pk,
            }
            for p in publications
            if p.action in Publication.PUBLISHING_ACTIONS and p.snapshot
        ]
    )


def fill_read_model() -> bool:
    """Every published case gets its version (its last stored publication's, or one
    built now from its records) and its public rows; idempotent. False when there is
    nothing published (an empty database: tests, a fresh install)."""
    from cases.models import Case

    if not Case.objects.filter(editorial_state=Case.EditorialState.PUBLISHED).exists():
        return False
    from . import writer

    writer.rebuild()
    return True


def fill_after_migrate(sender, plan=None, **kwargs) -> None:
    """After a `migrate` that applied a migration of the read model (a new table, a new
    column), the read model is rebuilt from the stored versions with the code and
    tables of today. Runs once per migrate (connected for this app only)."""
    if any(m.app_label == "public" and not backwards for m, backwards in plan or ()):
        fill_read_model()
