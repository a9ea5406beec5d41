"""factory_boy factories: one module for the whole suite."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from cases import models as cm
from casetracker.records import Visibility
from people import models as pm


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = pm.Person

    full_name = factory.Sequence(lambda n: f"Person Number{n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    visibility = Visibility.PUBLIC


class NameVariantFactory(DjangoModelFactory):
    class Meta:
        model = pm.NameVariant

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")
    visibility = Visibility.PUBLIC


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = pm.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = pm.Organization.Kind.PARTY
    country = "KZ"
    visibility = Visibility.PUBLIC


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = pm.Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = pm.Membership.Role.MEMBER
    visibility = Visibility.PUBLIC


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = cm.Source

    kind = cm.Source.Kind.MEDIA
    title = factory.Sequence(lambda n: f"Source {n}")
    visibility = Visibility.PUBLIC


class LegalArticleFactory(DjangoModelFactory):
    class Meta:
        model = cm.LegalArticle

    country = "KZ"
    code = cm.LegalArticle.Code.CRIMINAL
    number = factory.Sequence(lambda n: str(100 + n))
    title = factory.Sequence(lambda n: f"Offence {n}")
    visibility = Visibility.PUBLIC


class ProceedingFactory(DjangoModelFactory):
    class Meta:
        model = cm.Proceeding

    name = factory.Sequence(lambda n: f"Group trial {n}")
    slug = factory.Sequence(lambda n: f"group-trial-{n}")
    country = "BY"
    visibility = Visibility.PUBLIC


class PersonRelationFactory(DjangoModelFactory):
    """A relative (confidential, the model's default)."""

    class Meta:
        model = pm.PersonRelation

    person = factory.SubFactory(PersonFactory)
    other = factory.SubFactory(PersonFactory, visibility=Visibility.CONFIDENTIAL)
    kind = pm.PersonRelation.Kind.RELATIVE
    relation = "mother"


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = cm.Case

    person = factory.SubFactory(PersonFactory)
    slug = factory.Sequence(lambda n: f"case-{n}")
    case_type = cm.Case.Type.CRIMINAL
    country = "KZ"
    status = cm.Case.Status.CONVICTED
    arrest_date = "2024-01-10"
    editorial_state = cm.Case.EditorialState.PUBLISHED
    visibility = Visibility.PUBLIC


class ChargeFactory(DjangoModelFactory):
    class Meta:
        model = cm.Charge

    case = factory.SubFactory(CaseFactory)
    article = factory.SubFactory(LegalArticleFactory)
    wording = factory.LazyAttribute(lambda o: o.article.title)
    outcome = cm.Charge.Outcome.CONVICTED
    visibility = Visibility.PUBLIC


class SentenceFactory(DjangoModelFactory):
    class Meta:
        model = cm.Sentence

    case = factory.SubFactory(CaseFactory)
    kind = cm.Sentence.Kind.IMPRISONMENT
    term_months = 84
    visibility = Visibility.PUBLIC


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = cm.Facility

    name = factory.Sequence(lambda n: f"Penal colony No. {n}")
    slug = factory.Sequence(lambda n: f"facility-{n}")
    kind = cm.Facility.Kind.PENAL_COLONY
    city = "Almaty"
    country = "KZ"
    visibility = Visibility.PUBLIC


class DetentionFactory(DjangoModelFactory):
    class Meta:
        model = cm.Detention

    person = factory.SubFactory(PersonFactory)
    facility = factory.SubFactory(FacilityFactory)
    started_on = "2024-01-10"
    visibility = Visibility.PUBLIC


class HungerStrikeFactory(DjangoModelFactory):
    class Meta:
        model = cm.HungerStrike

    person = factory.SubFactory(PersonFactory)
    started_on = dt.date(2025, 7, 1)
    kind = cm.HungerStrike.Kind.FULL
    visibility = Visibility.PUBLIC


class PrisonVisitFactory(DjangoModelFactory):
    class Meta:
        model = cm.PrisonVisit

    person = factory.SubFactory(PersonFactory)
    visited_on = dt.date(2025, 7, 25)
    kind = cm.PrisonVisit.Kind.IN_PERSON
    outcome = cm.PrisonVisit.Outcome.HELD
    visibility = Visibility.PUBLIC


class HealthObservationFactory(DjangoModelFactory):
    class Meta:
        model = cm.HealthObservation

    person = factory.SubFactory(PersonFactory)
    observed_on = dt.date(2025, 7, 25)
    kind = cm.HealthObservation.Kind.GENERAL
    description = "Looks tired"
    visibility = Visibility.PUBLIC


class EventFactory(DjangoModelFactory):
    class Meta:
        model = cm.Event

    case = factory.SubFactory(CaseFactory)
    kind = cm.Event.Kind.HEARING
    date = "2025-03-01"
    title = factory.Sequence(lambda n: f"Hearing {n}")
    visibility = Visibility.PUBLIC


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = cm.Official

    full_name = factory.Sequence(lambda n: f"Judge Official {n}")
    slug = factory.Sequence(lambda n: f"official-{n}")
    kind = cm.Official.Kind.JUDGE
    country = "KZ"
    institution = "Almaty City Court"
    visibility = Visibility.PUBLIC


class CaseOfficialFactory(DjangoModelFactory):
    class Meta:
        model = cm.CaseOfficial

    case = factory.SubFactory(CaseFactory)
    official = factory.SubFactory(OfficialFactory)
    role = cm.CaseOfficial.Role.PRESIDING_JUDGE
    decision = "Sentenced to seven years"
    date = "2024-11"
    visibility = Visibility.PUBLIC


class RecognitionFactory(DjangoModelFactory):
    class Meta:
        model = cm.Recognition

    case = factory.SubFactory(CaseFactory)
    recognized_by = "Memorial"
    visibility = Visibility.PUBLIC


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = cm.Publication

    case = factory.SubFactory(CaseFactory)
    action = cm.Publication.Action.SUBMITTED
    actor = factory.SubFactory("tests.factories.UserFactory")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"

    username = factory.Sequence(lambda n: f"user{n}")


# The smallest valid file of each kind, for evidence uploads.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class EvidenceFileFactory(DjangoModelFactory):
    class Meta:
        model = cm.EvidenceFile

    visit = factory.SubFactory(PrisonVisitFactory)
    file = factory.django.FileField(filename="x.png", data=PNG_BYTES)
    original_name = "photo.png"
    content_type = "image/png"
    size = len(PNG_BYTES)
    sha256 = factory.LazyFunction(lambda: __import__("hashlib").sha256(PNG_BYTES).hexdigest())
    visibility = Visibility.INTERNAL


def set_editorial_state(case, state):
    """Test-only: put an existing case in `state` directly, with no Publication row.

    Case.editorial_state is a protected state machine field (django-fsm-2): code
    changes it only through cases.services (publish_case, unpublish_case, …).
    Tests that need a case in a state without the editorial workflow (e.g. to
    check the visibility rule alone) create it in that state with CaseFactory, or
    move an existing one with this helper.
    """
    type(case).objects.filter(pk=case.pk).update(editorial_state=state)
    case.refresh_from_db()
    return case


def publish_all() -> None:
    """The public read model rebuilt from the live records, as if an editor had just
    published every published case: for tests whose requests reach another process
    (gunicorn, a live server), which the test client's rebuild-before-request cannot."""
    from public.writer import rebuild

    rebuild(from_live=True)
