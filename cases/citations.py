"""Legal provisions as courts write them, parsed into article, part, paragraph, letter.

    "405"                    -> article 405
    "207.3"                  -> article 207.3
    "80(d)"  (Egypt)         -> article 80, letter d
    "505(b)" (Myanmar)       -> article 505, letter b
    "ч. 2 ст. 207.3"         -> article 207.3, part 2
    "п. «д» ч. 2 ст. 207.3"  -> article 207.3, part 2, letter д  (Russian notation)
    "п. 1 ч. 2 ст. 105"      -> article 105, part 2, paragraph 1

The article is the record browsed by (LegalArticle, key COUNTRY:CODE:NUMBER);
part, paragraph and letter stay on the charge, so browsing by an article
includes all its parts. The text as written is kept beside (Charge.cited_as).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = r"[0-9]+(?:\.[0-9]+)*(?:-[0-9]+)?[A-Za-z]?"
PLAIN = re.compile(rf"^(?P<article>{NUMBER})(?:\s*\((?P<letter>[A-Za-z0-9]{{1,3}})\))?$")
RUSSIAN = re.compile(
    r"^(?:пп?\.\s*(?:«(?P<letter>[^»]{1,3})»|\"(?P<letter2>[^\"]{1,3})\"|(?P<paragraph>[0-9]+))\s*)?"
    r"(?:ч\.\s*(?P<part>[0-9]+(?:\.[0-9]+)?)\s*)?"
    rf"ст\.\s*(?P<article>{NUMBER})$",
)


# The same notations as one JSON-Schema (ECMA) pattern, for the API schema: an
# article number as keys always allowed (405, 207.3, 2a-1), "80(d)", or the
# Russian notation. parse_citation accepts exactly these (see LEGACY below).
LEGACY = re.compile(r"^[0-9A-Za-z.\-]+$")
_N = r"[0-9]+(\.[0-9]+)*(-[0-9]+)?[A-Za-z]?"
PROVISION_PATTERN = (
    r"([0-9A-Za-z.\-]+"
    rf"|{_N}\s*\([A-Za-z0-9]{{1,3}}\)"
    r"|(пп?\.\s*(«[^»]{1,3}»|\"[^\"]{1,3}\"|[0-9]+)\s*)?(ч\.\s*[0-9]+(\.[0-9]+)?\s*)?"
    rf"ст\.\s*{_N})"
)


@dataclass(frozen=True)
class Citation:
    article: str
    part: str = ""
    paragraph: str = ""
    letter: str = ""


def parse_citation(text: str) -> Citation | None:
    """The provision in `text`, or None when it is not in a known notation."""
    text = " ".join((text or "").split())
    if match := PLAIN.match(text):
        return Citation(match["article"], letter=match["letter"] or "")
    if match := RUSSIAN.match(text):
        return Citation(
            match["article"],
            part=match["part"] or "",
            paragraph=match["paragraph"] or "",
            letter=match["letter"] or match["letter2"] or "",
        )
    if LEGACY.match(text):
        # A number as keys have always been written ("2a-1"): the article itself.
        return Citation(text)
    return None
