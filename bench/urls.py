from django.shortcuts import render
from django.urls import include, path


def bare(request):
    """The floor: a Django view rendering base.html with no queries of its own."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("casetracker.urls")),
]
