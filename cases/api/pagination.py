from rest_framework.pagination import PageNumberPagination


class StablePagination(PageNumberPagination):
    """Numbered pages over an ordering that always ends with the primary key, so a
    page holds the same records however often it is fetched."""

    page_size_query_param = "page_size"
    max_page_size = 200
