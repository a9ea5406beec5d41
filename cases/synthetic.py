"""Realistic synthetic data for benchmarks, never mixed with real records.

Synthetic people and cases carry is_synthetic=True; synthetic organizations,
facilities and legal articles have slugs or titles prefixed "synthetic-"/"[synthetic]",
so `clear_synthetic()` removes exactly what `seed()` made. Everything is written
with bulk_create in batches (no per-row save(), no history rows); the cases are
then published through cases.services.publish_many (a Publication with its
version per case, by the demo publisher), a batch at a time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casetracker.records import Visibility
from people.models import Membership, NameVariant, Organization, Person
from people.names import normalize_name

from .models import (
    Case,
    Charge,
    Detention,
    Facility,
    HealthObservation,
    HungerStrike,
    LegalArticle,
    Sentence,
)

PUBLIC = Visibility.PUBLIC
BATCH = 5000

FIRST = [
    ("Aigerim", "Айгерим"),
    ("Marat", "Марат"),
    ("Daniyar", "Данияр"),
    ("Asel", "Асель"),
    ("Yerlan", "Ерлан"),
    ("Olga", "Ольга"),
    ("Sergei", "Сергей"),
    ("Natalia", "Наталья"),
    ("Aliaksandr", "Александр"),
    ("Maria", "Мария"),
    ("Rustam", "Рустам"),
    ("Dilnoza", "Дильноза"),
    ("Timur", "Тимур"),
    ("Zhanna", "Жанна"),
    ("Bakhyt", "Бахыт"),
    ("Igor", "Игорь"),
    ("Leyla", "Лейла"),
    ("Farid", "Фарид"),
    ("Anna", "Анна"),
    ("Nurlan", "Нурлан"),
]
LAST = [
    ("Abenov", "Абенов"),
    ("Seitkali", "Сейткали"),
    ("Ivanov", "Иванов"),
    ("Petrova", "Петрова"),
    ("Kuznetsov", "Кузнецов"),
    ("Nazarova", "Назарова"),
    ("Tursunov", "Турсунов"),
    ("Bekova", "Бекова"),
    ("Aliyev", "Алиев"),
    ("Mammadova", "Мамедова"),
    ("Karimov", "Каримов"),
    ("Sadykova", "Садыкова"),
    ("Orlov", "Орлов"),
    ("Zhakupov", "Жакупов"),
    ("Smirnova", "Смирнова"),
    ("Yusupov", "Юсупов"),
    ("Omarova", "Омарова"),
    ("Sokolov", "Соколов"),
    ("Dzhaksybekov", "Джаксыбеков"),
    ("Rakhimova", "Рахимова"),
]
COUNTRIES = ["KZ", "RU", "BY", "AZ", "UZ", "TJ", "KG", "TM"]
CITIES = {
    "KZ": ["Almaty", "Astana", "Karaganda", "Pavlodar"],
    "RU": ["Moscow", "Kazan", "Omsk"],
    "BY": ["Minsk", "Homel", "Navapolatsk"],
    "AZ": ["Baku", "Ganja"],
    "UZ": ["Tashkent", "Nukus"],
    "TJ": ["Dushanbe", "Khujand"],
    "KG": ["Bishkek", "Osh"],
    "TM": ["Ashgabat", "Turkmenabat"],
}
OFFENCES = [
    "Participation in a banned organization",
    "Financing extremism",
    "Spreading false information",
    "Inciting social discord",
    "Organising mass riots",
    "Insulting the president",
    "Calls for extremist activity",
    "Treason",
    "Participation in an unauthorised rally",
    "Desecration of state symbols",
]
OCCUPATIONS = [
    "journalist",
    "activist",
    "human rights lawyer",
    "blogger",
    "opposition politician",
    "trade unionist",
    "religious believer",
    "student",
    "poet",
    "civil society activist",
]


def _partial(rng: random.Random, start: dt.date, end: dt.date) -> str:
    day = start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))
    precision = rng.random()
    if precision < 0.1:
        return f"{day.year:04d}"
    if precision < 0.25:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _bulk(model, rows: list) -> list:
    created = []
    for i in range(0, len(rows), BATCH):
        created.extend(model.objects.bulk_create(rows[i : i + BATCH], batch_size=BATCH))
    return created


@transaction.atomic
def seed(
    *,
    people: int,
    seed_value: int = 1,
    observations_per_person: int = 6,
    drafts: bool = False,
    progress: Callable[[str], None] = lambda _msg: None,
) -> dict[str, int]:
    """Seed `people` synthetic people with a case each; the cases are published
    (publish_many) unless `drafts`: then they stay drafts."""
    rng = random.Random(seed_value)  # noqa: S311 - benchmark data, not secrets
    today = timezone.localdate()
    run = f"{seed_value}-{Person.objects.filter(is_synthetic=True).count()}"

    articles = _bulk(
        LegalArticle,
        [
            LegalArticle(
                country=c,
                code=rng.choice(["criminal", "criminal", "administrative"]),
                number=f"{900 + i}",
                title=f"[synthetic] {OFFENCES[i % len(OFFENCES)]}",
                visibility=PUBLIC,
            )
            for c in COUNTRIES
            for i in range(len(OFFENCES))
            if not LegalArticle.objects.filter(country=c, number=f"{900 + i}").exists()
        ],
    ) or list(LegalArticle.objects.filter(title__startswith="[synthetic]"))
    orgs = _bulk(
        Organization,
        [
            Organization(
                name=f"Synthetic {kind.label} {i}",
                slug=f"synthetic-org-{run}-{i}",
                kind=kind,
                country=rng.choice(COUNTRIES),
                visibility=PUBLIC,
            )
            for i, kind in enumerate(rng.choice(list(Organization.Kind)) for _ in range(40))
        ],
    )
    facilities = _bulk(
        Facility,
        [
            Facility(
                name=f"Synthetic {kind.label} No. {i}",
                slug=f"synthetic-facility-{run}-{i}",
                kind=kind,
                country=country,
                city=rng.choice(CITIES[country]),
                visibility=PUBLIC,
            )
            for i in range(200)
            for country, kind in [(rng.choice(COUNTRIES), rng.choice(list(Facility.Kind)))]
        ],
    )
    progress(
        f"reference data: {len(articles)} articles, {len(orgs)} organizations, "
        f"{len(facilities)} facilities"
    )

    persons, variants = [], []
    for i in range(people):
        (first, _), (last, _) = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        persons.append(
            Person(
                full_name=name,
                slug=f"synthetic-{run}-{i}",
                name_normalized=normalize_name(name),
                birth_date=_partial(rng, dt.date(1950, 1, 1), dt.date(2004, 1, 1)),
                gender=rng.choice(["female", "male"]),
                citizenship=rng.choice(COUNTRIES),
                occupation=rng.choice(OCCUPATIONS),
                visibility=PUBLIC,
                is_synthetic=True,
            )
        )
    persons = _bulk(Person, persons)
    cyrillic = dict(FIRST + LAST)
    for p in persons:
        cyr = " ".join(cyrillic.get(part, part) for part in p.full_name.split())
        variants.append(
            NameVariant(
                person=p,
                name=cyr,
                kind=NameVariant.Kind.SCRIPT,
                script="Cyrl",
                name_normalized=normalize_name(cyr),
                visibility=PUBLIC,
            )
        )
    _bulk(NameVariant, variants)
    progress(f"people: {len(persons)}")

    cases, memberships = [], []
    for i, p in enumerate(persons):
        country = rng.choice(COUNTRIES)
        arrest = dt.date(2012, 1, 1) + dt.timedelta(
            days=rng.randrange((today - dt.date(2012, 1, 1)).days - 60)
        )
        status = rng.choices(
            ["investigation", "trial", "convicted", "appeal", "released", "closed"],
            weights=[10, 10, 55, 10, 10, 5],
        )[0]
        cases.append(
            Case(
                person=p,
                slug=f"synthetic-case-{run}-{i}",
                case_type=rng.choice(["criminal", "criminal", "administrative"]),
                country=country,
                region=rng.choice(CITIES[country]),
                status=status,
                arrest_date=arrest.isoformat(),
                verdict_date=(arrest + dt.timedelta(days=rng.randrange(30, 50))).isoformat()
                if status in ("convicted", "appeal", "released")
                else "",
                summary=f"Synthetic case of {p.full_name}, generated for benchmarks.",
                visibility=PUBLIC,
                is_synthetic=True,
            )
        )
        if rng.random() < 0.4:
            memberships.append(
                Membership(
                    person=p,
                    organization=rng.choice(orgs),
                    role=rng.choice(list(Membership.Role)),
                    visibility=PUBLIC,
                )
            )
    cases = _bulk(Case, cases)
    _bulk(Membership, memberships)
    progress(f"cases: {len(cases)}")

    charges, sentences, detentions, strikes, observations = [], [], [], [], []
    for case in cases:
        for article in rng.sample(articles, k=rng.choice([1, 1, 2, 3])):
            charges.append(
                Charge(
                    case=case,
                    article=article,
                    wording=article.title.removeprefix("[synthetic] "),
                    outcome="convicted" if case.status == "convicted" else "pending",
                    visibility=PUBLIC,
                )
            )
        if case.verdict_date:
            sentences.append(
                Sentence(
                    case=case,
                    kind="imprisonment",
                    term_months=rng.choice([6, 12, 24, 36, 60, 84, 120, 180]),
                    sentenced_on=str(case.verdict_date),
                    starts_on=str(case.arrest_date),
                    visibility=PUBLIC,
                )
            )
        released = case.status in ("released", "closed")
        arrest = case.arrest_date.earliest()
        detentions.append(
            Detention(
                person_id=case.person_id,
                case=case,
                facility=rng.choice(facilities),
                started_on=str(case.arrest_date),
                ended_on=(arrest + dt.timedelta(days=rng.randrange(30, 900))).isoformat()
                if released
                else "",
                visibility=PUBLIC,
            )
        )
        if not released and rng.random() < 0.03:
            strikes.append(
                HungerStrike(
                    person_id=case.person_id,
                    case=case,
                    kind="full",
                    visibility=PUBLIC,
                    started_on=today - dt.timedelta(days=rng.randrange(1, 40)),
                    demands="Synthetic demands",
                )
            )
        for _ in range(observations_per_person):
            day = arrest + dt.timedelta(days=rng.randrange(max((today - arrest).days, 1)))
            if rng.random() < 0.5:
                observations.append(
                    HealthObservation(
                        person_id=case.person_id,
                        observed_on=day,
                        kind="weight",
                        visibility=PUBLIC,
                        weight_kg=Decimal(rng.randrange(450, 950)) / 10,
                    )
                )
            else:
                observations.append(
                    HealthObservation(
                        person_id=case.person_id,
                        observed_on=day,
                        kind="general",
                        visibility=PUBLIC,
                        description="Synthetic observation",
                    )
                )
    for model, rows in (
        (Charge, charges),
        (Sentence, sentences),
        (Detention, detentions),
        (HungerStrike, strikes),
        (HealthObservation, observations),
    ):
        _bulk(model, rows)
        progress(f"{model._meta.verbose_name_plural}: {len(rows)}")

    from .health import refresh_health_due

    refresh_health_due(person_ids=[p.pk for p in persons])
    # Published through the editorial road, in bulk: a Publication with its
    # version per case, the read model written a batch at a time.
    from .demo import demo_publisher
    from .services import publish_many

    if not drafts:
        publish_many(
            by=demo_publisher(),
            cases=cases,
            comment="Synthetic data, published by seed_synthetic.",
            progress=lambda done, total: progress(f"published: {done}/{total}"),
        )
    return {
        "people": len(persons),
        "cases": len(cases),
        "charges": len(charges),
        "detentions": len(detentions),
        "hunger_strikes": len(strikes),
        "observations": len(observations),
    }


@transaction.atomic
def clear_synthetic() -> int:
    """Remove everything seed() made, and nothing else."""
    people = Person.objects.filter(is_synthetic=True)
    count = people.count()
    Case.objects.filter(person__in=people).delete()
    people.delete()
    Organization.objects.filter(slug__startswith="synthetic-org-").delete()
    Facility.objects.filter(slug__startswith="synthetic-facility-").delete()
    LegalArticle.objects.filter(title__startswith="[synthetic]").delete()
    from public.writer import rebuild

    rebuild()  # the removed cases leave the public site
    return count
