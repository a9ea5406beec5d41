"""Stable record numbers: `CT-000123`, derived from a case's primary key.

A primary key is never reused or changed, so neither is the number; nothing is
stored (no column, no migration). Parsing accepts any letter case and padding
(`ct-123`); formatting always gives the canonical form.
"""

from __future__ import annotations

import re

PREFIX = "CT"
WIDTH = 6
# Also the URL converter's pattern; 18 digits stay below a bigint's limit.
PATTERN = r"[Cc][Tt]-[0-9]{1,18}"
_FULL = re.compile(rf"^{PATTERN}$")


def format_record_number(pk: int) -> str:
    return f"{PREFIX}-{int(pk):0{WIDTH}d}"


def parse_record_number(text: str) -> int | None:
    """The primary key a record number stands for, or None if `text` is not one."""
    text = (text or "").strip()
    if not _FULL.match(text):
        return None
    pk = int(text[3:])
    return pk or None


class RecordNumberConverter:
    """`<record:number>` in URLs: the primary key (an int) of `CT-000123`."""

    regex = PATTERN

    def to_python(self, value: str) -> int:
        pk = parse_record_number(value)
        if pk is None:
            raise ValueError(value)
        return pk

    def to_url(self, value) -> str:
        return format_record_number(value)
