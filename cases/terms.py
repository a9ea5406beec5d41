"""Sentence terms as text and the sentence in force: plain functions, shared by the
live models, the staff pages and the public read model (no model imports)."""

from __future__ import annotations


def format_term(months: int | None, days: int | None = None) -> str:
    """84 -> "7 years", 18 -> "1 year 6 months", (0, 15) -> "15 days"."""
    from django.utils.translation import ngettext

    years, rest = divmod(months or 0, 12)
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if rest:
        parts.append(ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest})
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    return " ".join(parts)


def effective_sentence(sentences):
    """The sentence in force: the latest decision (by date, then as entered). An
    iterable of the case's sentences ordered by ("sentenced_on", "pk"); None when
    there are none. A decision that frees the person is returned too: callers
    read .releases."""
    sentences = list(sentences)
    return sentences[-1] if sentences else None
