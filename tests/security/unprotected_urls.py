"""The project's routes plus one a developer forgot to protect (see test_routes.py)."""

from django.http import HttpResponse
from django.urls import path

from casetracker.urls import urlpatterns as project_urlpatterns


def forgotten(request):
    return HttpResponse("a prisoner's health notes")


urlpatterns = [path("monitor/forgotten/", forgotten, name="forgotten"), *project_urlpatterns]
