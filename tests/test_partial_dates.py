import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casetracker.partial_dates import PartialDate, PartialDateField


@pytest.fixture(autouse=True)
def _english():
    """Messages and displays are read in English (a request may have left another
    language active)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"),
        ("2024-11", dt.date(2024, 11, 1), dt.date(2024, 11, 30), "month"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2025-07-31", dt.date(2025, 7, 31), dt.date(2025, 7, 31), "day"),
    ],
)
def test_it_parses_each_precision(text, earliest, latest, precision):
    value = PartialDate.parse(text)
    assert (value.earliest(), value.latest(), value.precision) == (earliest, latest, precision)
    assert str(value) == text


@pytest.mark.parametrize("text", ["2024-13", "2023-02-29", "24-11", "November 2024", "2024/11/05"])
def test_it_rejects_impossible_or_malformed_dates(text):
    with pytest.raises(ValidationError) as excinfo:
        PartialDateField().to_python(text)
    assert excinfo.value.code == "invalid_partial_date"


def test_partial_dates_sort_in_time_order_at_mixed_precision():
    values = ["2024-11-05", "2023", "../2024-10", "2024-11", "2024"]
    ordered = sorted(values, key=lambda v: PartialDate.parse(v).sort_key())
    assert ordered == ["2023", "2024", "../2024-10", "2024-11", "2024-11-05"]


def test_is_after_is_true_only_when_certain():
    nov = PartialDate.parse("2024-11")
    assert PartialDate.parse("2024-12-01").is_after(nov)
    assert not PartialDate.parse("2024-11-30").is_after(nov)
    assert not PartialDate.parse("2024").is_after(nov)


# --- Dates with uncertainty (EDTF) ------------------------------------------------

UNCERTAIN = [
    # stored EDTF, lower, upper, shown as
    ("2024-11~", dt.date(2024, 11, 1), dt.date(2024, 11, 30), "about November 2024"),
    ("2024?", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024 (uncertain)"),
    ("2024%", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "about 2024 (uncertain)"),
    ("../2021-03", None, dt.date(2021, 3, 31), "before March 2021"),
    ("2021-03/..", dt.date(2021, 3, 1), None, "after March 2021"),
    ("2017/2018", dt.date(2017, 1, 1), dt.date(2018, 12, 31), "between 2017 and 2018"),
    (
        "2017-01-01/2018-12-31",
        dt.date(2017, 1, 1),
        dt.date(2018, 12, 31),
        "between Jan. 1, 2017 and Dec. 31, 2018",
    ),
]


@pytest.mark.parametrize(("text", "lower", "upper", "shown"), UNCERTAIN)
def test_each_uncertain_form_parses_keeps_its_edtf_string_and_reads_as_said(
    text, lower, upper, shown
):
    value = PartialDate.parse(text)
    assert str(value) == text
    assert (value.lower(), value.upper()) == (lower, upper)
    assert value.display() == shown
    assert value.is_uncertain
    assert PartialDate.parse(str(value)) == value


@pytest.mark.parametrize(("text", "_lower", "_upper", "_shown"), UNCERTAIN)
def test_every_stored_form_is_valid_edtf_for_the_edtf_package(text, _lower, _upper, _shown):
    import edtf

    written = str(PartialDate.parse(text))  # what the field stores
    assert written == text
    assert str(edtf.parse_edtf(written)) == text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("about 2024-11", "2024-11~"),
        ("About 2024-11", "2024-11~"),
        ("c. 2024", "2024~"),
        ("ca. 2024", "2024~"),
        ("circa 2024-11-05", "2024-11-05~"),
        ("около 2024", "2024~"),
        ("before 2021-03", "../2021-03"),
        ("до 2021-03", "../2021-03"),
        ("after 2021-03", "2021-03/.."),
        ("после 2021-03", "2021-03/.."),
        ("between 2017 and 2018", "2017/2018"),
        ("  between  2017   and 2018 ", "2017/2018"),
        ("между 2017 и 2018", "2017/2018"),
        ("2017–2018", "2017/2018"),
        ("2017 — 2018", "2017/2018"),
        ("2017-2018", "2017/2018"),
        ("2024-11~", "2024-11~"),
        ("../2021-03", "../2021-03"),
    ],
)
def test_human_input_is_stored_as_edtf(typed, stored):
    assert str(PartialDateField().to_python(typed)) == stored


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("about", "Enter a real date as YYYY"),
        ("before March 2021", "Enter a real date as YYYY"),
        ("2024~~", "Enter a real date as YYYY"),
        ("2024-11?~", "Enter a real date as YYYY"),
        ("../..", "Enter a real date as YYYY"),
        ("2017/", "Enter a real date as YYYY"),
        ("201X", "Enter a real date as YYYY"),
        ("-2024", "Enter a real date as YYYY"),
        ("2024-21", "does not exist"),  # an EDTF season: not a date this app records
        ("about 2024-13", "does not exist"),
        ("between 2023-02-29 and 2024", "does not exist"),
        ("before 1700", "year between 1800 and 2200"),
        ("2018/2017", "must come after its start"),
        ("2017/2017", "must come after its start"),
        ("2017/2017-05", "must come after its start"),
        ("2017~/2018", "cannot be approximate"),
    ],
)
def test_junk_is_refused_with_a_message_that_says_why(text, says):
    with pytest.raises(ValidationError) as excinfo:
        PartialDateField().to_python(text)
    assert excinfo.value.code == "invalid_partial_date"
    message = excinfo.value.message % excinfo.value.params
    assert says in message and text in message


def test_uncertain_dates_are_never_certainly_before_or_after():
    nov = PartialDate.parse("2024-11")
    assert not PartialDate.parse("2024-12-01~").is_after(nov)
    assert not PartialDate.parse("2025?").is_after(nov)
    assert not PartialDate.parse("../2025").is_after(nov)  # could be any day before 2025
    assert not PartialDate.parse("2025-01-01").is_after(PartialDate.parse("2021/.."))
    assert PartialDate.parse("2025-01-01").is_after(PartialDate.parse("../2024-12"))
    assert PartialDate.parse("2025/..").is_after(PartialDate.parse("2017/2018"))
    assert not PartialDate.parse("2018-06").is_after(PartialDate.parse("2017/2018"))


def test_uncertain_dates_sort_by_their_earliest_year_and_before_by_its_bound():
    values = ["2022", "../2021-03", "2017/2018", "2021-03/..", "2016~", "2021-02"]
    ordered = sorted(PartialDate.parse(v) for v in values)
    assert [str(v) for v in ordered] == [
        "2016~",
        "2017/2018",
        "2021-02",
        "../2021-03",
        "2021-03/..",
        "2022",
    ]


def test_not_in_future_reads_the_possible_range():
    from casetracker.partial_dates import not_in_future

    not_in_future(PartialDate.parse("../2199"))  # true of any past fact
    not_in_future(PartialDate.parse("1850/.."))
    not_in_future(PartialDate.parse("1899/1901"))
    with pytest.raises(ValidationError) as excinfo:
        not_in_future(PartialDate.parse("2199/.."))
    assert excinfo.value.code == "future_date"
    with pytest.raises(ValidationError) as excinfo:
        not_in_future(PartialDate.parse("../1850"))
    assert excinfo.value.code == "implausible_date"


def _dates():
    from hypothesis import strategies as st

    def point(year, month, day):
        if month is None:
            return PartialDate(year)
        if day is None:
            return PartialDate(year, month)
        return PartialDate(year, month, min(day, 28))

    points = st.builds(
        point,
        st.integers(1800, 2200),
        st.none() | st.integers(1, 12),
        st.none() | st.integers(1, 31),
    )

    def shape(start, end, form, qualifier):
        if form == "on":
            return PartialDate(start.year, start.month, start.day, qualifier=qualifier)
        if form in ("before", "after"):
            return PartialDate(start.year, start.month, start.day, kind=form)
        if not (start.latest() < end.earliest()):
            start, end = end, start
        if not (start.latest() < end.earliest()):
            return start
        return PartialDate(start.year, start.month, start.day, kind="between", end=end)

    return st.builds(
        shape,
        points,
        points,
        st.sampled_from(["on", "before", "after", "between"]),
        st.sampled_from(["", "~", "?", "%"]),
    )


def test_any_date_round_trips_through_its_stored_string_as_valid_edtf():
    import edtf
    from hypothesis import given, settings

    from casetracker.partial_dates import MAX_LENGTH

    @settings(max_examples=150, deadline=None)
    @given(_dates())
    def check(value):
        text = str(value)
        assert len(text) <= 21 <= MAX_LENGTH
        assert PartialDate.parse(text) == value
        edtf.parse_edtf(text)
        assert value.earliest() <= value.latest()

    check()


# --- Through the app: staff form, public page, filters and facets, import, export -----


@pytest.mark.django_db
def test_the_staff_workspace_takes_words_and_stores_edtf(client, editor):
    from django.db import connection
    from django.urls import reverse

    from cases.models import Case
    from tests import factories as f

    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    client.force_login(editor)
    response = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        {
            "case_type": "criminal",
            "country": "KZ",
            "status": "convicted",
            "arrest_date": "before 2021-03",
            "verdict_date": "between 2021-06 and 2021-09",
            "summary": "Detained before March 2021.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert (str(case.arrest_date), str(case.verdict_date)) == ("../2021-03", "2021-06/2021-09")
    with connection.cursor() as cursor:  # the column holds the EDTF string itself
        cursor.execute("SELECT arrest_date, verdict_date FROM cases_case WHERE id = %s", [case.pk])
        assert cursor.fetchone() == ("../2021-03", "2021-06/2021-09")


@pytest.mark.django_db
def test_the_staff_workspace_refuses_a_reversed_period_on_the_field(client, editor):
    from django.urls import reverse

    from cases.models import Case
    from tests import factories as f

    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    client.force_login(editor)
    response = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        {
            "case_type": "criminal",
            "country": "KZ",
            "status": "trial",
            "arrest_date": "between 2018 and 2017",
            "summary": "Typed the wrong way round.",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"arrest_date"}
    assert "must come after its start" in str(errors)
    assert 'value="between 2018 and 2017"' in response.content.decode()


@pytest.mark.django_db
def test_a_public_page_shows_before_march_2021_and_about_the_days_held(client):
    from tests import factories as f

    case = f.CaseFactory(arrest_date="../2021-03", verdict_date="2017/2018")
    f.DetentionFactory(person=case.person, started_on="../2021-03")
    f.SentenceFactory(case=case, term_months=120)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "before March 2021" in page
    assert "between 2017 and 2018" in page
    assert "../2021-03" not in page
    assert "about " in page.split("Days in detention", 1)[1][:200]
    assert "about March 1, 2031" in page  # ten years from the earliest bound


@pytest.mark.django_db
def test_the_year_filter_and_facet_count_an_uncertain_date_once_in_its_earliest_year():
    from public import stats
    from public.filters import CaseFilter
    from public.models import PublicCase
    from public.writer import rebuild
    from tests import factories as f

    before = f.CaseFactory(arrest_date="../2021-03")
    after = f.CaseFactory(arrest_date="2021-03/..")
    about = f.CaseFactory(arrest_date="2021-11~")
    between = f.CaseFactory(arrest_date="2020/2021")
    plain = f.CaseFactory(arrest_date="2021-05-06")
    rebuild(from_live=True)
    cases = PublicCase.objects.public()

    def listed(year):
        fs = CaseFilter({"year": year}, queryset=cases)
        assert fs.is_valid(), fs.errors
        return set(fs.qs.values_list("slug", flat=True))

    assert listed("2021") == {before.slug, after.slug, about.slug, plain.slug}
    assert listed("2020") == {between.slug}
    facets = {b.value: b.count for b in stats.by_year(stats.Cells(cases))}
    assert facets == {"2021": 4, "2020": 1}
    assert sum(facets.values()) == cases.count()


@pytest.mark.django_db
def test_the_case_list_sorts_before_march_2021_at_march_2021(client):
    from tests import factories as f

    f.CaseFactory(arrest_date="2022", person__full_name="Later Person")
    f.CaseFactory(arrest_date="../2021-03", person__full_name="Bound Person")
    f.CaseFactory(arrest_date="2020", person__full_name="Earlier Person")
    page = client.get("/cases/", {"sort": "arrest"}).content.decode()
    positions = [page.index(n) for n in ("Earlier Person", "Bound Person", "Later Person")]
    assert positions == sorted(positions)
    page = client.get("/cases/").content.decode()  # newest first
    positions = [page.index(n) for n in ("Later Person", "Bound Person", "Earlier Person")]
    assert positions == sorted(positions)


IMPORTED = [
    ("about 2024-11", "2024-11~"),
    ("c. 2024", "2024~"),
    ("2024?", "2024?"),
    ("before 2021-03", "../2021-03"),
    ("after 2021-03", "2021-03/.."),
    ("between 2017 and 2018", "2017/2018"),
    ("2017–2018", "2017/2018"),
    ("2017-01-01/2018-12-31", "2017-01-01/2018-12-31"),
]


@pytest.mark.django_db
def test_import_takes_each_form_stores_edtf_and_the_export_carries_it_back(client, editor):
    import csv
    import io

    from cases.importer import Outcome, import_cases
    from cases.models import Case
    from tests.imports.conftest import FINE, to_csv

    rows = [
        {**FINE, "person_name": f"Person {n}", "arrest_date": typed, "verdict_date": ""}
        for n, (typed, _stored) in enumerate(IMPORTED)
    ]
    report = import_cases(data=to_csv(rows), publish=True, user=editor)
    assert [r.outcome for r in report.rows] == [Outcome.CREATED] * len(IMPORTED), [
        r.errors for r in report.rows
    ]
    stored = {c.person.full_name: str(c.arrest_date) for c in Case.objects.select_related("person")}
    assert stored == {f"Person {n}": edtf for n, (_typed, edtf) in enumerate(IMPORTED)}

    response = client.get("/cases/export.csv")
    exported = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["person_name"]: r["arrest_date"] for r in exported} == stored

    # The export imports back as it is: nothing changes.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(exported[0]))
    writer.writeheader()
    writer.writerows(exported)
    again = import_cases(data=out.getvalue().encode(), user=editor)
    assert {r.outcome for r in again.rows} == {Outcome.UNCHANGED}


@pytest.mark.django_db
def test_import_refuses_a_junk_date_on_its_column():
    from cases.importer import Outcome, import_cases
    from tests.imports.conftest import FINE, to_csv

    report = import_cases(
        data=to_csv([{**FINE, "arrest_date": "sometime in spring"}]), dry_run=True
    )
    (row,) = report.rows
    assert row.outcome == Outcome.ERROR
    assert [e.column for e in row.errors] == ["arrest_date"]
    assert "about 2024-11" in row.errors[0].message
