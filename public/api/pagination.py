from django.core.paginator import Paginator
from django.utils.functional import cached_property
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
