"""The monitors' workspace and the editorial workflow: thin views.

Every object comes from a cases.access helper (404/403 for anything the user
may not touch); every write goes through a cases.services action.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access, lifecycle, policy, review, services, staleness
from cases import evidence as evidence_rules
from cases.models import (
    Case,
    CaseOfficial,
    DeathInCustody,
    Event,
    EvidenceFile,
    HealthObservation,
    HungerStrike,
    PrisonVisit,
    Publication,
)
from cases.snapshots import build_snapshot, diff_snapshots
from casetracker.security import sealing
from casetracker.security.log import security_event
from public.pages import case_page_context

from . import forms, queries

# --- plumbing ------------------------------------------------------------------


def staff_view(view):
    """Anonymous: to the login page. Logged in but not staff: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access.require_staff(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def apply_errors(error: ValidationError, form, formsets: dict | None = None) -> None:
    """Put a service's ValidationError on the form fields it names.

    Keys `<prefix>-<i>-<field>` address the i-th filled form of a formset.
    """
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.message_dict.items():
        prefix, _sep, rest = key.partition("-")
        if prefix in formsets and rest:
            index, _sep, field = rest.partition("-")
            filled = [f for f in formsets[prefix].forms if f.has_changed()]
            target = filled[int(index)] if index.isdigit() and int(index) < len(filled) else form
            target.add_error(field if field in target.fields else None, errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


def _posted(request, *, files: bool = False):
    """Bind forms on POST only (an empty POST still binds, and so validates)."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _form_page(request, form, *, title, back, submit=None, multipart=False, intro=""):
    return render(
        request,
        "monitor/form.html",
        {
            "form": form,
            "errors": forms.error_links(form),
            "title": title,
            "back": back,
            "submit": submit or _("Save"),
            "multipart": multipart,
            "intro": intro,
        },
    )


def _form_view(request, form, *, save, saved, back, title, intro=""):
    """The shape of every simple workspace form: on a valid POST, run the service
    with the form's listed fields and go back with a message; otherwise (GET, or a
    field-level error from the form or the service) show the form again with
    everything that was typed."""
    if request.method == "POST" and form.is_valid():
        data = _fields(form, type(form).Meta.fields)
        if _save_or_error(form, lambda: save(data)):
            messages.success(request, saved)
            return redirect(back)
    return _form_page(request, form, title=title, back=back, intro=intro)


def _save_or_error(form, action, formsets=None):
    """Run a service; on a ValidationError, put it on the form and return None."""
    try:
        return action()
    except ValidationError as error:
        apply_errors(error, form, formsets)
        return None


# --- workspace -------------------------------------------------------------------

REVIEW_PAGE_SIZE = 50


@staff_view
def workspace(request):
    user = request.user
    now = timezone.now()
    return render(
        request,
        "monitor/workspace.html",
        {
            "now": now,
            "my_cases": queries.my_cases(user),
            "strikes": queries.ongoing_strikes(user),
            "overdue": queries.overdue_people(user, now=now),
            "care_overdue": staleness.overdue_for(user, now=now),
            "activity": queries.recent_activity(user),
            "can_publish": policy.may_publish(user),
            "review_count": review.queue(user).exclude(total=0).count()
            if policy.may_publish(user)
            else None,
        },
    )


@staff_view
def review_queue(request):
    access.require_publisher(request.user)
    page = Paginator(review.queue(request.user), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    review.refresh(page.object_list)  # counts what changed, once per change
    entries = [marker for marker in page.object_list if marker.total]
    return render(request, "monitor/review_queue.html", {"page": page, "entries": entries})


# --- people and cases --------------------------------------------------------------


def _lifecycle_context(user, case_or_person) -> dict:
    person = getattr(case_or_person, "person", case_or_person)
    return {
        "can_record_lifecycle": user.has_perm("cases.change_case")
        and policy.may_record_lifecycle(user, case_or_person),
        "held_now": lifecycle.open_detention(person=person, user=user),
        "death_recorded": DeathInCustody.objects.active().filter(person=person).exists(),
    }


@staff_view
def person_detail(request, pk):
    user = request.user
    person = access.access_person(user, pk)
    return render(
        request,
        "monitor/person_detail.html",
        {
            "person": person,
            **_lifecycle_context(user, person),
            "cases": Case.objects.active().visible_to(user).filter(person=person),
            "strikes": policy.readable(
                user, HungerStrike.objects.active().visible_to(user).filter(person=person)
            ),
            "observations": policy.readable(
                user, HealthObservation.objects.active().visible_to(user).filter(person=person)
            ).prefetch_related(
                Prefetch(
                    "evidence",
                    policy.readable(user, EvidenceFile.objects.active().visible_to(user)),
                )
            )[:30],
            "visits": policy.readable(
                user, PrisonVisit.objects.active().visible_to(user).filter(person=person)
            ).select_related("facility")[:30],
            **_relations(user, person),
        },
    )


def _relations(user, person) -> dict:
    """Relatives and lawyers, for the users cases.policy lets read them (else nothing:
    neither the list nor the link to add one)."""
    readable = policy.may_read_relations(user, person)
    return {
        "relations_readable": readable,
        "relations": policy.readable_relations(user, person).select_related("other")
        if readable
        else [],
        "can_add_relation": readable and user.has_perm("people.add_personrelation"),
    }


@staff_view
def relation_new(request, pk):
    user = request.user
    person = access.access_person(user, pk)
    access.require_perm(user, "people.add_personrelation")
    if not policy.may_read_relations(user, person):
        raise PermissionDenied
    form = forms.PersonRelationForm(_posted(request), person=person)
    back = reverse("monitor:person_detail", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        data = _fields(form, [n for n in type(form).Meta.fields])
        name = form.cleaned_data.get("new_person_name", "")
        if _save_or_error(
            form,
            lambda: services.add_person_relation(
                by=user, person=person, data=data, new_person_name=name
            ),
        ):
            messages.success(request, _("Relative or lawyer saved."))
            return redirect(back)
    return _form_page(
        request,
        form,
        title=_("Relative or lawyer of %(person)s") % {"person": person},
        back=back,
        intro=_(
            "Never shown publicly. Read only by editors, administrators and the monitors "
            "assigned to this person's cases."
        ),
    )


@staff_view
def case_detail(request, pk):
    user = request.user
    case = access.access_case(user, pk)
    person = case.person
    can_edit = True
    try:
        access.access_case(user, pk, edit=True)
    except PermissionDenied:
        can_edit = False
    return render(
        request,
        "monitor/case_detail.html",
        {
            "case": case,
            "person": person,
            "can_edit": can_edit,
            "can_publish": policy.may_publish(user),
            **_lifecycle_context(user, case),
            "strikes": policy.readable(
                user, HungerStrike.objects.active().visible_to(user).filter(person=person)
            ),
            "visits": policy.readable(
                user, PrisonVisit.objects.active().visible_to(user).filter(person=person)
            ).select_related("facility")[:30],
            "events": policy.readable(
                user, Event.objects.active().visible_to(user).filter(case=case)
            ),
            "official_parts": CaseOfficial.objects.active()
            .visible_to(user)
            .filter(case=case)
            .select_related("official")
            .order_by("date", "pk"),
            "unpublished_changes": len(services.current_changes(case))
            if case.is_published
            else None,
            "publications": Publication.objects.for_case(case).select_related("actor")[:20],
            "comment_form": forms.CommentForm(),
            **_relations(user, person),
        },
    )


@staff_view
def case_edit(request, pk):
    user = request.user
    case = access.access_case(user, pk, edit=True)
    internal_only = case.is_published and not policy.may_publish(user)
    form_class = forms.CaseInternalForm if internal_only else forms.CaseForm
    return _form_view(
        request,
        form_class(_posted(request), instance=case),
        save=lambda data: services.update_case(by=user, case=case, data=data),
        saved=_("Case saved."),
        back=reverse("monitor:case_detail", args=[case.pk]),
        title=_("Edit case: %(case)s") % {"case": case},
        intro=_("This case is published: only its internal fields can be changed here.")
        if internal_only
        else "",
    )


# --- release, transfer, death in custody -------------------------------------------------


def _lifecycle_page(request, form, source_form, *, save, saved, back, title, intro=""):
    """A lifecycle form and its source: on a valid POST, create the source (when
    given) and run the service in one transaction; any field error shows the form
    again. The change is staged like every workspace edit: a PendingChange marker
    puts the case in the review queue; the public sees it once an editor publishes."""
    if request.method == "POST" and all([form.is_valid(), source_form.is_valid()]):

        def action():
            with transaction.atomic():
                sources = []
                if source_form.given:
                    data = _fields(source_form, forms.LifecycleSourceForm.Meta.fields)
                    sources.append(services.create_source(by=request.user, data=data))
                return save(form.cleaned_data, sources)

        if _save_or_error(form, action):
            messages.success(request, saved)
            return redirect(back)
    return render(
        request,
        "monitor/lifecycle_form.html",
        {
            "form": form,
            "source_form": source_form,
            "errors": forms.lifecycle_errors(form, source_form),
            "title": title,
            "back": back,
            "intro": intro,
        },
    )


def _held_now_intro(detention) -> str:
    if detention is None:
        return _("No open detention is recorded for this person: there is nothing to end.")
    return _("Held now: %(place)s, since %(start)s.") % {
        "place": detention.facility or _("place not known"),
        "start": detention.started_on.display() if detention.started_on else _("date not known"),
    }


@staff_view
def case_release(request, pk):
    user = request.user
    case = access.access_case(user, pk)
    access.require_may_record_lifecycle(user, case)
    detention = lifecycle.open_detention(person=case.person, user=user)
    data = _posted(request)
    return _lifecycle_page(
        request,
        forms.ReleaseForm(data, detention=detention),
        forms.LifecycleSourceForm(data, required=False),
        save=lambda cleaned, sources: lifecycle.end_detention(
            by=user,
            detention=detention,
            ended_on=cleaned["ended_on"],
            reason=cleaned["end_reason"],
            sources=sources,
        ),
        saved=_("Release recorded. The public sees it once an editor publishes the case."),
        back=reverse("monitor:case_detail", args=[case.pk]),
        title=_("Record a release: %(case)s") % {"case": case},
        intro=_held_now_intro(detention),
    )


@staff_view
def case_transfer(request, pk):
    user = request.user
    case = access.access_case(user, pk)
    access.require_may_record_lifecycle(user, case)
    detention = lifecycle.open_detention(person=case.person, user=user)
    data = _posted(request)
    return _lifecycle_page(
        request,
        forms.TransferForm(data, detention=detention),
        forms.LifecycleSourceForm(data, required=False),
        save=lambda cleaned, sources: lifecycle.record_transfer(
            by=user,
            detention=detention,
            transferred_on=cleaned["transferred_on"],
            facility=cleaned["facility"],
            kind=cleaned["kind"],
            regime=cleaned["regime"],
            sources=sources,
        ),
        saved=_("Transfer recorded. The public sees it once an editor publishes the case."),
        back=reverse("monitor:case_detail", args=[case.pk]),
        title=_("Record a transfer: %(case)s") % {"case": case},
        intro=_held_now_intro(detention),
    )


@staff_view
def person_death(request, pk):
    user = request.user
    person = access.access_person(user, pk)
    access.require_may_record_lifecycle(user, person)
    detention = lifecycle.open_detention(person=person, user=user)
    arrests = [
        c.arrest_date for c in Case.objects.active().filter(person=person).only("arrest_date")
    ]
    if detention is not None:
        arrests.append(detention.started_on)
    data = _posted(request)
    # Back to the case page it was opened from (one of this person's cases).
    case_id = request.GET.get("case", "")
    if case_id.isdigit() and len(case_id) < 18 and person.cases.filter(pk=case_id).exists():
        back = reverse("monitor:case_detail", args=[case_id])
    else:
        back = reverse("monitor:person_detail", args=[person.pk])
    return _lifecycle_page(
        request,
        forms.DeathForm(
            data,
            instance=DeathInCustody(person=person),
            person=person,
            arrests=arrests,
            visibility_choices=services.visibility_choices(by=user, person=person),
        ),
        forms.LifecycleSourceForm(data, required=True),
        save=lambda cleaned, sources: lifecycle.record_death(
            by=user,
            person=person,
            data=_fields_of(cleaned, forms.DeathForm.Meta.fields),
            sources=sources,
        ),
        saved=_("Death in custody recorded. The public sees it once an editor publishes."),
        back=back,
        title=_("Record a death in custody: %(person)s") % {"person": person},
        intro=_(
            "Record what the sources report, and who reports it. Every open detention "
            "ends with this death."
        ),
    )


def _fields_of(cleaned: dict, names) -> dict:
    return {name: cleaned[name] for name in names if name in cleaned}


# --- editorial workflow ----------------------------------------------------------------


def _editorial_action(request, pk, *, action, access_fn, done):
    case = access_fn(request.user, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            action(by=request.user, case=case, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
    return redirect("monitor:case_detail", pk=case.pk)


@staff_view
@require_POST
def case_submit(request, pk):
    return _editorial_action(
        request,
        pk,
        action=services.submit_for_review,
        access_fn=lambda user, pk: access.access_case(user, pk, edit=True),
        done=_("Submitted for review."),
    )


@staff_view
@require_POST
def case_return(request, pk):
    return _editorial_action(
        request,
        pk,
        action=services.return_to_draft,
        access_fn=access.access_case_to_publish,
        done=_("Returned to draft."),
    )


@staff_view
@require_POST
def case_unpublish(request, pk):
    return _editorial_action(
        request,
        pk,
        action=services.unpublish_case,
        access_fn=access.access_case_to_publish,
        done=_("Unpublished: the case page is no longer public."),
    )


@staff_view
def case_publish(request, pk):
    """The review page: what changed since the last publication, then publish."""
    user = request.user
    case = access.access_case_to_publish(user, pk)
    form = forms.PublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        publication = _save_or_error(
            form,
            lambda: services.publish_case(
                by=user,
                case=case,
                comment=form.cleaned_data["comment"],
                correction_note=form.cleaned_data["correction_note"],
            ),
        )
        if publication:
            messages.success(request, _("Published."))
            return redirect("monitor:case_detail", pk=case.pk)
    last = Publication.objects.last_published(case)
    changes = diff_snapshots(last.snapshot if last else None, build_snapshot(case))
    return render(
        request,
        "monitor/case_publish.html",
        {
            "case": case,
            "form": form,
            "last": last,
            "changes": changes,
            "section_counts": review.section_counts(changes),
            "versions": Publication.objects.for_case(case).snapshots().select_related("actor")[:20],
        },
    )


@staff_view
def case_preview(request, pk):
    """Exactly what the public page would show, for an editor, before publishing."""
    case = access.access_case_to_publish(request.user, pk)
    template = get_template("public/case_detail.html")
    context = case_page_context(case)
    context["is_preview"] = True
    response = HttpResponse(template.render(context, request))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@staff_view
def publication_restore(request, pk):
    user = request.user
    publication = access.access_publication(user, pk, restore=True)
    if not publication.has_snapshot:
        raise Http404
    case = publication.case
    form = forms.CommentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        restored = _save_or_error(
            form,
            lambda: services.restore_publication(
                by=user, publication=publication, comment=form.cleaned_data["comment"]
            ),
        )
        if restored:
            messages.success(request, _("The selected version is published again."))
            return redirect("monitor:case_detail", pk=case.pk)
    return render(
        request,
        "monitor/publication_restore.html",
        {
            "case": case,
            "publication": publication,
            "form": form,
            # What the public page will change by: from now to that version.
            "changes": diff_snapshots(build_snapshot(case), publication.snapshot),
        },
    )


# --- visits --------------------------------------------------------------------------


def _wants_json(request) -> bool:
    """The page's outbox sends with fetch() and reads a JSON answer."""
    return "application/json" in request.headers.get("Accept", "")


def _unsealed(request, sealed: str) -> QueryDict:
    """The form data of an outbox entry the page sealed to the server."""
    try:
        payload = json.loads(sealing.unseal(sealed, user=request.user))
        return QueryDict(payload["form"], mutable=False)
    except (sealing.Unreadable, ValueError, TypeError, KeyError) as error:
        raise SuspiciousOperation("unreadable outbox entry") from error


@staff_view
def visit_new(request):
    user = request.user
    access.require_perm(user, "cases.add_prisonvisit")
    cases = (
        Case.objects.active()
        .visible_to(user)
        .filter(pk__in=policy.workable_cases(user).values("pk"))
        .select_related("person")
    )
    initial = {}
    if request.GET.get("case", "").isdigit():
        initial["case"] = access.access_case(user, request.GET["case"], edit=True).pk
    data = _posted(request)
    if data is not None and "sealed" in data:
        # An outbox entry: sent by the page when back online (JSON), or opened
        # to be corrected (the form, filled in, with its errors).
        try:
            data = _unsealed(request, data["sealed"])
        except SuspiciousOperation:
            if _wants_json(request):
                return JsonResponse({"error": "unreadable"}, status=400)
            raise
    form = forms.VisitForm(data, initial=initial, cases=cases, by=user)
    observations = forms.ObservationFormSet(
        data,
        prefix="observations",
        form_kwargs={"visibility_choices": form.visibility_choices},
    )
    sources = forms.SourceFormSet(data, prefix="sources")
    formsets = {"observations": observations, "sources": sources}
    # Every check in one pass (the visibility rule included: the forms offer only
    # what the service accepts), so every error shows at once.
    if request.method == "POST" and all(
        [form.is_valid(), observations.is_valid(), sources.is_valid()]
    ):
        visit = _save_or_error(form, lambda: _record_visit(user, form, formsets), formsets)
        if visit:
            messages.success(request, _("Visit report saved."))
            url = reverse("monitor:visit_detail", args=[visit.pk]) + "?saved=1"
            if _wants_json(request):
                return JsonResponse({"saved": url})
            return redirect(url)
    errors = forms.error_links(
        form, [(observations, _("Observation %(n)s")), (sources, _("Source %(n)s"))]
    )
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"errors": [e.message for e in errors]}, status=422)
    return render(
        request,
        "monitor/visit_form.html",
        {"form": form, "observations": observations, "sources": sources, "errors": errors},
    )


