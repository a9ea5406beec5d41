"""The reference case: a news report by Almas Kaisar on Bakhytzhan Toregozhina's
fine for posts about political prisoner Marat Zhylanbayev, entered faithfully.

Facts the article does not give stay empty: the hunger strikes' dates, the
prison's name, the article numbers of the charges, the date of the charge, the
fine's court by name. The July events carry the year 2025, inferred (the article
gives no year; it places them after the November 2024 verdict, "Since his 2024
sentence ..."), and both case pages say so. The 25 July visit was in person, to
ask for a video call. Toregozhina's case is linked to Zhylanbayev's: she was
prosecuted for reporting on it.

Loading is idempotent: a record is looked up by a natural key and written
only when a field differs, so a second run writes nothing (and adds no history).

The cases are published through the editorial road (cases.services.publish_case:
a Publication with its version, the read model, a security-log event) by
DEMO_PUBLISHER, an editor account nobody can sign in as: when first created,
and again only when a reload changed their public content. A case an editor
has unpublished stays unpublished.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts import roles
from cases.health import refresh_health_due
from cases.models import (
    Case,
    CaseLink,
    Charge,
    Detention,
    Event,
    HealthObservation,
    HungerStrike,
    LegalArticle,
    PrisonVisit,
    Recognition,
    Sentence,
    Source,
)
from casetracker.records import Visibility
from people.models import (
    LegalStatus,
    Membership,
    NameVariant,
    Organization,
    OrganizationStatus,
    Person,
)

PUBLIC = Visibility.PUBLIC
# The article dates the July events without a year: said on the page.
INFERRED_YEAR = (
    " (The report gives the July dates without a year; 2025 is inferred: the events "
    "follow the November 2024 sentence.)"
)


class Loader:
    def __init__(self):
        self.created = 0
        self.updated = 0
        self.new_cases: list[Case] = []

    def create(self, model, values: dict, sources=()):
        """For records without a natural key; the caller decides whether one is missing."""
        obj = model(**values)
        obj.full_clean()
        obj.save()
        self.created += 1
        if sources:
            obj.sources.add(*sources)
        return obj

    def upsert(self, model, lookup: dict, values: dict, sources=()):
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = self.create(model, {**lookup, **values})
            if model is Case:
                self.new_cases.append(obj)
        else:
            changed = [k for k, v in values.items() if getattr(obj, k) != _normal(obj, k, v)]
            if changed:
                for key in changed:
                    setattr(obj, key, values[key])
                obj.full_clean()
                obj.save()
                self.updated += 1
        if sources:
            wanted = {s.pk for s in sources}
            have = set(obj.sources.values_list("pk", flat=True))
            if wanted - have:
                obj.sources.add(*[s for s in sources if s.pk not in have])
                self.updated += 0 if created else 1
        return obj


def _normal(obj, key, value):
    """Compare like with like: strings for partial dates, Decimals for money."""
    field = obj._meta.get_field(key)
    if hasattr(field, "to_python") and not field.is_relation:
        return field.to_python(value)
    return value


DEMO_PUBLISHER = "demo-publisher"
# Zhylanbayev's case first: Toregozhina's links to it, and a link names only a published case.
DEMO_CASES = (
    "marat-zhylanbayev-2024-banned-organization",
    "bakhytzhan-toregozhina-2025-false-information",
)


def demo_publisher():
    """The editor the demo is published by: no usable password, so nobody signs in as it."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=DEMO_PUBLISHER, defaults={"first_name": "Demo data", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    if not user.has_perm("cases.publish_case"):
        # the editor group lost its permissions (a flushed test database, say):
        # the demo publisher holds the one it needs itself
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="cases", codename="publish_case")
        )
        user = User.objects.get(pk=user.pk)  # no cached permissions
    return user


@transaction.atomic
def publish_reference_case(loader: Loader) -> int:
    """Publish the demo cases this load created, and republish those it changed."""
    from cases.services import current_changes, publish_case

    new = {case.pk for case in loader.new_cases}
    published = 0
    cases = (
        Case.objects.filter(slug__in=DEMO_CASES).select_related("person").in_bulk(field_name="slug")
    )
    for case in (cases[slug] for slug in DEMO_CASES if slug in cases):
        if case.pk in new or (case.is_published and current_changes(case)):
            publish_case(
                by=demo_publisher(), case=case, comment="The demo data, published by load_demo."
            )
            published += 1
    return published


