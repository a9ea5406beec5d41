from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from casetracker.cache import cached

from .caching import shares_public_cache


class CachedCountPaginator(Paginator):
    """A paginator whose COUNT is read from the public cache (casetracker/cache.py)
    under `count_key`: the pages of one filter share one count."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        name, vary = self.count_key
        return cached(name, lambda: Paginator.count.func(self), vary=vary)


class StablePagination(PageNumberPagination):
    """Numbered pages over an ordering that always ends with the primary key, so a
    page holds the same records however often it is fetched.

    For anonymous callers the total is cached like the lists themselves
    (public.api.caching): paging through a filter's results counts them once.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        # the schema says what get_page_size accepts: a page size of at least 1
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_page_size(self, request):
        """A missing page_size is the default and a larger one the maximum; one that
        is not a whole number from 1 up is refused with a 400 naming the field,
        never silently replaced."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = Paginator
        if view is not None and shares_public_cache(request):
            skip = {self.page_query_param, self.page_size_query_param}
            params = request.query_params
            vary = sorted((key, params.getlist(key)) for key in params if key not in skip)
            key = (f"api-count:{view.basename}", vary)
            self.django_paginator_class = _with_count_key(key)
        return super().paginate_queryset(queryset, request, view)


def _with_count_key(key):
    def make(*args, **kwargs):
        return CachedCountPaginator(*args, count_key=key, **kwargs)

    return make
