from django.urls import path

from . import device, views

app_name = "monitor"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("sw.js", device.service_worker, name="service_worker"),
    path("manifest.webmanifest", device.manifest, name="manifest"),
    path("device/draft-key/", device.draft_key, name="draft_key"),
    path("review/", views.review_queue, name="review_queue"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/observations/new/", views.observation_new, name="observation_new"),
    path("people/<int:pk>/hunger-strikes/new/", views.strike_start, name="strike_start"),
    path("people/<int:pk>/death/", views.person_death, name="person_death"),
    path("people/<int:pk>/relations/new/", views.relation_new, name="relation_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/release/", views.case_release, name="case_release"),
    path("cases/<int:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/submit/", views.case_submit, name="case_submit"),
    path("cases/<int:pk>/return/", views.case_return, name="case_return"),
    path("cases/<int:pk>/publish/", views.case_publish, name="case_publish"),
    path("cases/<int:pk>/unpublish/", views.case_unpublish, name="case_unpublish"),
    path("cases/<int:pk>/preview/", views.case_preview, name="case_preview"),
    path("cases/<int:pk>/events/new/", views.event_new, name="event_new"),
    path("cases/<int:pk>/officials/new/", views.official_part_new, name="official_part_new"),
    path("official-parts/<int:pk>/edit/", views.official_part_edit, name="official_part_edit"),
    path("publications/<int:pk>/restore/", views.publication_restore, name="restore"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/evidence/", views.visit_evidence, name="visit_evidence"),
    path("observations/<int:pk>/edit/", views.observation_edit, name="observation_edit"),
    path(
        "observations/<int:pk>/evidence/", views.observation_evidence, name="observation_evidence"
    ),
    path("hunger-strikes/<int:pk>/edit/", views.strike_edit, name="strike_edit"),
    path("hunger-strikes/<int:pk>/end/", views.strike_end, name="strike_end"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
