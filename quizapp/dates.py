"""Dates as a Japanese learner writes them, and example dates that lie ahead."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

EXAMPLE_DAYS_AHEAD = 90


def example_exam_date(today: date | None = None) -> date:
    """An exam date for examples: about three months ahead, never one already past."""
    return (today or date.today()) + timedelta(days=EXAMPLE_DAYS_AHEAD)


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)
DATE_FORMS = "2027-01-10、2027/1/10、2027.1.10、2027年1月10日"
"""The exam-date forms the settings form reads (full-width digits too)."""


def parse_date(text: str) -> date | None:
    """A date as a Japanese learner writes one (:data:`DATE_FORMS`, full-width digits or not);
    None when ``text`` is not one of those forms or names no real day."""
    found = _DATE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if found is None:
        return None
    try:
        return date(*map(int, found.groups()))
    except ValueError:
        return None
