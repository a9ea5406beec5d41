"""The read-only API. Views only pick a queryset (public.api.querysets, all
from `.public()`), a serializer and a filter set; anonymous lists and objects
are cached by public content version (public.api.caching)."""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from casetracker.record_numbers import parse_record_number
from public.filters import CaseFilter

from . import filters, querysets, serializers
from . import schema as _schema  # noqa: F401  (registers ConstrainedFilterExtension)
from .caching import PublicCacheMixin
from .popolo import PopoloSerializer

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


class PublicReadOnlyViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    # Anonymous callers share the public page cache (public.api.caching).
    lookup_value_regex = "[0-9]+"


class CaseViewSet(PublicReadOnlyViewSet):
    """Published cases, filtered like /cases/ (same parameter names); one case by
    id, slug or record number (`/cases/12/`, `/cases/<slug>/`, `/cases/CT-000012/`)."""

    serializer_class = serializers.CaseSerializer
    filterset_class = CaseFilter
    lookup_value_regex = "[^/.]+"

    def get_queryset(self):
        return querysets.cases()

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        if value.isascii() and value.isdigit():
            lookup = {"pk": int(value)} if len(value) <= 18 else None
        elif (pk := parse_record_number(value)) is not None:
            lookup = {"pk": pk}
        else:
            lookup = {"slug": value} if _SLUG.match(value) else None
        if lookup is None:  # junk (a NUL, an overlong number) is simply not found
            raise Http404
        obj = get_object_or_404(self.filter_queryset(self.get_queryset()), **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


class PersonViewSet(PublicReadOnlyViewSet):
    """People with at least one published case."""

    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter

    def get_queryset(self):
        return querysets.people()


class OrganizationViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter

    def get_queryset(self):
        return querysets.organizations()


class LegalArticleViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.LegalArticleSerializer
    filterset_class = filters.LegalArticleFilter

    def get_queryset(self):
        return querysets.legal_articles()


class FacilityViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.FacilitySerializer
    filterset_class = filters.FacilityFilter

    def get_queryset(self):
        return querysets.facilities()


class HealthObservationViewSet(PublicReadOnlyViewSet):
    """Public health observations of people with a published case."""

    serializer_class = serializers.HealthObservationSerializer
    filterset_class = filters.HealthObservationFilter

    def get_queryset(self):
        return querysets.health_observations()


class HungerStrikeViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.HungerStrikeSerializer
    filterset_class = filters.HungerStrikeFilter

    def get_queryset(self):
        return querysets.hunger_strikes()


class PopoloView(APIView):
    """People, organizations and memberships in the Popolo format."""

    @extend_schema(responses=PopoloSerializer, operation_id="popolo_export")
    def get(self, request):
        data = {
            "persons": querysets.popolo_people(),
            "organizations": querysets.organizations(),
            "memberships": querysets.popolo_memberships(),
        }
        return Response(PopoloSerializer(data, context={"request": request}).data)


class DocsView(SpectacularSwaggerSplitView):
    # Our copy of the page has no inline <style>, for the strict CSP; the init
    # script is served by this same view (`?script`), never inlined.
    template_name = "api/swagger_ui.html"
