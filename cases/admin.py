from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casetracker.admin import RecordAdmin, RecordInline

from . import policy, services
from .health import refresh_health_due
from .models import (
    AdditionalPunishment,
    CareDue,
    CareFlag,
    Case,
    CaseLink,
    CaseOfficial,
    Charge,
    DeathInCustody,
    Detention,
    Event,
    EvidenceFile,
    Facility,
    HealthAlertPreference,
    HealthDue,
    HealthDueSweep,
    HealthObservation,
    HungerStrike,
    LegalArticle,
    Official,
    PendingChange,
    PrisonVisit,
    Proceeding,
    Publication,
    Recognition,
    Sentence,
    Source,
    StaleHealthFlag,
)


class _RefreshesHealthDue:
    """Admin saves of these records change a person's health due moment."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # form.initial["person"]: the person it belonged to before an edit moved it.
        refresh_health_due(person_ids={obj.person_id, form.initial.get("person")})


class ChargeInline(RecordInline):
    model = Charge
    fields = ("article", "wording", "charged_on", "outcome", "visibility", "sources")
    autocomplete_fields = ("article", "sources")


class SentenceForm(forms.ModelForm):
    """The term as courts write it: years, months and days (stored as months + days)."""

    term_years = forms.IntegerField(label=_("term: years"), min_value=0, required=False)

    class Meta:
        model = Sentence
        fields = (
            "decision",
            "sentenced_on",
            "court",
            "kind",
            "term_months",
            "term_days",
            "fine_amount",
            "fine_currency",
            "fine_usd_reported",
            "starts_on",
            "ends_on",
            "appeal_outcome",
            "visibility",
            "sources",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = self.instance.term_months
        if months and not self.is_bound:
            self.initial["term_years"], self.initial["term_months"] = divmod(months, 12)

    def clean(self):
        cleaned = super().clean()
        years = cleaned.get("term_years")
        if years:
            cleaned["term_months"] = years * 12 + (cleaned.get("term_months") or 0)
            self.instance.term_months = cleaned["term_months"]
        return cleaned


class AdditionalPunishmentInline(RecordInline):
    model = AdditionalPunishment
    fields = ("kind", "description", "term_months", "term_days", "fine_amount", "fine_currency")


class SentenceInline(RecordInline):
    model = Sentence
    form = SentenceForm
    fields = (
        "decision",
        "sentenced_on",
        "court",
        "kind",
        "term_years",
        "term_months",
        "term_days",
        "fine_amount",
        "fine_currency",
        "fine_usd_reported",
        "starts_on",
        "ends_on",
        "appeal_outcome",
        "visibility",
        "sources",
    )
    autocomplete_fields = ("sources",)


class DetentionInline(RecordInline):
    model = Detention
    fk_name = "case"
    fields = (
        "person",
        "facility",
        "kind",
        "regime",
        "started_on",
        "ended_on",
        "end_reason",
        "expected_release_on",
        "visibility",
        "sources",
    )
    autocomplete_fields = ("person", "facility", "sources")


class RecognitionInline(RecordInline):
    model = Recognition
    fields = ("recognizer", "recognized_by", "recognized_on", "url", "visibility", "sources")
    autocomplete_fields = ("recognizer", "sources")


class CaseLinkInline(RecordInline):
    model = CaseLink
    fk_name = "from_case"
    fields = ("kind", "to_case", "note", "visibility", "sources")
    autocomplete_fields = ("to_case", "sources")
    verbose_name_plural = _("links to other cases")


@admin.register(CaseLink)
class CaseLinkAdmin(RecordAdmin):
    list_display = ("from_case", "kind", "to_case", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind")
    search_fields = ("from_case__person__full_name", "to_case__person__full_name")
    autocomplete_fields = ("from_case", "to_case", "sources")


class CaseOfficialInline(RecordInline):
    model = CaseOfficial
    fields = ("official", "role", "decision", "date", "visibility", "sources")
    autocomplete_fields = ("official", "sources")


@admin.register(Official)
class OfficialAdmin(RecordAdmin):
    list_display = ("full_name", "kind", "institution", "country", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind", "country")
    search_fields = ("full_name", "institution")
    prepopulated_fields = {"slug": ("full_name",)}


@admin.register(CaseOfficial)
class CaseOfficialAdmin(RecordAdmin):
    list_display = ("official", "role", "case", "date", "visibility")
    list_filter = (*RecordAdmin.list_filter, "role")
    search_fields = ("official__full_name", "decision", "case__person__full_name")
    autocomplete_fields = ("case", "official", "sources")
    list_select_related = ("official", "case__person")


class EventInline(RecordInline):
    model = Event
    fields = ("date", "kind", "title", "location", "visibility", "sources")
    autocomplete_fields = ("sources",)


@admin.register(Case)
class CaseAdmin(RecordAdmin):
    list_display = (
        "__str__",
        "status",
        "country",
        "arrest_date",
        "editorial_state",
        "visibility",
    )
    list_filter = (*RecordAdmin.list_filter, "editorial_state", "status", "case_type", "country")
    search_fields = (
        "person__full_name",
        "person__name_variants__name",
        "case_number",
        "court",
        "slug",
    )
    autocomplete_fields = ("person", "assigned_monitors", "proceeding")
    list_select_related = ("person",)
    inlines = [
        ChargeInline,
        SentenceInline,
        DetentionInline,
        RecognitionInline,
        EventInline,
        CaseLinkInline,
        CaseOfficialInline,
    ]
    # The editorial state and the case's own visibility change only by publishing
    # and unpublishing (the actions below, through cases.services): shown, never edited.
    readonly_fields = (*RecordAdmin.readonly_fields, "editorial_state", "visibility")
    actions = [*RecordAdmin.actions, "publish_selected", "unpublish_selected"]

    def _editorial(self, request, queryset, action, done):
        if not policy.may_publish(request.user):
            raise PermissionDenied
        count = 0
        for case in queryset:
            try:
                action(by=request.user, case=case, comment=str(_("From the admin.")))
            except ValidationError as error:
                self.message_user(request, f"{case}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=_("Publish the selected cases"))
    def publish_selected(self, request, queryset):
        self._editorial(
            request,
            queryset,
            services.publish_case,
            lambda n: ngettext("%(n)d case published.", "%(n)d cases published.", n) % {"n": n},
        )

    @admin.action(description=_("Unpublish the selected cases"))
    def unpublish_selected(self, request, queryset):
        self._editorial(
            request,
            queryset,
            services.unpublish_case,
            lambda n: ngettext("%(n)d case unpublished.", "%(n)d cases unpublished.", n) % {"n": n},
        )

    def save_model(self, request, obj, form, change):
        if change:
            # A history "revert" rebuilds the whole case from an old row: it must not
            # carry an old editorial state or visibility back (only publishing does).
            current = Case.objects.values("editorial_state", "visibility").get(pk=obj.pk)
            obj.__dict__["editorial_state"] = current["editorial_state"]  # protected field
            obj.visibility = current["visibility"]
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not policy.may_publish(request.user):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The interval override and the inline detentions change health due moments.
        person_ids = {form.instance.person_id, form.initial.get("person")}
        for formset in formsets:
            if formset.model is Detention:
                person_ids |= {d.person_id for d in formset.queryset} | {
                    d.person_id for d in formset.new_objects
                }
        refresh_health_due(person_ids=person_ids)


@admin.register(LegalArticle)
class LegalArticleAdmin(RecordAdmin):
    list_display = ("country", "code", "number", "title")
    list_filter = (*RecordAdmin.list_filter, "country", "code")
    search_fields = ("number", "title")


@admin.register(Charge)
class ChargeAdmin(RecordAdmin):
    list_display = ("case", "article", "wording", "outcome", "visibility")
    list_filter = (*RecordAdmin.list_filter, "outcome")
    search_fields = ("wording", "article__title", "case__person__full_name")
    autocomplete_fields = ("case", "article", "sources")
    list_select_related = ("case__person", "article")


@admin.register(AdditionalPunishment)
class AdditionalPunishmentAdmin(RecordAdmin):
    list_display = ("sentence", "kind", "description", "term_months", "fine_amount")
    list_filter = (*RecordAdmin.list_filter, "kind")
    search_fields = ("sentence__case__person__full_name", "description")
    autocomplete_fields = ("sentence",)
    list_select_related = ("sentence__case__person",)


@admin.register(Sentence)
class SentenceAdmin(RecordAdmin):
    form = SentenceForm
    inlines = [AdditionalPunishmentInline]
    list_display = (
        "case",
        "decision",
        "kind",
        "term_months",
        "term_days",
        "fine_amount",
        "fine_currency",
        "sentenced_on",
    )
    list_filter = (*RecordAdmin.list_filter, "decision", "kind")
    search_fields = ("case__person__full_name", "court")
    autocomplete_fields = ("case", "sources")
    list_select_related = ("case__person",)


class ProceedingCaseInline(admin.TabularInline):
    """The defendants' cases of a group trial (set on each case: its `proceeding`)."""

    model = Case
    fk_name = "proceeding"
    fields = ("__str__", "status", "editorial_state")
    readonly_fields = ("__str__", "status", "editorial_state")
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("defendants' cases")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proceeding)
class ProceedingAdmin(RecordAdmin):
    list_display = ("name", "country", "court", "visibility")
    list_filter = (*RecordAdmin.list_filter, "country")
    search_fields = ("name", "court", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ProceedingCaseInline]