@transaction.atomic
def load_reference_case() -> Loader:
    L = Loader()
    up = L.upsert

    # --- Sources ----------------------------------------------------------
    report = up(
        Source,
        {
            "title": "Kazakh lawyer fined for “spreading false information” over posts on political prisoner’s health"
        },
        {
            "kind": Source.Kind.MEDIA,
            "author": "Almas Kaisar",
            "reference": "News report, reporting by Almas Kaisar",
            "reliability": Source.Reliability.RELIABLE,
            "visibility": PUBLIC,
        },
    )
    posts = up(
        Source,
        {"title": "Bakhytzhan Toregozhina’s social media posts on Marat Zhylanbayev’s health"},
        {
            "kind": Source.Kind.SOCIAL,
            "author": "Bakhytzhan Toregozhina",
            "reference": "Regular posts, as quoted in the news report",
            "reliability": Source.Reliability.UNVERIFIED,
            "visibility": PUBLIC,
        },
    )
    post_0726 = up(
        Source,
        {"title": "Facebook post by Bakhytzhan Toregozhina, 26 July 2025"},
        {
            "kind": Source.Kind.SOCIAL,
            "author": "Bakhytzhan Toregozhina",
            "publisher": "Facebook",
            "date": "2025-07-26",
            "reliability": Source.Reliability.RELIABLE,
            "visibility": PUBLIC,
        },
    )
    post_0730 = up(
        Source,
        {"title": "Social media post by Bakhytzhan Toregozhina announcing her trial, 30 July 2025"},
        {
            "kind": Source.Kind.SOCIAL,
            "author": "Bakhytzhan Toregozhina",
            "date": "2025-07-30",
            "reliability": Source.Reliability.RELIABLE,
            "visibility": PUBLIC,
        },
    )
    activist = up(
        Source,
        {"title": "Activist who took part in the 25 July 2025 visit, quoted in the news report"},
        {
            "kind": Source.Kind.VISIT,
            "date": "2025-07-25",
            "reference": "Unnamed in the report",
            "reliability": Source.Reliability.UNVERIFIED,
            "visibility": PUBLIC,
        },
    )

    # --- Organization -----------------------------------------------------
    alga = up(
        Organization,
        {"slug": "alga-kazakhstan"},
        {
            "name": "Alga, Kazakhstan!",
            "translated_name": "Forward, Kazakhstan!",
            "kind": Organization.Kind.PARTY,
            "country": "KZ",
            "visibility": PUBLIC,
            "description": "Unregistered opposition party.",
        },
    )
    up(
        OrganizationStatus,
        {"organization": alga, "status": LegalStatus.UNREGISTERED},
        {
            "visibility": PUBLIC,
        },
        sources=[report],
    )

    # --- People -----------------------------------------------------------
    toregozhina = up(
        Person,
        {"slug": "bakhytzhan-toregozhina"},
        {
            "full_name": "Bakhytzhan Toregozhina",
            "gender": "female",
            "occupation": "Human rights lawyer",
            "visibility": PUBLIC,
            "public_biography": (
                "Human rights lawyer who follows Marat Zhylanbayev’s case and regularly posts "
                "about his deteriorating health."
            ),
        },
    )
    zhylanbayev = up(
        Person,
        {"slug": "marat-zhylanbayev"},
        {
            "full_name": "Marat Zhylanbayev",
            "gender": "male",
            "occupation": "Activist and ultra-marathon runner",
            "reported_age": 61,
            "visibility": PUBLIC,
            "public_biography": (
                "Activist and ultra-marathon runner, a leader of the unregistered opposition party "
                "Alga, Kazakhstan! (Forward, Kazakhstan!)."
            ),
        },
    )
    for name, kind, script in (
        ("Marat Zhylanbaev", NameVariant.Kind.TRANSLITERATION, "Latn"),
        ("Марат Жыланбаев", NameVariant.Kind.SCRIPT, "Cyrl"),
    ):
        up(
            NameVariant,
            {"person": zhylanbayev, "name": name},
            {
                "kind": kind,
                "script": script,
                "visibility": PUBLIC,
            },
        )
    up(
        Membership,
        {"person": zhylanbayev, "organization": alga},
        {
            "role": Membership.Role.LEADER,
            "visibility": PUBLIC,
        },
        sources=[report],
    )

    # --- Legal articles ---------------------------------------------------
    # The report names the offences but not their article numbers.
    false_info = up(
        LegalArticle,
        {
            "country": "KZ",
            "code": "administrative",
            "number": "",
            "title": "Spreading false information",
        },
        {"visibility": PUBLIC},
    )
    banned_org = up(
        LegalArticle,
        {
            "country": "KZ",
            "code": "criminal",
            "number": "",
            "title": "Participation in a banned organization",
        },
        {"visibility": PUBLIC},
    )
    financing = up(
        LegalArticle,
        {
            "country": "KZ",
            "code": "criminal",
            "number": "",
            "title": "Financing an extremist organization",
        },
        {"visibility": PUBLIC},
    )

    # --- Case 1: Toregozhina, administrative -----------------------------
    admin_case = up(
        Case,
        {"slug": "bakhytzhan-toregozhina-2025-false-information"},
        {
            "person": toregozhina,
            "case_type": Case.Type.ADMINISTRATIVE,
            "country": "KZ",
            "region": "Almaty",
            "court": "A court in Almaty",
            "status": Case.Status.CONVICTED,
            "arrest_date": "2025-07-28",
            "verdict_date": "2025-07-31",
            "visibility": PUBLIC,
            "summary": (
                "Human rights lawyer Bakhytzhan Toregozhina was found guilty of “spreading false "
                "information” by an Almaty court on 31 July 2025 because of social media posts "
                "calling attention to the deteriorating health of political prisoner Marat "
                "Zhylanbayev, and fined 78,000 tenge ($143) for an administrative offence. She and "
                "her followers often tag President Kassym-Jomart Tokayev in her posts about "
                "Zhylanbayev, because “the country is under manual control and only the president "
                "can decide Zhylanbayev's fate”." + INFERRED_YEAR
            ),
        },
    )
    up(
        Charge,
        {"case": admin_case, "article": false_info},
        {
            "wording": "Spreading false information",
            # The report says when she announced the accusation (30 July), not when
            # she was charged: no charge date.
            "charged_on": "",
            "outcome": Charge.Outcome.CONVICTED,
            "visibility": PUBLIC,
        },
        sources=[report, post_0730],
    )
    up(
        Sentence,
        {"case": admin_case, "kind": Sentence.Kind.FINE},
        {
            "sentenced_on": "2025-07-31",
            "court": "A court in Almaty",
            "fine_amount": Decimal("78000.00"),
            "fine_currency": "KZT",
            "fine_usd_reported": Decimal("143.00"),
            "visibility": PUBLIC,
        },
        sources=[report],
    )
    for date, kind, title, description, location, srcs in (
        (
            "2025-07-26",
            Event.Kind.PUBLICATION,
            "Facebook post on Zhylanbayev’s health",
            "Toregozhina posts on Facebook, again calling attention to Zhylanbayev’s poor health: "
            "“Instead of giving clear answers to questions about Zhylanbayev, they are once again "
            "writing lies! No one is examining Marat.”",
            "",
            [report, post_0726],
        ),
        (
            "2025-07-28",
            Event.Kind.SUMMONS,
            "Summoned to a police station",
            "Toregozhina is summoned to a police station in Almaty.",
            "Almaty",
            [report],
        ),
        (
            "2025-07-30",
            Event.Kind.CHARGE,
            "Trial announced; accused of “spreading false information”",
            "Toregozhina announces her trial on social media and says she has been accused of "
            "“spreading false information”.",
            "",
            [report, post_0730],
        ),
        (
            "2025-07-31",
            Event.Kind.VERDICT,
            "Found guilty and fined 78,000 tenge",
            "An Almaty court finds Toregozhina guilty of “spreading false information” and fines "
            "her 78,000 tenge ($143).",
            "Almaty",
            [report],
        ),
    ):
        up(
            Event,
            {"case": admin_case, "date": date, "kind": kind},
            {
                "title": title,
                "description": description,
                "location": location,
                "visibility": PUBLIC,
            },
            sources=srcs,
        )

    # --- Case 2: Zhylanbayev, criminal -----------------------------------
    criminal_case = up(
        Case,
        {"slug": "marat-zhylanbayev-2024-banned-organization"},
        {
            "person": zhylanbayev,
            "case_type": Case.Type.CRIMINAL,
            "country": "KZ",
            "status": Case.Status.CONVICTED,
            "verdict_date": "2024-11",
            "visibility": PUBLIC,
            "summary": (
                "Activist and ultra-marathon runner Marat Zhylanbayev, a leader of the unregistered "
                "opposition party Alga, Kazakhstan!, was sentenced in November 2024 to seven years "
                "in prison for “participation in a banned organization” and “financing an extremist "
                "organization”. He has since gone on two hunger strikes. Kazakhstani and "
                "international human rights activists consider him a political prisoner."
                + INFERRED_YEAR
            ),
        },
    )
    for article, wording in (
        (banned_org, "Participation in a banned organization"),
        (financing, "Financing an extremist organization"),
    ):
        up(
            Charge,
            {"case": criminal_case, "article": article},
            {
                "wording": wording,
                "outcome": Charge.Outcome.CONVICTED,
                "visibility": PUBLIC,
            },
            sources=[report],
        )
    up(
        Sentence,
        {"case": criminal_case, "kind": Sentence.Kind.IMPRISONMENT},
        {
            "sentenced_on": "2024-11",
            "term_months": 84,
            "visibility": PUBLIC,
        },
        sources=[report],
    )
    up(
        Event,
        {"case": criminal_case, "date": "2024-11", "kind": Event.Kind.VERDICT},
        {
            "title": "Sentenced to seven years in prison",
            "visibility": PUBLIC,
            "description": "Convicted of “participation in a banned organization” and “financing an "
            "extremist organization”.",
        },
        sources=[report],
    )
    for body in ("Kazakhstani human rights activists", "International human rights activists"):
        up(
            Recognition,
            {"case": criminal_case, "recognized_by": body},
            {"visibility": PUBLIC},
            sources=[report],
        )
    # Held since the verdict at the latest; the prison's name and the start are not reported.
    up(
        Detention,
        {"person": zhylanbayev, "case": criminal_case},
        {
            "facility": None,
            "visibility": PUBLIC,
        },
        sources=[report],
    )

    # Two hunger strikes since the 2024 sentence; dates and outcomes not reported.
    # Hunger strikes have no natural key and the report gives neither dates nor outcomes,
    # so "the two strikes" are the two undated ones of this case.
    undated = HungerStrike.objects.filter(person=zhylanbayev, case=criminal_case, started_on=None)
    for _ in range(2 - undated.count()):
        L.create(
            HungerStrike,
            {
                "person": zhylanbayev,
                "case": criminal_case,
                "kind": HungerStrike.Kind.UNKNOWN,
                "outcome": HungerStrike.Outcome.UNKNOWN,
                "visibility": PUBLIC,
            },
            sources=[report],
        )

    visit = up(
        PrisonVisit,
        {"person": zhylanbayev, "visited_on": dt.date(2025, 7, 25)},
        {
            "case": criminal_case,
            "facility": None,
            # In person: the activists went to the prison, to ask for a video call.
            "kind": PrisonVisit.Kind.IN_PERSON,
            "outcome": PrisonVisit.Outcome.REFUSED,
            "refusal_reason": "The activists were not members of Zhylanbayev’s family.",
            "visitors": "Activists",
            "visibility": PUBLIC,
            "public_summary": (
                "Activists visited the prison where Zhylanbayev is held, demanding a video call "
                "with him. The detention centre refused because they were not members of his family. "
                "A prison employee eventually showed them a phone recording of surveillance footage "
                "of Zhylanbayev."
            ),
        },
        sources=[report],
    )

    # The weight and symptoms are undated in the report: recorded as current at the time
    # of the 31 July ruling (date marked approximate). "No one is examining Marat" is
    # from the dated 26 July post.
    ruling, post_day = dt.date(2025, 7, 31), dt.date(2025, 7, 26)
    W, S, M = (
        HealthObservation.Kind.WEIGHT,
        HealthObservation.Kind.SYMPTOM,
        HealthObservation.Kind.MEDICAL_ACCESS,
    )
    for kind, weight, description, srcs, observed_on in (
        (
            W,
            Decimal("45.0"),
            "Weight has dropped to 45 kg, according to Toregozhina.",
            [report, posts],
            ruling,
        ),
        (S, None, "“Unnatural skin tone”, according to Toregozhina.", [report, posts], ruling),
        (S, None, "“Fainting spells”, according to Toregozhina.", [report, posts], ruling),
        (M, None, "“No one is examining Marat”, Toregozhina wrote.", [report, post_0726], post_day),
    ):
        up(
            HealthObservation,
            {"person": zhylanbayev, "kind": kind, "description": description},
            {
                "observed_on": observed_on,
                "date_is_approximate": observed_on == ruling,
                "weight_kg": weight,
                "visibility": PUBLIC,
            },
            sources=srcs,
        )
    up(
        HealthObservation,
        {"person": zhylanbayev, "visit": visit, "kind": HealthObservation.Kind.GENERAL},
        {
            "observed_on": dt.date(2025, 7, 25),
            "description": "Seen in a phone recording of surveillance footage: “He looks like a living dead man,” one activist said.",
            "visibility": PUBLIC,
        },
        sources=[report, activist],
    )
    # She was prosecuted for her posts on his health: the link shows on both pages.
    up(
        CaseLink,
        {"from_case": admin_case, "to_case": criminal_case, "kind": CaseLink.Kind.REPORTING_ON},
        {
            "note": "Fined for social media posts on Zhylanbayev’s deteriorating health.",
            "visibility": PUBLIC,
        },
        sources=[report],
    )
    # Loading writes health-relevant data like any service does: the due moments
    # must be true at once, not after the stale-health job first runs.
    refresh_health_due(person_ids=[toregozhina.pk, zhylanbayev.pk])
    return L