def _record_visit(user, form, formsets):
    return services.record_visit(
        by=user,
        case=form.cleaned_data["case"],
        idempotency_key=form.cleaned_data.get("idempotency_key"),
        visit=_fields(form, services.VISIT_FIELDS),
        observations=[
            _fields(f, forms.VisitObservationForm.Meta.fields)
            for f in formsets["observations"].forms
            if f.has_changed()
        ],
        sources=[
            _fields(f, forms.VisitSourceForm.Meta.fields)
            for f in formsets["sources"].forms
            if f.has_changed()
        ],
    )


@staff_view
def visit_detail(request, pk):
    user = request.user
    visit = access.access_visit(user, pk)
    return render(
        request,
        "monitor/visit_detail.html",
        {
            "visit": visit,
            "just_saved": request.GET.get("saved") == "1",
            "ongoing": HungerStrike.objects.active()
            .visible_to(user)
            .ongoing()
            .filter(person=visit.person_id)
            .first(),
            "observations": HealthObservation.objects.active()
            .visible_to(user)
            .filter(visit=visit)
            .prefetch_related(Prefetch("evidence", EvidenceFile.objects.active().visible_to(user))),
            "evidence": EvidenceFile.objects.active().visible_to(user).filter(visit=visit),
            "sources": visit.sources.active().visible_to(user),
        },
    )


