"""Name search across scripts, word orders and small misspellings.

Which people match `query`:
- **A Han query** ("刘晓波") matches names and public variants that contain its
  characters (each whitespace-separated part of the query, in any order). It is
  never romanised: toneless pinyin makes many different names alike ("刘晓波",
  "柳小波" and "刘晓明" are all close to "liuxiaobo"), so a Han query fuzzy-matched
  through pinyin found nine other people before the right one.
- **Any other query** is normalised like stored names (people.names: anyascii +
  lowercase, so Cyrillic "Жыланбаев" becomes "zhylanbaev" and accents fold away)
  and split into words; a name or a public variant matches when it holds every
  word, in any order ("Жыланбаев Марат" and "Zhylanbayev, Marat" find "Marat
  Zhylanbayev"). A word of four letters or more may also be slightly misspelt: on
  PostgreSQL by trigram word similarity on the normalised column (GIN-indexed,
  threshold 0.5 in settings: "zhilanbayev" scores 0.6 against "marat
  zhylanbayev", an unrelated "nazarbayev" 0.36), elsewhere by a consonant
  skeleton ("zhylanbayev", "zhilanbaev" and "zhylanbaev" all give "zhlnbv").
  A pinyin query ("Liu Xiaobo") finds Han names through their variants (and
  through their normalised form, which is pinyin).

How they rank (`search_ranks`, the same on every database: computed in Python
from the names, casefolded, in the query's own script):
  0  the person's name is the query, word for word in any order;
  1  a public variant is;
  2  the name or a variant holds every word of the query as a whole word (for
     a Han query: holds its characters);
  3  everything else: a match through transliteration or a misspelling.

Only public name variants are searched, and only through the variants of the
people queryset's own model (the public read model's, for the public site): an
internal alias must never reveal whom it belongs to.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .names import normalize_name

_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")
# Han ideographs (CJK unified, extensions A to H, compatibility) and the
# iteration marks used inside names.
_HAN = re.compile(
    "[\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003ffff]"
)
# Words as written: letters and digits of any script (a comma, hyphen or dot separates).
_WORD = re.compile(r"[^\W_]+")

EXACT, VARIANT_EXACT, WORDS, OTHER = 0, 1, 2, 3
# Misspelling tolerance only for words this long: "liu" or "li" fuzzily matched
# would find half of a list of Chinese names.
FUZZY_MIN = 4
# How many candidates are ranked by name (the rest rank OTHER): a one-letter
# query must not load every name into memory.
RANKED_MAX = 1000


def is_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


def skeleton(name: str) -> str:
    """Consonant skeleton of each word, for misspelling tolerance without PostgreSQL."""
    words = normalize_name(name).split()
    return " ".join(_REPEATS.sub(r"\1", w[0] + _VOWELS.sub("", w[1:])) for w in words if w)


def own_words(text: str) -> list[str]:
    """The words of `text` in its own script, casefolded: "Zhylanbayev, Marat" ->
    ["zhylanbayev", "marat"]; Han text has no word spaces, so "刘 晓波" -> ["刘", "晓波"]."""
    return _WORD.findall((text or "").casefold())


def _casings(word: str) -> set[str]:
    """How a casefolded word may be written: SQLite's LIKE folds ASCII only, so a
    Cyrillic word is looked for as written, lower, upper and capitalised."""
    return {word, word.lower(), word.upper(), word.capitalize()}


def _written(column: str, words: list[str]) -> Q:
    """`column` (the name as written) holds every word, in any casing."""
    return reduce(
        and_,
        (reduce(or_, (Q(**{f"{column}__contains": c}) for c in _casings(w))) for w in words),
    )


def _normalised(column: str, words: list[str]) -> Q:
    """`column` (a normalised name) holds every normalised word, or on PostgreSQL a
    close spelling of the longer ones."""
    conditions = []
    for word in words:
        condition = Q(**{f"{column}__contains": word})
        if connection.vendor == "postgresql" and len(word) >= FUZZY_MIN:
            # `column %> word`: word_similarity(word, column) above the connection's
            # pg_trgm.word_similarity_threshold; GIN-indexed, as is LIKE.
            condition |= Q(**{f"{column}__trigram_word_similar": word})
        conditions.append(condition)
    return reduce(and_, conditions)


def _variants(people: QuerySet) -> QuerySet:
    """The publishable name variants of `people`'s model (the live model's or the
    read model's: never the other one's)."""
    return people.model._meta.get_field("name_variants").related_model.objects.publishable()


def _conditions(query: str) -> tuple[Q, Q] | None:
    """(on a name's columns, on a variant's columns), or None for an empty query."""
    if is_han(query):
        words = own_words(query)
        return _written("full_name", words), _written("name", words)
    words = normalize_name(query).split()
    if not words:
        return None
    condition = _normalised("name_normalized", words)
    return condition, condition


def search_people(people: QuerySet, query: str) -> QuerySet:
    """`people` narrowed to those matching `query` (see the module docstring).

    The matches are uncorrelated subqueries (`pk IN (...)`), each answered once
    from the trigram GIN index, not a correlated EXISTS evaluated per person:
    at 100,000 people that is the difference between milliseconds and seconds.
    The outer `people` queryset decides who may be found at all (e.g. public());
    variants only need to be publishable themselves.
    """
    conditions = _conditions(query)
    if conditions is None:
        return people
    on_name, on_variant = conditions
    by_name = people.model.objects.filter(on_name).values("pk")
    by_variant = _variants(people).filter(on_variant).values("person_id")
    if connection.vendor == "postgresql":
        # One `pk IN (names UNION variants)`: PostgreSQL plans it as a small
        # semi-join driven by the index scans. Two IN subqueries joined by OR
        # become hashed subplans in a filter, which it answers by scanning and
        # trigram-comparing every name (hundreds of ms at 100,000 people).
        return people.filter(pk__in=by_name.union(by_variant))
    matches = Q(pk__in=by_name) | Q(pk__in=by_variant)
    if not is_han(query):
        keys = [skeleton(w) for w in normalize_name(query).split() if len(w) >= FUZZY_MIN]
        if keys:
            matches |= Q(pk__in=_skeleton_matches(people, query, keys))
    return people.filter(matches)


def _skeleton_matches(people: QuerySet, query: str, keys: list[str]) -> list[int]:
    """The SQLite path: compare skeletons in Python over the (small) embedded dataset.
    Every word of the query must match: the long ones by skeleton, the short ones
    as written."""
    short = [w for w in normalize_name(query).split() if len(w) < FUZZY_MIN]

    def matches(name: str) -> bool:
        shape = skeleton(name)
        return all(k in shape for k in keys) and all(w in name for w in short)

    found = {pk for pk, name in people.values_list("pk", "name_normalized") if matches(name)}
    for pk, name in _variants(people).values_list("person_id", "name_normalized"):
        if matches(name):
            found.add(pk)
    return list(found)


def _rank(query_words: list[str], han: bool, name: str) -> tuple[bool, bool]:
    """(is `name` the query, does it hold every word of it), in the query's script."""
    words = own_words(name)
    if han:
        joined, wanted = "".join(words), "".join(query_words)
        return joined == wanted, all(w in joined for w in query_words)
    return sorted(words) == sorted(query_words), all(w in words for w in query_words)


