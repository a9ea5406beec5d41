"""Where every public case list starts.

Case.objects.public() checks the case (published, public, not archived) but
not its person; a published case of a person whose record is internal must
not name them, so the public site also requires the person to be publishable.
(Person-level records already follow Person.objects.public(), which does.)
"""

from django.db.models import QuerySet

from cases.models import Case
from people.models import Person


def public_cases() -> QuerySet:
    return Case.objects.public().filter(person__in=Person.objects.publishable())