@staff_view
def visit_edit(request, pk):
    user = request.user
    visit = access.access_visit(user, pk, edit=True)
    return _form_view(
        request,
        forms.VisitEditForm(_posted(request), instance=visit),
        save=lambda data: services.update_visit(by=user, visit=visit, data=data),
        saved=_("Visit saved."),
        back=reverse("monitor:visit_detail", args=[visit.pk]),
        title=_("Edit visit"),
    )


# --- observations, hunger strikes, events, sources ---------------------------------------


@staff_view
def observation_new(request, pk):
    user = request.user
    person = access.access_person(user, pk)
    access.require_may_add_to(user, person, "cases.add_healthobservation")
    return _form_view(
        request,
        forms.ObservationForm(
            _posted(request), visibility_choices=services.visibility_choices(by=user, person=person)
        ),
        save=lambda data: services.record_observation(by=user, person=person, data=data),
        saved=_("Observation saved."),
        back=reverse("monitor:person_detail", args=[person.pk]),
        title=_("Health observation: %(person)s") % {"person": person},
    )


@staff_view
def observation_edit(request, pk):
    user = request.user
    obs = access.access_observation(user, pk, edit=True)
    return _form_view(
        request,
        forms.ObservationForm(_posted(request), instance=obs),
        save=lambda data: services.update_observation(by=user, observation=obs, data=data),
        saved=_("Observation saved."),
        back=reverse("monitor:person_detail", args=[obs.person_id]),
        title=_("Edit health observation"),
    )


