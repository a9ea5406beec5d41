"""OpenAPI refinements: precise filter parameters and the error answers.

drf-spectacular documents method-based filters as bare strings; the document
then promises that any string is accepted, which schemathesis rightly reports.
Here each parameter also states the form field's limits (length, range,
pattern), so what the schema allows is exactly what the API accepts.
"""

from __future__ import annotations

from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from cases.citations import PROVISION_PATTERN
from public.filters import UNKNOWN_YEAR, ArticleField, YearField

ARTICLE_PATTERN = (
    r"^([0-9]{1,18}|[A-Za-z]{2}:(criminal|administrative)(@[0-9A-Za-z.\-]{1,20})?:"
    + PROVISION_PATTERN
    + r")$"
)

YEAR_PATTERN = rf"^(19[0-9]{{2}}|20[0-9]{{2}}|2100|{UNKNOWN_YEAR})$"

ERROR_RESPONSES = {
    "400": "A filter or page parameter is invalid; the body names the field at fault.",
    "404": "No such public record, or no such page.",
    "429": "Rate limit exceeded; retry after the number of seconds in `Retry-After`.",
}


class ConstrainedFilterExtension(DjangoFilterExtension):
    priority = 1  # preferred over the stock extension

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        field = filter_field.field
        for parameter in parameters:
            _constrain(parameter["schema"], field)
        return parameters


def _constrain(schema: dict, field: forms.Field) -> None:
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        schema["type"] = "integer"
        schema.pop("format", None)
    if getattr(field, "max_length", None) and schema.get("type") == "string":
        schema["maxLength"] = field.max_length
    if getattr(field, "min_value", None) is not None:
        schema["minimum"] = field.min_value
    if getattr(field, "max_value", None) is not None:
        schema["maximum"] = field.max_value
    if isinstance(field, ArticleField):
        schema["pattern"] = ARTICLE_PATTERN
    if isinstance(field, YearField):
        schema["pattern"] = YEAR_PATTERN
    if isinstance(field, forms.CharField) and schema.get("type") == "string":
        # Django refuses NUL characters in any text field.
        schema.setdefault("pattern", r"^[^\u0000]*$")


def document_error_responses(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description})
    return result
