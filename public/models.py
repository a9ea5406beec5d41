"""The public read model: what published versions show, and nothing else.

One table per declared model (cases.publicity), generated from the declaration:
the same field names, ids, relations (`related_name`s) and public methods as the
live model, so public querysets read like the live ones — but every row was
written from a published version (public.writer), never from live records. A row
exists only while a published case shows it: a person or an organization only
through a published case, reference data (articles, facilities, sources) only
while a published fact needs it.

Every row is public by construction: `public()` and `publishable()` return all
rows; `visibility` and `archived_at` are kept (always "public" and empty) so
that shared query code (`publishable_q`, filters, counts) works unchanged.

This module reads the live models' *definitions* (fields, methods) to build the
tables; it is the one place besides public.writer that imports cases.models, and
only at import time (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import functools
import sys

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.publicity import DECLARATIONS
from casetracker.records import Visibility


class MirrorQuerySetMixin:
    """Everything in the read model is public: the visibility rule was applied
    when the version was built."""

    def active(self):
        return self.all()

    def publishable(self):
        return self.all()

    def public(self):
        return self.all()

    def visible_to(self, user):
        return self.all()


class MirrorQuerySet(MirrorQuerySetMixin, models.QuerySet):
    pass


# Attributes of the live classes never copied onto a mirror: writing, validating
# and the live-only visibility rule.
_SKIP = {
    "save",
    "delete",
    "clean",
    "clean_fields",
    "full_clean",
    "restrict_to_published",
    "latest_weight",
    "Meta",
}
# Live model names → mirror names, for the relations between mirrors.
MIRRORED = {d.model: f"Public{d.model.__name__}" for d in DECLARATIONS}
_BY_LABEL = {f"{m._meta.app_label}.{m.__name__}".lower(): name for m, name in MIRRORED.items()}


def _target(live, field) -> str:
    """The mirror of a relation's target (a class or "app.Model" string: the app
    registry is not ready while models load)."""
    to = field.remote_field.model
    if isinstance(to, str):
        label = to if "." in to else f"{live._meta.app_label}.{to}"
    else:
        label = f"{to._meta.app_label}.{to.__name__}"
    return f"public.{_BY_LABEL[label.lower()]}"


def _copyable(name: str, value) -> bool:
    if name in _SKIP or (name.startswith("_") and name != "__str__"):
        return False
    if isinstance(value, type):  # choices (Case.Status…), but not the model's own classes
        return name not in {"DoesNotExist", "MultipleObjectsReturned", "NotUpdated"}
    if isinstance(value, functools.partialmethod):  # get_FOO_display: Django adds its own
        return False
    module = getattr(type(value), "__module__", "") or ""
    # fields, descriptors and managers are made for the mirror itself
    return not module.startswith(("django.db", "simple_history"))


def _methods(live) -> dict:
    """The live model's own methods, properties and constants (choices, published_via…)."""
    attrs: dict = {}
    for klass in reversed(live.__mro__):
        if not issubclass(klass, models.Model) or klass in (models.Model,):
            continue
        if klass.__module__.startswith("django."):
            continue
        for name, value in vars(klass).items():
            if _copyable(name, value):
                attrs[name] = value
    return attrs


def _field(live, name: str):
    field = live._meta.get_field(name)
    if field.is_relation:
        # rows are written case by case, in any order: no database-level constraint
        return models.ForeignKey(
            _target(live, field),
            verbose_name=field.verbose_name,
            null=field.null,
            blank=field.blank,
            on_delete=models.DO_NOTHING,
            db_constraint=False,
            related_name=field.remote_field.related_name,
        )
    _name, _path, args, kwargs = field.deconstruct()
    kwargs.pop("validators", None)
    return type(field)(*args, **kwargs)


# ?sort=sentence's key: the longest term, a case without one last (an index with
# NULLS LAST would do on PostgreSQL, but not on SQLite).
LONGEST_TERM_ORDER = Coalesce(F("longest_term_months"), Value(-1))


# Indexes of the read model only, for what the public pages filter and sort on
# (the live model's indexes serve the staff pages): /cases/ sorts by the arrest
# date's sortable form (casetracker.partial_dates.SortableDate), which an index
# on the raw column cannot serve.
def _read_model_indexes() -> dict[str, list]:
    from casetracker.partial_dates import SortableDate

    return {
        "PublicCase": [
            models.Index(
                SortableDate("arrest_date").desc(), "id", name="pub_case_arrest_sortable_idx"
            ),
            # ?sort=sentence and ?min_months= (public.listing, public.filters)
            models.Index(
                LONGEST_TERM_ORDER.desc(),
                SortableDate("arrest_date").desc(),
                "id",
                name="pub_case_longest_term_idx",
            ),
        ],
    }


