"""Admin building blocks shared by every record type."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .records import archive_record, restore_record


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archive")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived")), ("all", _("All"))]

    def choices(self, changelist):
        # "Active" is the default, so the unfiltered link is labelled accordingly.
        for lookup, title in self.lookup_choices:
            selected = self.value() == lookup or (self.value() is None and lookup == "no")
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "no"
        if value == "no":
            return queryset.filter(archived_at__isnull=True)
        if value == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.action(description=_("Archive selected records (restorable)"))
def archive_selected(modeladmin, request, queryset):
    count = 0
    for record in queryset.filter(archived_at__isnull=True):
        archive_record(record=record, by=request.user)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%d record archived.", "%d records archived.", count) % count,
        messages.SUCCESS,
    )


@admin.action(description=_("Restore selected archived records"))
def restore_selected(modeladmin, request, queryset):
    count = 0
    for record in queryset.filter(archived_at__isnull=False):
        restore_record(record=record, by=request.user)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%d record restored.", "%d records restored.", count) % count,
        messages.SUCCESS,
    )


class RecordAdmin(SimpleHistoryAdmin):
    """Authorship is stamped, deletion is archiving, and history is one click away."""

    actions = [archive_selected, restore_selected]
    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by", "archived_at")
    list_filter = (ArchivedFilter, "visibility")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            if hasattr(obj, "created_by_id") and obj.pk is None:
                obj.created_by = request.user
            if hasattr(obj, "updated_by_id"):
                obj.updated_by = request.user
            obj.save()
        # Inline "delete" ticks archive instead of deleting.
        for obj in formset.deleted_objects:
            archive_record(record=obj, by=request.user)
        formset.save_m2m()

    def has_delete_permission(self, request, obj=None):
        # Nobody hard-deletes through the admin; archive instead.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class RecordInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        # The "delete" tick on an inline row archives it (see RecordAdmin.save_formset).
        return True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(archived_at__isnull=True)
