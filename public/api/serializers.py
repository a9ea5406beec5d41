"""What the API shows: explicit field lists, public children only.

Every nested list reads a `public_*` attribute filled by a Prefetch over
`.publishable()` / `.public()` in the viewset (see `public.api.querysets`). A
serializer never follows a plain related manager, so a missing prefetch fails
loudly (AttributeError) instead of leaking an internal record. Internal fields
(internal_notes, internal_report, visitors, created_by, source notes and the
identity of confidential sources) are never listed.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casetracker import partial_dates
from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicCharge as Charge,
)
from public.models import (
    PublicEvent as Event,
)
from public.models import (
    PublicFacility as Facility,
)
from public.models import (
    PublicHealthObservation as HealthObservation,
)
from public.models import (
    PublicHungerStrike as HungerStrike,
)
from public.models import (
    PublicLegalArticle as LegalArticle,
)
from public.models import (
    PublicMembership as Membership,
)
from public.models import (
    PublicNameVariant as NameVariant,
)
from public.models import (
    PublicOrganization as Organization,
)
from public.models import (
    PublicOrganizationStatus as OrganizationStatus,
)
from public.models import (
    PublicPerson as Person,
)
from public.models import (
    PublicProceeding as Proceeding,
)
from public.models import (
    PublicRecognition as Recognition,
)
from public.models import (
    PublicSentence as Sentence,
)
from public.models import (
    PublicSource as Source,
)

from .links import browse_url, public_url

PARTIAL_DATE_SCHEMA = {
    "type": "string",
    "nullable": True,
    "pattern": (
        r"^(\d{4}(-\d{2}(-\d{2})?)?[~?%]?|\.\./\d{4}(-\d{2}(-\d{2})?)?"
        r"|\d{4}(-\d{2}(-\d{2})?)?/(\.\.|\d{4}(-\d{2}(-\d{2})?)?))$"
    ),
    "description": (
        "Partial date as EDTF (ISO 8601-2, level 1): YYYY, YYYY-MM or YYYY-MM-DD, as precise "
        "as the source; approximate 2024-11~, uncertain 2024?, before ../2021-03, "
        "after 2021-03/.., between 2017/2018."
    ),
    "example": "2024-11",
}


@extend_schema_field(PARTIAL_DATE_SCHEMA)
class PartialDateField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        # None must reach to_representation's caller as null, not be skipped.
        return super().get_attribute(instance) or None

    def to_representation(self, value):
        return str(value)


class PublicModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        partial_dates.PartialDateField: PartialDateField,
    }

    def build_standard_field(self, field_name, model_field):
        if isinstance(model_field, partial_dates.PartialDateField):
            return PartialDateField, {}
        return super().build_standard_field(field_name, model_field)


@extend_schema_field(OpenApiTypes.URI)
class PublicPageUrl(serializers.Field):
    """The absolute URL of the object's public page: what a researcher cites."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return public_url(self.context.get("request"), obj.get_absolute_url())


class SourceSerializer(serializers.Serializer):
    """A citation. A confidential source shows only that it exists, its kind and date."""

    id = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    date = PartialDateField()
    confidential = serializers.BooleanField(source="identity_confidential")
    title = serializers.CharField(required=False)
    author = serializers.CharField(required=False)
    publisher = serializers.CharField(required=False)
    url = serializers.URLField(required=False, allow_null=True)  # null when not given
    reference = serializers.CharField(required=False)
    reliability = serializers.ChoiceField(choices=Source.Reliability.choices, required=False)

    CONFIDENTIAL_FIELDS = ("kind", "date", "confidential")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["url"] = data.get("url") or None  # stored as "", which is no URI
        if instance.identity_confidential:
            return {key: data[key] for key in self.CONFIDENTIAL_FIELDS}
        return data


class PersonRefSerializer(PublicModelSerializer):
    url = PublicPageUrl()

    class Meta:
        model = Person
        fields = ["id", "url", "slug", "full_name"]


class ProceedingRefSerializer(PublicModelSerializer):
    """The group trial a case is heard in (its page lists the published co-defendants)."""

    url = PublicPageUrl()

    class Meta:
        model = Proceeding
        fields = ["id", "url", "slug", "name", "court"]


class OrganizationRefSerializer(PublicModelSerializer):
    url = PublicPageUrl()

    class Meta:
        model = Organization
        fields = ["id", "url", "slug", "name"]


