from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import tokens, views

app_name = "api"

router = DefaultRouter()
router.include_root_view = True
router.register("cases", views.CaseViewSet, basename="case")
router.register("people", views.PersonViewSet, basename="person")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("legal-articles", views.LegalArticleViewSet, basename="legal-article")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register(
    "health-observations", views.HealthObservationViewSet, basename="health-observation"
)
router.register("hunger-strikes", views.HungerStrikeViewSet, basename="hunger-strike")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("popolo.json", views.PopoloView.as_view(), name="popolo"),
    path("token/", tokens.token_page, name="token"),
    *router.urls,
]
