from django.urls import path, register_converter

from casetracker.record_numbers import RecordNumberConverter

from . import views
from .feeds import CaseFeed, UpdatesFeed

app_name = "public"

register_converter(RecordNumberConverter, "record")

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.csv", views.export_csv, name="export_csv"),
    path("cases/export.json", views.export_json, name="export_json"),
    # before the slug route, which would also match `CT-000123`
    path("cases/<record:number>/", views.case_by_number, name="case_by_number"),
    path("cases/<slug:slug>/", views.case_detail, name="case"),
    path("cases/<slug:slug>/feed/", CaseFeed(), name="case_feed"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("officials/", views.official_list, name="official_list"),
    path("officials/export.ftm.json", views.export_ftm, name="export_ftm"),
    path("officials/<slug:slug>/", views.official_detail, name="official"),
    path("proceedings/<slug:slug>/", views.proceeding_detail, name="proceeding"),
    path("stats/", views.stats, name="stats"),
    path("feed/", UpdatesFeed(), name="feed"),
]
