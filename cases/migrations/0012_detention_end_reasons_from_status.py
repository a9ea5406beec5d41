"""Existing records keep their meaning under the detention lifecycle:

- an open detention (no end date) of a person whose case says "Released",
  "Acquitted" or "Died in custody" was never meant as "still held": it gets the
  end reason the status states (released, reason not reported / acquittal /
  death), and its end date stays empty (not known). The case status is untouched.
  The case is the detention's own case, or else, when the detention names none,
  every active case of the person must agree (a person with one case released and
  another on trial keeps the detention open).
- a detention's kind is copied from its facility's kind where they coincide.
"""

from django.db import migrations

STATUS_TO_REASON = {
    "released": "released",
    "acquitted": "acquittal",
    "died_in_custody": "death",
}
FACILITY_KINDS = {"police_cell", "pre_trial", "prison", "penal_colony", "psychiatric", "house_arrest"}


def forwards(apps, schema_editor):
    Detention = apps.get_model("cases", "Detention")
    Case = apps.get_model("cases", "Case")
    for detention in Detention.objects.filter(end_reason="").select_related("facility"):
        changed = []
        if not detention.kind and detention.facility and detention.facility.kind in FACILITY_KINDS:
            detention.kind = detention.facility.kind
            changed.append("kind")
        if not detention.ended_on:
            if detention.case_id:
                statuses = {Case.objects.get(pk=detention.case_id).status}
            else:
                statuses = set(
                    Case.objects.filter(
                        person_id=detention.person_id, archived_at__isnull=True
                    ).values_list("status", flat=True)
                )
            if "died_in_custody" in statuses:
                reason = "death"
            elif len(statuses) == 1:
                reason = STATUS_TO_REASON.get(next(iter(statuses)), "")
            elif statuses and statuses <= {"released", "acquitted"}:
                reason = "released"
            else:
                reason = ""
            if reason:
                detention.end_reason = reason
                changed.append("end_reason")
        if changed:
            detention.save(update_fields=changed)


def backwards(apps, schema_editor):
    """The fields go away on reversal; nothing to undo in the kept columns."""


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_detention_lifecycle")]

    operations = [migrations.RunPython(forwards, backwards)]
