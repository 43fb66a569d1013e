"""Dates and times in query strings: ISO text only, as the API documents them.

pydantic reads a date or datetime also from a number (seconds or milliseconds since 1970) and a date
from a datetime at midnight: ``known_at=1`` became 1970-01-01T00:00:01Z and answered "nothing was known
then" instead of refusing the question. These types refuse anything but ``YYYY-MM-DD`` (a date) and
``YYYY-MM-DDTHH:MM[:SS[.ffffff]][zone]`` (a datetime; a route may still require the zone).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?")


def _iso(pattern: re.Pattern[str], written: str) -> BeforeValidator:
    def check(value: object) -> object:
        if isinstance(value, str) and not pattern.fullmatch(value):
            raise PydanticCustomError("iso_text", "must be written {written}", {"written": written})
        return value

    return BeforeValidator(check)


#: A date in a query string: ``YYYY-MM-DD`` only.
QueryDate = Annotated[date, _iso(_DATE, "YYYY-MM-DD")]
#: A datetime in a query string: ISO 8601, e.g. ``2026-01-01T00:00:00Z``.
QueryDateTime = Annotated[datetime, _iso(_DATETIME, "as an ISO datetime, e.g. 2026-01-01T00:00:00Z")]