@staff_view
def strike_start(request, pk):
    user = request.user
    person = access.access_person(user, pk)
    access.require_may_add_to(user, person, "cases.add_hungerstrike")
    return _form_view(
        request,
        forms.HungerStrikeStartForm(_posted(request)),
        save=lambda data: services.start_hunger_strike(by=user, person=person, data=data),
        saved=_("Hunger strike recorded."),
        back=reverse("monitor:person_detail", args=[person.pk]),
        title=_("Hunger strike started: %(person)s") % {"person": person},
    )


@staff_view
def strike_edit(request, pk):
    user = request.user
    strike = access.access_hunger_strike(user, pk, edit=True)
    return _form_view(
        request,
        forms.HungerStrikeStartForm(_posted(request), instance=strike),
        save=lambda data: services.update_hunger_strike(by=user, strike=strike, data=data),
        saved=_("Hunger strike saved."),
        back=reverse("monitor:person_detail", args=[strike.person_id]),
        title=_("Hunger strike: demands and details"),
    )


@staff_view
def strike_end(request, pk):
    user = request.user
    strike = access.access_hunger_strike(user, pk, edit=True)
    form = forms.HungerStrikeEndForm(_posted(request), strike=strike)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_error(
            form,
            lambda: services.end_hunger_strike(
                by=user,
                strike=strike,
                ended_on=form.cleaned_data["ended_on"],
                outcome=form.cleaned_data["outcome"],
            ),
        )
    ):
        messages.success(request, _("Hunger strike marked as ended."))
        return redirect("monitor:person_detail", pk=strike.person_id)
    return _form_page(
        request,
        form,
        title=_("End of hunger strike: %(person)s") % {"person": strike.person},
        back=reverse("monitor:person_detail", args=[strike.person_id]),
    )


