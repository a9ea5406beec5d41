"""Staff forms. They validate input (model rules included, through ModelForm);
policy (who may publish, what may go live) is decided by cases.services."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.models import (
    Case,
    CaseOfficial,
    DeathInCustody,
    Detention,
    Event,
    EvidenceFile,
    Facility,
    HealthObservation,
    HungerStrike,
    Official,
    PrisonVisit,
    Proceeding,
    Source,
)
from casetracker.partial_dates import FORMAT_HELP, PartialDate, certainly_after, not_in_future
from casetracker.records import Visibility
from people.models import Person, PersonRelation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


PUBLIC_PROPOSED_HELP = _(
    "This case is published: what you mark public is a proposal. The public sees it "
    "once an editor reviews the changes and publishes the case."
)


def _restrict_visibility(field, choices) -> None:
    """Offer `choices` (cases.services.visibility_choices); say what "public" means
    when it is a proposal to the editor."""
    field.choices = choices
    if dict(choices).get(Visibility.PUBLIC) == services.PROPOSE_FOR_PUBLICATION:
        field.help_text = PUBLIC_PROPOSED_HELP


class CaseSelect(forms.Select):
    """Each case option says whether this user may make its records public, so the
    page can hide "public" as soon as such a case is chosen (monitor-form.js)."""

    refused_people: set[int] = set()

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None and instance.person_id in self.refused_people:
            option["attrs"]["data-public-refused"] = ""
        return option


class VisitForm(forms.ModelForm):
    class Meta:
        model = PrisonVisit
        fields = [
            "case",
            "facility",
            "visited_on",
            "kind",
            "outcome",
            "refusal_reason",
            "visitors",
            "internal_report",
            "public_summary",
            "visibility",
        ]
        widgets = {
            "case": CaseSelect(),
            "visited_on": DateInput(),
            "refusal_reason": _textarea(2),
            "visitors": _textarea(2),
            "internal_report": _textarea(6),
            "public_summary": _textarea(4),
        }

    # Chosen by the device once per report: a resend from the outbox returns the
    # visit the first send created (services.record_visit).
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cases, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["case"].queryset = cases
        self.fields["case"].required = True
        self.fields["case"].widget.refused_people = services.people_refused_public(
            by=by, people=cases.values("person_id")
        )
        self.fields["facility"].queryset = Facility.objects.active()
        self.fields["visited_on"].initial = timezone.localdate
        self.case = self._chosen_case(cases)
        self.visibility_choices = (
            services.visibility_choices(by=by, person=self.case.person)
            if self.case
            else list(Visibility.choices)
        )
        _restrict_visibility(self.fields["visibility"], self.visibility_choices)

    def _chosen_case(self, cases):
        value = self.data.get(self.add_prefix("case")) if self.is_bound else None
        value = value or self.initial.get("case")
        value = str(value or "")
        if not value.isdigit() or len(value) > 18:  # beyond a bigint: not a case
            return None
        return cases.filter(pk=value).select_related("person").first()


class VisitEditForm(VisitForm):
    class Meta(VisitForm.Meta):
        fields = [name for name in VisitForm.Meta.fields if name != "case"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        del self.fields["idempotency_key"]
        self.fields["facility"].queryset = Facility.objects.active()


class VisitObservationForm(forms.ModelForm):
    """One health observation inside a visit report (dated by the visit)."""

    class Meta:
        model = HealthObservation
        fields = ["kind", "weight_kg", "description", "observed_time", "visibility"]
        widgets = {
            "description": _textarea(2),
            "observed_time": TimeInput(),
            "weight_kg": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
        }

    def __init__(self, *args, visibility_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visibility_choices is not None:
            _restrict_visibility(self.fields["visibility"], visibility_choices)


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "kind",
            "title",
            "author",
            "publisher",
            "url",
            "reference",
            "date",
            "reliability",
            "identity_confidential",
            "notes",
            "visibility",
        ]
        widgets = {"notes": _textarea(2)}


class VisitSourceForm(SourceForm):
    class Meta(SourceForm.Meta):
        fields = [
            "kind",
            "title",
            "url",
            "reference",
            "reliability",
            "identity_confidential",
            "visibility",
        ]


ObservationFormSet = forms.formset_factory(
    VisitObservationForm, extra=1, max_num=50, validate_max=True
)
SourceFormSet = forms.formset_factory(VisitSourceForm, extra=1, max_num=50, validate_max=True)


class ObservationForm(forms.ModelForm):
    class Meta:
        model = HealthObservation
        fields = [
            "observed_on",
            "observed_time",
            "date_is_approximate",
            "kind",
            "weight_kg",
            "description",
            "visibility",
        ]
        widgets = {
            "observed_on": DateInput(),
            "observed_time": TimeInput(),
            "description": _textarea(3),
            "weight_kg": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
        }

    def __init__(self, *args, visibility_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["observed_on"].initial = timezone.localdate
        if visibility_choices is not None:
            _restrict_visibility(self.fields["visibility"], visibility_choices)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "date", "title", "description", "location", "visibility"]
        widgets = {"description": _textarea(3)}


class OfficialPartForm(forms.ModelForm):
    """An official's part in a case: an official already recorded, or a new one."""

    new_official_name = forms.CharField(
        label=_("or a new official: full name"), max_length=300, required=False
    )
    new_official_kind = forms.ChoiceField(
        label=_("new official: kind"),
        choices=[("", _("Choose the kind"))] + list(Official.Kind.choices),
        required=False,
    )
    new_official_institution = forms.CharField(
        label=_("new official: institution"),
        max_length=300,
        required=False,
        help_text=_("The court, prosecutor's office, investigative body or facility."),
    )

    class Meta:
        model = CaseOfficial
        fields = ["official", "role", "decision", "date", "visibility"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        officials = Official.objects.active()
        self.fields["official"].queryset = (
            officials.visible_to(user) if user is not None else officials
        )
        if self.instance.pk is None:
            self.fields["official"].required = False
        else:  # a part keeps its official or takes another recorded one
            for name in ("new_official_name", "new_official_kind", "new_official_institution"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        name = (data.get("new_official_name") or "").strip()
        if data.get("official") and name:
            self.add_error(
                "new_official_name", _("Choose an official or name a new one, not both.")
            )
        elif not data.get("official") and not name:
            self.add_error("official", _("Choose the official, or name a new one."))
        elif name and not data.get("new_official_kind"):
            self.add_error("new_official_kind", _("Say what kind of official they are."))
        return data

    def new_official(self) -> dict | None:
        name = (self.cleaned_data.get("new_official_name") or "").strip()
        if not name:
            return None
        return {
            "full_name": name,
            "kind": self.cleaned_data["new_official_kind"],
            "institution": self.cleaned_data.get("new_official_institution", ""),
        }


class HungerStrikeStartForm(forms.ModelForm):
    class Meta:
        model = HungerStrike
        fields = ["started_on", "kind", "demands", "visibility"]
        widgets = {"started_on": DateInput(), "demands": _textarea(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].required = True


class HungerStrikeEndForm(forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DateInput(), initial=timezone.localdate)
    # Starts on an empty choice: an outcome is what the monitor says, never a default.
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[("", _("Choose how it ended"))]
        + [c for c in HungerStrike.Outcome.choices if c[0] != HungerStrike.Outcome.ONGOING],
    )

    def __init__(self, *args, strike: HungerStrike, **kwargs):
        super().__init__(*args, **kwargs)
        self.strike = strike

    def clean(self):
        cleaned = super().clean()
        ended_on = cleaned.get("ended_on")
        if ended_on and self.strike.started_on and ended_on < self.strike.started_on:
            self.add_error("ended_on", _("The end cannot be before the start."))
        return cleaned


class PartialDateFormField(forms.CharField):
    """A date as precise as the source gives it: "2024", "2024-11" or "2024-11-05"
    (casetracker.partial_dates), never in the future."""

    default_validators = [not_in_future]

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": "YYYY-MM-DD", "maxlength": "10"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError:
            raise ValidationError(
                _("Enter a real date as YYYY, YYYY-MM or YYYY-MM-DD (got “%(value)s”)."),
                code="invalid_partial_date",
                params={"value": value[:40]},
            ) from None

    def prepare_value(self, value):
        return str(value) if isinstance(value, PartialDate) else value


# How a detention may end through the release form: a transfer and a death have
# their own forms (cases.lifecycle).
RELEASE_REASONS = [
    choice
    for choice in Detention.EndReason.choices
    if choice[0] not in ("", Detention.EndReason.TRANSFER, Detention.EndReason.DEATH)
]


class _LifecycleForm(forms.Form):
    """A release or a transfer ends the detention the person is held in now."""

    date_field = ""

    def __init__(self, *args, detention: Detention | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.detention = detention

    def clean(self):
        cleaned = super().clean()
        detention = self.detention
        if detention is None:
            raise ValidationError(
                _("No open detention is recorded for this person: there is nothing to end."),
                code="no_open_detention",
            )
        date = cleaned.get(self.date_field)
        if certainly_after(detention.started_on, date):
            self.add_error(
                self.date_field,
                _("This is before the detention began (%(start)s).")
                % {"start": detention.started_on.display()},
            )
        return cleaned


class ReleaseForm(_LifecycleForm):
    date_field = "ended_on"

    ended_on = PartialDateFormField(
        label=_("Released on"),
        required=False,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD. Leave empty when the date is not known yet."),
    )
    # Starts on an empty choice: the reason is what the source says, never a default.
    end_reason = forms.ChoiceField(
        label=_("How the detention ended"),
        choices=[("", _("Choose the reason"))] + RELEASE_REASONS,
    )


class TransferForm(_LifecycleForm):
    date_field = "transferred_on"

    transferred_on = PartialDateFormField(label=_("Transferred on"))
    facility = forms.ModelChoiceField(
        label=_("New place of detention"),
        queryset=Facility.objects.none(),
        required=False,
        help_text=_("Leave empty when the new place is not known yet."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of detention"),
        choices=Detention.Kind.choices,
        required=False,
        help_text=_("Empty: taken from the facility's kind."),
    )
    regime = forms.ChoiceField(
        label=_("Regime"),
        choices=Detention.Regime.choices,
        required=False,
        help_text=_("For a penal colony or prison: the regime the court set."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.active().order_by("country", "name")

    def clean(self):
        cleaned = super().clean()
        facility = cleaned.get("facility")
        detention = self.detention
        if facility is not None and detention is not None and facility.pk == detention.facility_id:
            self.add_error(
                "facility",
                _("The person is already held in %(facility)s: choose the new place.")
                % {"facility": facility},
            )
        # A facility's kind names a kind of detention, except "other".
        if (
            facility is not None
            and not cleaned.get("kind")
            and facility.kind in Detention.Kind.values
        ):
            cleaned["kind"] = facility.kind
        if cleaned.get("regime") and cleaned.get("kind") not in (
            Detention.Kind.PENAL_COLONY,
            Detention.Kind.PRISON,
        ):
            self.add_error("regime", _("A regime applies to a penal colony or a prison only."))
        return cleaned


class DeathForm(forms.ModelForm):
    """A death in custody, as reported. Its source is required (the view's source form)."""

    died_on = PartialDateFormField(label=_("Died on"), required=False)

    class Meta:
        model = DeathInCustody
        fields = ["died_on", "place", "facility", "circumstances", "visibility"]
        widgets = {"circumstances": _textarea(4)}

    def __init__(self, *args, person, arrests=(), visibility_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.arrests = [a for a in arrests if a]
        self.fields["facility"].queryset = Facility.objects.active().order_by("country", "name")
        self.fields["facility"].help_text = _("Or give the place in words above.")
        if visibility_choices is not None:
            _restrict_visibility(self.fields["visibility"], visibility_choices)

    def clean(self):
        cleaned = super().clean()
        died_on = cleaned.get("died_on")
        for arrest in self.arrests:
            if certainly_after(arrest, died_on):
                self.add_error(
                    "died_on",
                    _("This is before the arrest or start of detention (%(date)s).")
                    % {"date": arrest.display()},
                )
                break
        if not cleaned.get("place") and not cleaned.get("facility") and not self.has_error("place"):
            self.add_error("place", _("Give the place of death, or choose the facility."))
        return cleaned


class LifecycleSourceForm(VisitSourceForm):
    """The source a release, a transfer or a death is recorded from."""

    def __init__(self, *args, required: bool, **kwargs):
        kwargs.setdefault("prefix", "source")
        # Optional: left empty, it is valid and cites nothing.
        super().__init__(
            *args, empty_permitted=not required, use_required_attribute=False, **kwargs
        )
        self.required = required
        self.fields["title"].help_text = _(
            "As the source describes itself: e.g. “Lawyer's message to the family, 3 March”."
        )

    def has_changed(self) -> bool:
        """An optional source is given once it names something (a title, a URL or a
        reference): the choices it starts with alone cite nothing."""
        if self.required:
            return True
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip()
            for name in ("title", "url", "reference")
        )

    @property
    def given(self) -> bool:
        return self.has_changed()


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "case_type",
            "country",
            "region",
            "authority",
            "court",
            "case_number",
            "proceeding",
            "status",
            "arrest_date",
            "verdict_date",
            "summary",
            "internal_notes",
            "health_check_interval_days",
            "visit_interval_days",
        ]
        widgets = {"summary": _textarea(6), "internal_notes": _textarea(4)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proceeding"].queryset = Proceeding.objects.active()


class PersonRelationForm(forms.ModelForm):
    """A relative or a lawyer: an existing person, or a new one by name."""

    class Meta:
        model = PersonRelation
        fields = ["kind", "relation", "other", "since", "until", "notes", "visibility"]
        widgets = {"notes": _textarea(3)}

    new_person_name = forms.CharField(
        label=_("or a new person's full name"),
        required=False,
        max_length=200,
        help_text=_("Creates a person record with the same visibility (never public)."),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].required = False
        self.fields["other"].queryset = (
            Person.objects.active().exclude(pk=person.pk).order_by("full_name", "pk")
        )
        self.fields["other"].label = _("Linked person (existing)")
        self.order_fields(
            ["kind", "relation", "other", "new_person_name", "since", "until", "notes"]
        )

    def clean(self):
        cleaned = super().clean()
        other, name = cleaned.get("other"), (cleaned.get("new_person_name") or "").strip()
        if other and name:
            self.add_error("new_person_name", _("Choose a person or type a new name, not both."))
        elif not other and not name and "other" not in self.errors:
            self.add_error("other", _("Choose a person, or type the name of a new one."))
        return cleaned

    def _post_clean(self):
        # `other` may be empty here (a new person is created by the service): the
        # model's own checks run there, with the person in place.
        pass


class CaseInternalForm(forms.ModelForm):
    """What an assigned monitor may change on a published case."""

    class Meta:
        model = Case
        fields = ["internal_notes", "health_check_interval_days", "visit_interval_days"]
        widgets = {"internal_notes": _textarea(4)}


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=EvidenceFile._meta.get_field("description").max_length,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Internal comment"), required=False, widget=_textarea(2), max_length=2000
    )


class PublishForm(CommentForm):
    correction_note = forms.CharField(
        label=_("Public correction note"),
        required=False,
        widget=_textarea(2),
        max_length=2000,
        help_text=_("Shown on the public page. Only for a case that is already published."),
    )


@dataclass(frozen=True)
class ErrorLink:
    """One line of an error summary: a link to the field at fault."""

    target: str  # the id of the element to focus
    label: str
    message: str


def _form_errors(form, title: str = "") -> list[ErrorLink]:
    links = []
    first = next(iter(form), None)
    # In page order: the form's own errors first, then field by field.
    names = [name for name in form.errors if name not in form.fields]
    names += [name for name in form.fields if name in form.errors]
    for name in names:
        errors = form.errors[name]
        field = form.fields.get(name)
        if field is None or name not in form.fields:
            target = first.auto_id if first else ""
            label = title or _("Form")
        else:
            target = form[name].auto_id
            label = f"{title}: {field.label}" if title else capfirst(field.label)
        links.extend(ErrorLink(target, str(label), str(message)) for message in errors)
    return links


def lifecycle_errors(form, source_form) -> list[ErrorLink]:
    """The error summary of a lifecycle form and its source."""
    return _form_errors(form) + _form_errors(source_form, str(_("Source")))


def error_links(form, formsets=()) -> list[ErrorLink]:
    """Every error of a form and its formsets, in page order, each with the id of
    its field: the summary at the top of the page links to (and focuses) each."""
    links = _form_errors(form)
    for formset, title in formsets:
        for message in formset.non_form_errors():
            links.append(ErrorLink(f"formset-{formset.prefix}", str(title % {"n": ""}), message))
        for i, sub in enumerate(formset.forms):
            if sub.errors:
                links.extend(_form_errors(sub, str(title % {"n": i + 1})))
    return links
