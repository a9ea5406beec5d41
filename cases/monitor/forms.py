"""Staff forms. They validate input (model rules included, through ModelForm);
policy (who may publish, what may go live) is decided by cases.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Case,
    Event,
    EvidenceFile,
    Facility,
    HealthObservation,
    HungerStrike,
    PrisonVisit,
    Source,
)
from casetracker.records import Visibility


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


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
            "visited_on": DateInput(),
            "refusal_reason": _textarea(2),
            "visitors": _textarea(2),
            "internal_report": _textarea(6),
            "public_summary": _textarea(4),
        }

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].required = True
        self.fields["facility"].queryset = Facility.objects.active()


class VisitEditForm(VisitForm):
    class Meta(VisitForm.Meta):
        fields = [name for name in VisitForm.Meta.fields if name != "case"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
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


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "date", "title", "description", "location", "visibility"]
        widgets = {"description": _textarea(3)}


class HungerStrikeStartForm(forms.ModelForm):
    class Meta:
        model = HungerStrike
        fields = ["started_on", "kind", "demands", "visibility"]
        widgets = {"started_on": DateInput(), "demands": _textarea(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].required = True


class HungerStrikeEndForm(forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[c for c in HungerStrike.Outcome.choices if c[0] != HungerStrike.Outcome.ONGOING],
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
            "status",
            "arrest_date",
            "verdict_date",
            "summary",
            "internal_notes",
            "health_check_interval_days",
        ]
        widgets = {"summary": _textarea(6), "internal_notes": _textarea(4)}


class CaseInternalForm(forms.ModelForm):
    """What an assigned monitor may change on a published case."""

    class Meta:
        model = Case
        fields = ["internal_notes", "health_check_interval_days"]
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
