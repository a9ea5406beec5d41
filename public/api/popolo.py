"""Popolo (https://www.popoloproject.com/) export of people, organizations and
memberships. Popolo dates may be partial ISO 8601 ("1963", "2024-11"), which is
exactly how plain partial dates are stored; Popolo has no approximate or bounded
dates, so those ("1963~", "../2021-03": EDTF) are left out, like empty values."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .links import public_url
from .serializers import PARTIAL_DATE_SCHEMA


def person_id(pk: int) -> str:
    return f"person/{pk}"


def organization_id(pk: int) -> str:
    return f"organization/{pk}"


class _Compact(serializers.Serializer):
    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {key: value for key, value in data.items() if value not in (None, "")}


class OtherNameSerializer(_Compact):
    name = serializers.CharField()
    note = serializers.CharField(required=False)


class LinkSerializer(_Compact):
    url = serializers.URLField()
    note = serializers.CharField(required=False)


@extend_schema_field(
    {
        **PARTIAL_DATE_SCHEMA,
        "nullable": False,
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "description": "Partial date: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source.",
    }
)
class PopoloDate(serializers.Field):
    def to_representation(self, value):
        if not value or getattr(value, "is_uncertain", False):
            return None
        return str(value)


class PopoloPersonSerializer(_Compact):
    id = serializers.SerializerMethodField()
    name = serializers.CharField(source="full_name")
    other_names = serializers.SerializerMethodField()
    birth_date = PopoloDate(required=False)
    gender = serializers.CharField(required=False)
    summary = serializers.CharField(source="occupation", required=False)
    biography = serializers.CharField(source="public_biography", required=False)
    national_identity = serializers.CharField(source="citizenship", required=False)
    links = serializers.SerializerMethodField()

    def get_id(self, obj) -> str:
        return person_id(obj.pk)

    @extend_schema_field(OtherNameSerializer(many=True))
    def get_other_names(self, obj):
        return [{"name": v.name} for v in obj.public_variants]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, obj):
        url = public_url(self.context.get("request"), obj.get_absolute_url())
        return [{"url": url, "note": "casetracker"}]


class PopoloOrganizationSerializer(_Compact):
    id = serializers.SerializerMethodField()
    name = serializers.CharField()
    other_names = serializers.SerializerMethodField()
    classification = serializers.CharField(source="kind")
    area_id = serializers.CharField(source="country", required=False)
    description = serializers.CharField(required=False)
    links = serializers.SerializerMethodField()

    def get_id(self, obj) -> str:
        return organization_id(obj.pk)

    @extend_schema_field(OtherNameSerializer(many=True))
    def get_other_names(self, obj):
        return [{"name": obj.translated_name, "note": "English"}] if obj.translated_name else []

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, obj):
        url = public_url(self.context.get("request"), obj.get_absolute_url())
        return [{"url": url, "note": "casetracker"}]


class PopoloMembershipSerializer(_Compact):
    id = serializers.SerializerMethodField()
    person_id = serializers.SerializerMethodField()
    organization_id = serializers.SerializerMethodField()
    role = serializers.CharField()
    start_date = PopoloDate(source="started_on", required=False)
    end_date = PopoloDate(source="ended_on", required=False)

    def get_id(self, obj) -> str:
        return f"membership/{obj.pk}"

    def get_person_id(self, obj) -> str:
        return person_id(obj.person_id)

    def get_organization_id(self, obj) -> str:
        return organization_id(obj.organization_id)


class PopoloSerializer(serializers.Serializer):
    persons = PopoloPersonSerializer(many=True)
    organizations = PopoloOrganizationSerializer(many=True)
    memberships = PopoloMembershipSerializer(many=True)