def _read_model_fields() -> dict[str, dict]:
    """Columns of the read model only, denormalised by public.writer from the
    published version (never from live records)."""
    return {
        "PublicCase": {
            # the longest term of the case's published sentences, None without one
            "longest_term_months": models.PositiveIntegerField(
                _("longest sentence (months)"), null=True, blank=True, editable=False
            ),
            # one of them is life imprisonment (the sentence bands of /stats/)
            "life_sentence": models.BooleanField(
                _("sentenced to life imprisonment"), default=False, editable=False
            ),
        },
    }


def _indexes(live, fields: set[str]) -> list:
    out = list(_read_model_indexes().get(MIRRORED[live], []))
    for index in live._meta.indexes:
        names = [f.lstrip("-") for f in index.fields]
        if not names or not set(names) <= fields | {"id", "archived_at", "updated_at"}:
            continue
        out.append(
            models.Index(
                fields=list(index.fields),
                name=f"pub_{index.name}"[:30],
                condition=index.condition,
            )
        )
    return out


def _mirror(declaration):
    live = declaration.model
    name = MIRRORED[live]
    attrs = _methods(live)
    attrs.update(
        {
            "__module__": __name__,
            "__qualname__": name,
            "id": models.BigIntegerField(primary_key=True),
            "visibility": models.CharField(
                _("visibility"), max_length=12, choices=Visibility.choices, default="public"
            ),
            "created_at": models.DateTimeField(_("created at"), default=timezone.now),
            "updated_at": models.DateTimeField(_("updated at"), default=timezone.now),
            "archived_at": models.DateTimeField(_("archived at"), null=True, blank=True),
            "restrict_to_published": classmethod(lambda cls, qs: qs),
            "live_model": live,
        }
    )
    for field_name in declaration.fields:
        attrs[field_name] = _field(live, field_name)
    attrs.update(_read_model_fields().get(name, {}))
    if declaration.cites:
        attrs["sources"] = models.ManyToManyField(
            "public.PublicSource", verbose_name=_("sources"), blank=True, related_name="+"
        )
    queryset_class = live._default_manager._queryset_class
    mirror_qs = type(f"Public{queryset_class.__name__}", (MirrorQuerySetMixin, queryset_class), {})
    mirror_qs.__module__ = __name__
    attrs["objects"] = models.Manager.from_queryset(mirror_qs)()
    meta = type(
        "Meta",
        (),
        {
            "verbose_name": live._meta.verbose_name,
            "verbose_name_plural": live._meta.verbose_name_plural,
            "ordering": list(live._meta.ordering),
            "indexes": _indexes(live, set(declaration.fields)),
        },
    )
    attrs["Meta"] = meta
    model = type(name, (models.Model,), attrs)
    setattr(sys.modules[__name__], mirror_qs.__name__, mirror_qs)
    return model


for _declaration in DECLARATIONS:
    _model = _mirror(_declaration)
    globals()[_model.__name__] = _model


def _latest_weight(self):
    obs = (
        self.health_observations.filter(weight_kg__isnull=False)
        .order_by("-observed_on", "-observed_time", "-pk")
        .first()
    )
    return obs.weight_kg if obs else None


PublicPerson.latest_weight = _latest_weight  # type: ignore[name-defined]  # noqa: F821


class PublicVersion(models.Model):
    """The version of each published case the read model currently shows."""

    case_id = models.BigIntegerField(primary_key=True)
    person_id = models.BigIntegerField(db_index=True)
    publication_id = models.BigIntegerField(null=True, blank=True)
    published_at = models.DateTimeField()
    # the case's public "last updated": moves only when the content changed
    content_changed_at = models.DateTimeField()
    snapshot = models.JSONField()

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")

    def __str__(self) -> str:
        return f"case {self.case_id} @ {self.published_at:%Y-%m-%d %H:%M}"


class PublicCaseHistory(models.Model):
    """What the feeds read: each change of a case's public content, and its withdrawal
    (the public counterpart of the live case history: only publications write it)."""

    case_id = models.BigIntegerField()
    history_date = models.DateTimeField()
    history_type = models.CharField(max_length=1)  # "+" first published, "~" changed
    status = models.CharField(max_length=20, blank=True)
    editorial_state = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["-history_date", "-id"], name="pub_history_date_idx")]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.history_type} {self.history_date:%Y-%m-%d}"


class PublicCorrection(models.Model):
    """An editor's public correction note, as published."""

    case = models.ForeignKey(
        "public.PublicCase",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="corrections",
    )
    correction_note = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.correction_note[:50]


__all__ = [
    m.__name__
    for m in [
        *(globals()[n] for n in MIRRORED.values()),
        PublicVersion,
        PublicCaseHistory,
        PublicCorrection,
    ]
]