@staff_view
def event_new(request, pk):
    user = request.user
    case = access.access_case(user, pk)
    access.require_may_add_to(user, case, "cases.add_event")
    return _form_view(
        request,
        forms.EventForm(_posted(request)),
        save=lambda data: services.record_event(by=user, case=case, data=data),
        saved=_("Event saved."),
        back=reverse("monitor:case_detail", args=[case.pk]),
        title=_("Timeline event: %(case)s") % {"case": case},
    )


@staff_view
def official_part_new(request, pk):
    """An official's part in the case (the judge who sentenced…), with a new official
    when they are not recorded yet."""
    user = request.user
    case = access.access_case(user, pk)
    access.require_may_add_to(user, case, "cases.add_caseofficial")
    form = forms.OfficialPartForm(_posted(request), user=user)
    back = reverse("monitor:case_detail", args=[case.pk])
    if request.method == "POST" and form.is_valid():
        new_official = form.new_official()
        if new_official is not None:
            access.require_perm(user, "cases.add_official")

        try:
            services.record_official_part(
                by=user,
                case=case,
                data=_fields(form, forms.OfficialPartForm.Meta.fields),
                new_official=new_official,
            )
        except ValidationError as error:
            _official_part_errors(error, form)
        else:
            messages.success(request, _("Official's part saved."))
            return redirect(back)
    return _form_page(
        request, form, title=_("An official's part: %(case)s") % {"case": case}, back=back
    )


