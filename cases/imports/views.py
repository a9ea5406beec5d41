"""Editors' pages: CSV import (upload, preview, confirm) and merging duplicate people.

Between the preview and the confirmation the uploaded file waits in the
private file storage (never served), named by a random token that only the
uploading editor's session knows; the confirmation re-reads it, checks its
hash, and validates it again against the database as it is then.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import policy
from cases.importer import import_cases
from people.models import Person
from people.services import merge_people

from .forms import ConfirmForm, MergeForm, UploadForm

UPLOAD_DIR = "imports"
SESSION_KEY = "csv_imports"
STALE_AFTER = timedelta(days=1)
PREVIEW_ROWS = 500


def _editor(request):
    user = request.user
    if not policy.may_import(user):
        raise PermissionDenied(_("Only editors import cases and merge people."))
    return user


def _forget_stale_uploads() -> None:
    """Uploads nobody confirmed within a day are deleted."""
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - STALE_AFTER
    for name in files:
        path = f"{UPLOAD_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def _shown_rows(report):
    """Every row with an error, a warning or a likely duplicate, then the others up to a limit."""

    def remarked(r):
        return r.errors or r.duplicates or r.warnings or r.held_back

    flagged = [r for r in report.rows if remarked(r)]
    others = [r for r in report.rows if not remarked(r)]
    return sorted(flagged + others[:PREVIEW_ROWS], key=lambda r: r.line), max(
        0, len(others) - PREVIEW_ROWS
    )


def _render_report(request, report, *, template_context):
    rows, hidden = _shown_rows(report)
    return render(
        request,
        "imports/report.html",
        {"report": report, "rows": rows, "hidden_rows": hidden, **template_context},
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    user = _editor(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        report = import_cases(
            data=data,
            user=user,
            dry_run=True,
            publish=form.cleaned_data["publish"],
            valid_only=form.cleaned_data["valid_only"],
        )
        _forget_stale_uploads()
        token = secrets.token_urlsafe(24)
        default_storage.save(f"{UPLOAD_DIR}/{token}.csv", ContentFile(data))
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {
            "name": form.cleaned_data["file"].name,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        request.session[SESSION_KEY] = uploads
        confirm = ConfirmForm(
            initial={
                "token": token,
                "publish": form.cleaned_data["publish"],
                "valid_only": form.cleaned_data["valid_only"],
            }
        )
        return _render_report(
            request,
            report,
            template_context={
                "preview": True,
                "confirm_form": confirm,
                "file_name": uploads[token]["name"],
            },
        )
    return render(request, "imports/upload.html", {"form": form})


@login_required
@require_POST
def confirm(request):
    user = _editor(request)
    form = ConfirmForm(request.POST)
    uploads = request.session.get(SESSION_KEY, {})
    if not form.is_valid() or form.cleaned_data["token"] not in uploads:
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("imports:upload")
    token = form.cleaned_data["token"]
    path = f"{UPLOAD_DIR}/{token}.csv"
    try:
        with default_storage.open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != uploads[token]["sha256"]:
        uploads.pop(token, None)
        request.session[SESSION_KEY] = uploads
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("imports:upload")
    report = import_cases(
        data=data,
        user=user,
        publish=form.cleaned_data["publish"],
        valid_only=form.cleaned_data["valid_only"],
    )
    if report.applied:
        default_storage.delete(path)
        file_name = uploads.pop(token)["name"]
        request.session[SESSION_KEY] = uploads
        return _render_report(
            request, report, template_context={"preview": False, "file_name": file_name}
        )
    messages.error(
        request,
        _("Nothing was imported: some rows have errors. Fix them, or import the valid rows only."),
    )
    return _render_report(
        request,
        report,
        template_context={
            "preview": True,
            "confirm_form": ConfirmForm(initial={**form.cleaned_data, "valid_only": True}),
            "file_name": uploads[token]["name"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request):
    user = _editor(request)
    form = MergeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return render(request, "imports/merge.html", {"form": form, "invalid": True}, status=400)
    people = Person.objects.active()
    keep = get_object_or_404(people, pk=form.cleaned_data["keep"])
    duplicate = get_object_or_404(people, pk=form.cleaned_data["merge"])
    if request.method == "POST":
        try:
            merge_people(keep=keep, merge=duplicate, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(kept)s.")
                % {"merged": duplicate.full_name, "kept": keep.full_name},
            )
            return redirect("admin:people_person_change", keep.pk)
    context = {
        "form": form,
        "keep": keep,
        "duplicate": duplicate,
        "people": [
            (keep, keep.cases.count(), keep.name_variants.active().count()),
            (duplicate, duplicate.cases.count(), duplicate.name_variants.active().count()),
        ],
    }
    return render(request, "imports/merge.html", context)