@admin.register(Facility)
class FacilityAdmin(RecordAdmin):
    list_display = ("name", "kind", "city", "country")
    list_filter = (*RecordAdmin.list_filter, "kind", "country")
    search_fields = ("name", "city")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Detention)
class DetentionAdmin(_RefreshesHealthDue, RecordAdmin):
    list_display = (
        "person",
        "facility",
        "kind",
        "started_on",
        "ended_on",
        "end_reason",
        "visibility",
    )
    list_filter = (*RecordAdmin.list_filter, "kind", "end_reason")
    search_fields = ("person__full_name", "facility__name")
    autocomplete_fields = ("person", "case", "facility", "sources")
    list_select_related = ("person", "facility")


@admin.register(DeathInCustody)
class DeathInCustodyAdmin(_RefreshesHealthDue, RecordAdmin):
    list_display = ("person", "died_on", "place", "visibility")
    search_fields = ("person__full_name", "place")
    autocomplete_fields = ("person", "detention", "facility", "sources")
    list_select_related = ("person",)


@admin.register(HungerStrike)
class HungerStrikeAdmin(_RefreshesHealthDue, RecordAdmin):
    list_display = ("person", "started_on", "ended_on", "kind", "outcome", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind", "outcome")
    search_fields = ("person__full_name", "demands")
    autocomplete_fields = ("person", "case", "sources")
    list_select_related = ("person",)


class ObservationInline(RecordInline):
    model = HealthObservation
    fields = (
        "person",
        "observed_on",
        "observed_time",
        "kind",
        "weight_kg",
        "description",
        "visibility",
        "sources",
    )
    autocomplete_fields = ("person", "sources")


@admin.register(HealthObservation)
class HealthObservationAdmin(_RefreshesHealthDue, RecordAdmin):
    list_display = ("person", "observed_on", "kind", "weight_kg", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind")
    search_fields = ("person__full_name", "description")
    autocomplete_fields = ("person", "visit", "sources")
    list_select_related = ("person",)
    date_hierarchy = "observed_on"


@admin.register(PrisonVisit)
class PrisonVisitAdmin(RecordAdmin):
    list_display = ("person", "visited_on", "kind", "outcome", "facility", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind", "outcome")
    search_fields = ("person__full_name", "public_summary", "refusal_reason")
    autocomplete_fields = ("person", "case", "facility", "sources")
    list_select_related = ("person", "facility")
    inlines = [ObservationInline]


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ("title", "kind", "date", "reliability", "identity_confidential", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind", "reliability", "identity_confidential")
    search_fields = ("title", "author", "publisher", "url", "reference")


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ("date", "kind", "title", "case", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind")
    search_fields = ("title", "description", "case__person__full_name")
    autocomplete_fields = ("case", "sources")
    list_select_related = ("case__person",)


@admin.register(Recognition)
class RecognitionAdmin(RecordAdmin):
    list_display = ("case", "recognizer", "recognized_by", "recognized_on")
    list_filter = (*RecordAdmin.list_filter, "recognizer")
    search_fields = ("recognized_by", "recognizer__name", "case__person__full_name")
    autocomplete_fields = ("case", "recognizer", "sources")


@admin.register(StaleHealthFlag)
class StaleHealthFlagAdmin(admin.ModelAdmin):
    list_display = (
        "person",
        "due_since",
        "interval_days",
        "raised_at",
        "resolved_at",
        "resolution",
    )
    list_filter = ("resolution",)
    search_fields = ("person__full_name",)
    list_select_related = ("person",)
    readonly_fields = [f.name for f in StaleHealthFlag._meta.fields]

    def has_add_permission(self, request):
        return False  # raised only by the stale-health job

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """The editorial log is append-only: written by cases.services, read here."""

    list_display = ("case", "action", "actor", "created_at")
    list_filter = ("action",)
    search_fields = ("case__person__full_name", "case__slug")
    readonly_fields = (
        "case",
        "action",
        "actor",
        "created_at",
        "comment",
        "correction_note",
        "restored_from",
        "snapshot",
        "changes",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(RecordAdmin):
    list_display = ("__str__", "visit", "observation", "content_type", "size", "visibility")
    search_fields = ("description", "original_name", "sha256")
    # Files are uploaded through the workspace (type sniffing, checksum) and
    # downloaded through its permission-checked view; the admin only shows them.
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
    )
    raw_id_fields = ("visit", "observation")

    def has_add_permission(self, request):
        return False


@admin.register(HealthAlertPreference)
class HealthAlertPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "delivery", "last_digest_on")
    list_filter = ("delivery",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    readonly_fields = ("last_digest_on",)


@admin.register(HealthDue)
class HealthDueAdmin(admin.ModelAdmin):
    """Read-only: kept by cases.health; an edit here would be overwritten by the next sweep."""

    list_display = ("person", "due_at", "counted_from", "interval_days")
    search_fields = ("person__full_name",)
    list_select_related = ("person",)
    readonly_fields = ("person", "due_at", "counted_from", "interval_days")
    ordering = ("due_at",)

    def has_add_permission(self, request):
        return False  # written only by cases.health

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HealthDueSweep)
class HealthDueSweepAdmin(admin.ModelAdmin):
    list_display = ("started_at", "full_started_at", "rule")
    readonly_fields = ("started_at", "full_started_at", "rule")

    def has_add_permission(self, request):
        return False  # written only by the stale-health job

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CareFlag)
class CareFlagAdmin(admin.ModelAdmin):
    """Overdue visits and strike observations (cases.staleness): raised and resolved by the job."""

    list_display = ("person", "kind", "case", "due_since", "raised_at", "resolved_at")
    list_filter = ("kind",)
    search_fields = ("person__full_name",)
    list_select_related = ("person", "case")
    readonly_fields = [f.name for f in CareFlag._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CareDue)
class CareDueAdmin(admin.ModelAdmin):
    """Read-only: kept by cases.staleness; an edit would be overwritten by the next run."""

    list_display = ("person", "kind", "case", "due_at", "counted_from")
    list_filter = ("kind",)
    search_fields = ("person__full_name",)
    list_select_related = ("person", "case")
    readonly_fields = ("key", "kind", "person", "case", "due_at", "counted_from")
    ordering = ("due_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """Read-only: the review queue's markers, kept by cases.review."""

    list_display = ("case", "total", "changed_at", "changed_by")
    list_select_related = ("case__person", "changed_by")
    readonly_fields = ("case", "changed_at", "changed_by", "sections", "total")
    ordering = ("-changed_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