def search_ranks(people: QuerySet, query: str) -> dict[int, int]:
    """{person pk: rank} for the people of `people` ranking above OTHER (see the
    module docstring); `people` should already be search_people's result.

    Only people whose name or a public variant holds the query's words as written
    can rank above OTHER, so only those (at most RANKED_MAX) are read.
    """
    wanted = own_words(query)
    if not wanted:
        return {}
    han = is_han(query)
    variants = _variants(people)
    by_name = people.model.objects.filter(_written("full_name", wanted)).values("pk")
    by_variant = variants.filter(_written("name", wanted)).values("person_id")
    if connection.vendor == "postgresql":
        # One `pk IN (names UNION variants)`, answered from the trigram indexes on
        # the names as written, as in search_people (an OR of two INs scans every name).
        written = people.filter(pk__in=by_name.union(by_variant))
    else:
        written = people.filter(Q(pk__in=by_name) | Q(pk__in=by_variant))
    names = dict(written.order_by("pk").values_list("pk", "full_name")[:RANKED_MAX])
    others: dict[int, list[str]] = {}
    for pk, name in variants.filter(person__in=list(names)).values_list("person_id", "name"):
        others.setdefault(pk, []).append(name)
    ranks = {}
    for pk, full_name in names.items():
        exact, holds = _rank(wanted, han, full_name)
        rank = EXACT if exact else (WORDS if holds else OTHER)
        for variant in others.get(pk, []):
            exact, holds = _rank(wanted, han, variant)
            rank = min(rank, VARIANT_EXACT if exact else (WORDS if holds else OTHER))
        if rank < OTHER:
            ranks[pk] = rank
    return ranks


def rank_expression(field: str, ranks: dict[int, int]) -> Case | Value:
    """A database expression giving each row its person's rank (`field` holds the
    person's id): OTHER for anyone not in `ranks`."""
    whens = []
    for rank in (EXACT, VARIANT_EXACT, WORDS):
        pks = sorted(pk for pk, r in ranks.items() if r == rank)
        if pks:
            whens.append(When(**{f"{field}__in": pks}, then=Value(rank)))
    if not whens:
        return Value(OTHER, output_field=IntegerField())
    return Case(*whens, default=Value(OTHER), output_field=IntegerField())
