"""Name normalisation for transliteration-tolerant search.

"Zhylanbayev", "ZHYLANBAYEV" and "Žylanbaev" normalise alike; Cyrillic is
transliterated to Latin so "Жыланбаев" lands near the Latin spellings too.
"""

import re

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_name(name: str) -> str:
    return _NON_ALNUM.sub(" ", anyascii(name or "").lower()).strip()


def name_key(name: str) -> str:
    """The normalised name with its words sorted: the same for any word order
    ("Жыланбаев Марат", "Marat Zhylanbaev", "Zhylanbaev, Marat")."""
    return " ".join(sorted(normalize_name(name).split()))
