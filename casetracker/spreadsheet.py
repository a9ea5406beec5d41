"""The guard against formula injection, shared by the CSV export and the importer.

A spreadsheet runs a cell starting with `=`, `+`, `-`, `@` (or a tab or carriage
return) as a formula. The export writes such a cell with one apostrophe in front
(`'=HYPERLINK(…)`), which spreadsheets show as the text itself; the importer
removes exactly that one apostrophe again, so an exported value imports back
unchanged (docs/import-format.md, *Export*).

The guard is a bijection: a value that already starts with apostrophes followed
by a trigger (`'=x`) is guarded too (`''=x`), so removing one apostrophe on import
always gives back the value as stored. Any other cell is written and read as it is.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
# A value the export guards: any apostrophes, then a trigger.
_GUARDED = re.compile(r"^'*[=+\-@\t\r]")


def guard(value: Any) -> str:
    """The cell as the export writes it."""
    text = "" if value is None else str(value)
    return GUARD + text if _GUARDED.match(text) else text


def unguard(cell: str) -> str:
    """The value of a cell as the export wrote it (the inverse of `guard`)."""
    if cell.startswith(GUARD) and _GUARDED.match(cell[1:]):
        return cell[1:]
    return cell