class LegalArticleSerializer(PublicModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The public list of cases under this article."
    )
    key = serializers.CharField(
        read_only=True, help_text="COUNTRY:CODE:NUMBER, the `article` filter value."
    )

    class Meta:
        model = LegalArticle
        fields = ["id", "url", "key", "country", "code", "number", "title"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return browse_url(self.context.get("request"), article=obj.key or obj.pk)


class ChargeSerializer(PublicModelSerializer):
    article = LegalArticleSerializer()
    sources = SourceSerializer(source="public_sources", many=True)

    class Meta:
        model = Charge
        fields = ["id", "article", "wording", "charged_on", "outcome", "sources"]


class SentenceSerializer(PublicModelSerializer):
    fine_usd = serializers.DecimalField(
        source="fine_usd_reported", max_digits=16, decimal_places=2, allow_null=True
    )
    sources = SourceSerializer(source="public_sources", many=True)

    class Meta:
        model = Sentence
        fields = [
            "id",
            "sentenced_on",
            "court",
            "kind",
            "term_months",
            "fine_amount",
            "fine_currency",
            "fine_usd",
            "starts_on",
            "ends_on",
            "appeal_outcome",
            "sources",
        ]


class RecognitionSerializer(PublicModelSerializer):
    sources = SourceSerializer(source="public_sources", many=True)

    class Meta:
        model = Recognition
        fields = ["id", "recognized_by", "recognized_on", "sources"]


class EventSerializer(PublicModelSerializer):
    sources = SourceSerializer(source="public_sources", many=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "date", "title", "description", "location", "sources"]


class CaseSerializer(PublicModelSerializer):
    url = PublicPageUrl()
    person = PersonRefSerializer()
    proceeding = ProceedingRefSerializer(allow_null=True)
    charges = ChargeSerializer(source="public_charges", many=True)
    sentences = SentenceSerializer(source="public_sentences", many=True)
    recognitions = RecognitionSerializer(source="public_recognitions", many=True)
    events = EventSerializer(source="public_events", many=True)
    record_number = serializers.CharField(read_only=True, help_text="CT-000123: stable")

    class Meta:
        model = Case
        fields = [
            "id",
            "record_number",
            "url",
            "slug",
            "person",
            "case_type",
            "country",
            "region",
            "authority",
            "court",
            "case_number",
            "proceeding",
            "status",
            "arrest_date",
            "verdict_date",
            "summary",
            "charges",
            "sentences",
            "recognitions",
            "events",
            "updated_at",
        ]


class CaseRefSerializer(PublicModelSerializer):
    url = PublicPageUrl()

    class Meta:
        model = Case
        fields = ["id", "url", "slug", "case_type", "country", "status"]


class NameVariantSerializer(PublicModelSerializer):
    class Meta:
        model = NameVariant
        fields = ["name", "kind", "script"]


class PersonMembershipSerializer(PublicModelSerializer):
    organization = OrganizationRefSerializer()

    class Meta:
        model = Membership
        fields = ["id", "organization", "role", "started_on", "ended_on"]


class PersonSerializer(PublicModelSerializer):
    url = PublicPageUrl()
    name_variants = NameVariantSerializer(source="public_variants", many=True)
    cases = CaseRefSerializer(source="public_cases", many=True)
    memberships = PersonMembershipSerializer(source="public_memberships", many=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "slug",
            "full_name",
            "name_variants",
            "birth_date",
            "reported_age",
            "reported_age_on",
            "gender",
            "citizenship",
            "occupation",
            "public_biography",
            "cases",
            "memberships",
            "updated_at",
        ]


class OrganizationStatusSerializer(PublicModelSerializer):
    class Meta:
        model = OrganizationStatus
        fields = ["status", "since", "authority"]


class OrganizationSerializer(PublicModelSerializer):
    url = PublicPageUrl()
    statuses = OrganizationStatusSerializer(source="public_statuses", many=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "translated_name",
            "kind",
            "country",
            "description",
            "statuses",
            "updated_at",
        ]


class FacilitySerializer(PublicModelSerializer):
    url = serializers.SerializerMethodField(help_text="The public list of cases held here.")

    class Meta:
        model = Facility
        fields = ["id", "url", "slug", "name", "kind", "city", "region", "country"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return browse_url(self.context.get("request"), facility=obj.slug)


class PersonRecordSerializer(PublicModelSerializer):
    """Base for records about a person: their public page is the record's page."""

    url = serializers.SerializerMethodField(help_text="The person's public page.")
    person = PersonRefSerializer()
    sources = SourceSerializer(source="public_sources", many=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return public_url(self.context.get("request"), obj.person.get_absolute_url())


class HealthObservationSerializer(PersonRecordSerializer):
    class Meta:
        model = HealthObservation
        fields = [
            "id",
            "url",
            "person",
            "observed_on",
            "observed_time",
            "date_is_approximate",
            "kind",
            "weight_kg",
            "description",
            "sources",
        ]


class HungerStrikeSerializer(PersonRecordSerializer):
    case = serializers.SerializerMethodField(help_text="The case's id, when that case is public.")
    is_ongoing = serializers.BooleanField(read_only=True)

    class Meta:
        model = HungerStrike
        fields = [
            "id",
            "url",
            "person",
            "case",
            "started_on",
            "ended_on",
            "kind",
            "demands",
            "outcome",
            "is_ongoing",
            "sources",
        ]

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_case(self, obj) -> int | None:
        # The strike may point at a draft or internal case: never reveal its id.
        return obj.case_id if obj.case_is_public else None
