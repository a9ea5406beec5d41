from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from casetracker.admin import RecordAdmin, RecordInline

from .models import (
    Membership,
    NameVariant,
    Organization,
    OrganizationStatus,
    Person,
    PersonRelation,
)


class NameVariantInline(RecordInline):
    model = NameVariant
    fields = ("name", "kind", "script", "visibility")


class MembershipInline(RecordInline):
    model = Membership
    fk_name = "person"
    fields = ("organization", "role", "started_on", "ended_on", "visibility", "sources")
    autocomplete_fields = ("organization", "sources")


class PersonRelationInline(RecordInline):
    """Relatives and lawyers: confidential by default, never public."""

    model = PersonRelation
    fk_name = "person"
    fields = ("kind", "relation", "other", "since", "until", "notes", "visibility")
    autocomplete_fields = ("other",)


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ("full_name", "citizenship", "occupation", "visibility", "health_due_at")
    list_filter = (*RecordAdmin.list_filter, "gender", "citizenship")
    search_fields = ("full_name", "name_variants__name", "name_normalized")
    prepopulated_fields = {"slug": ("full_name",)}
    readonly_fields = (*RecordAdmin.readonly_fields, "health_due_at")
    # health_due_at reads the one-to-one HealthDue row: joined, not one query per row.
    list_select_related = ("health_due",)
    inlines = [NameVariantInline, MembershipInline, PersonRelationInline]
    fieldsets = (
        (None, {"fields": ("full_name", "slug", "visibility")}),
        (
            "Identity",
            {
                "fields": (
                    "birth_date",
                    "birthplace",
                    "date_of_death",
                    "reported_age",
                    "reported_age_on",
                    "gender",
                    "citizenship",
                    "occupation",
                    "photo",
                )
            },
        ),
        (
            "Internal (never public unless declared)",
            {"fields": ("ethnicity", "religion")},
        ),
        ("Texts", {"fields": ("public_biography", "internal_notes")}),
        ("Record", {"fields": RecordAdmin.readonly_fields + ("health_due_at",)}),
    )

    @admin.display(description=_("health update due"), ordering="health_due__due_at")
    def health_due_at(self, obj: Person):
        """Kept by cases.health; no row for people who are not detained. Formatted here:
        the admin prints a callable's value in a read-only field with str()."""
        try:
            due_at = obj.health_due.due_at
        except ObjectDoesNotExist:
            due_at = None
        return display_for_value(due_at, self.get_empty_value_display())

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True


class OrganizationStatusInline(RecordInline):
    model = OrganizationStatus
    fields = ("status", "since", "authority", "visibility", "sources")
    autocomplete_fields = ("sources",)


class OrganizationMembersInline(RecordInline):
    model = Membership
    fk_name = "organization"
    fields = ("person", "role", "started_on", "ended_on", "visibility")
    autocomplete_fields = ("person",)


@admin.register(Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = ("name", "translated_name", "kind", "country", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind", "country")
    search_fields = ("name", "translated_name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OrganizationStatusInline, OrganizationMembersInline]


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ("person", "organization", "role", "started_on", "ended_on", "visibility")
    list_filter = (*RecordAdmin.list_filter, "role")
    search_fields = ("person__full_name", "organization__name")
    autocomplete_fields = ("person", "organization", "sources")


@admin.register(NameVariant)
class NameVariantAdmin(RecordAdmin):
    list_display = ("name", "person", "kind", "script", "visibility")
    search_fields = ("name", "person__full_name")
    autocomplete_fields = ("person",)


@admin.register(OrganizationStatus)
class OrganizationStatusAdmin(RecordAdmin):
    list_display = ("organization", "status", "since", "authority")
    search_fields = ("organization__name", "authority")
    autocomplete_fields = ("organization", "sources")


@admin.register(PersonRelation)
class PersonRelationAdmin(RecordAdmin):
    list_display = ("person", "kind", "relation", "other", "visibility")
    list_filter = (*RecordAdmin.list_filter, "kind")
    search_fields = ("person__full_name", "other__full_name", "relation")
    autocomplete_fields = ("person", "other")