def _official_part_errors(error: ValidationError, form) -> None:
    """A service's errors on the form: `new_official-full_name` is `new_official_name`."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    names = {"full_name": "new_official_name", "kind": "new_official_kind"}
    for key, errors in error.message_dict.items():
        prefix, _sep, name = key.partition("-")
        if prefix == "new_official" and name:
            key = names.get(name, f"new_official_{name}")
        form.add_error(key if key in form.fields else None, errors)


@staff_view
def official_part_edit(request, pk):
    user = request.user
    part = access.access_official_part(user, pk, edit=True)
    return _form_view(
        request,
        forms.OfficialPartForm(_posted(request), instance=part, user=user),
        save=lambda data: services.update_official_part(by=user, part=part, data=data),
        saved=_("Official's part saved."),
        back=reverse("monitor:case_detail", args=[part.case_id]),
        title=_("Edit an official's part"),
    )


@staff_view
def event_edit(request, pk):
    user = request.user
    event = access.access_event(user, pk, edit=True)
    return _form_view(
        request,
        forms.EventForm(_posted(request), instance=event),
        save=lambda data: services.update_event(by=user, event=event, data=data),
        saved=_("Event saved."),
        back=reverse("monitor:case_detail", args=[event.case_id]),
        title=_("Edit timeline event"),
    )


@staff_view
def source_new(request):
    user = request.user
    access.require_perm(user, "cases.add_source")
    return _form_view(
        request,
        forms.SourceForm(_posted(request)),
        save=lambda data: services.create_source(by=user, data=data),
        saved=_("Source saved."),
        back=reverse("monitor:workspace"),
        title=_("New source"),
    )


@staff_view
def source_edit(request, pk):
    user = request.user
    source = access.access_source(user, pk, edit=True)
    return _form_view(
        request,
        forms.SourceForm(_posted(request), instance=source),
        save=lambda data: services.update_source(by=user, source=source, data=data),
        saved=_("Source saved."),
        back=reverse("monitor:workspace"),
        title=_("Edit source"),
    )


# --- evidence --------------------------------------------------------------------------


def _evidence_upload(request, *, visit=None, observation=None, back):
    user = request.user
    access.require_perm(user, "cases.add_evidencefile")
    if not policy.may_edit(user, visit or observation):
        raise PermissionDenied
    form = forms.EvidenceForm(_posted(request), _posted(request, files=True))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_error(
            form,
            lambda: services.attach_evidence(
                by=user,
                upload=form.cleaned_data["file"],
                visit=visit,
                observation=observation,
                description=form.cleaned_data["description"],
                visibility=form.cleaned_data["visibility"],
            ),
        )
    ):
        messages.success(request, _("File attached."))
        return redirect(back)
    return _form_page(
        request,
        form,
        title=_("Attach a photo, document or recording"),
        back=back,
        submit=_("Upload"),
        multipart=True,
    )


@staff_view
def visit_evidence(request, pk):
    visit = access.access_visit(request.user, pk)
    return _evidence_upload(
        request, visit=visit, back=reverse("monitor:visit_detail", args=[visit.pk])
    )


@staff_view
def observation_evidence(request, pk):
    obs = access.access_observation(request.user, pk)
    return _evidence_upload(
        request, observation=obs, back=reverse("monitor:person_detail", args=[obs.person_id])
    )


@staff_view
def evidence_download(request, pk):
    access.require_perm(request.user, "cases.view_evidencefile")
    evidence = access.access_evidence(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        # Older rows kept the client's extension: the sniffed type decides it here too.
        filename=evidence_rules.download_name(evidence.original_name, evidence.content_type),
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    # An evidence file leaving the system is an export of non-public data.
    security_event(
        "evidence_downloaded",
        request=request,
        object_type="evidencefile",
        object_id=evidence.pk,
        visibility=evidence.visibility,
    )
    return response
