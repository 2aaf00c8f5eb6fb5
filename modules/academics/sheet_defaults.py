"""What an attendance sheet not recorded yet starts from, beyond "everyone present".

A higher app registers a provider ``provider(section, day) -> {enrollment_id: reason}`` of
students already excused that day (modules/family: approved absence permissions); the
attendance page then shows them as justified with that reason, and the teacher can still change
it before saving. Providers run only for a day without a recorded sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from .choices import AttendanceStatus
from .selectors import AttendanceSheetRow

_PROVIDERS: dict[str, Callable[[Any, date], dict[int, str]]] = {}


def register_sheet_default(key: str, provider: Callable[[Any, date], dict[int, str]]) -> None:
    _PROVIDERS[key] = provider


def with_defaults(
    section: Any, day: date, rows: list[AttendanceSheetRow]
) -> list[AttendanceSheetRow]:
    """``rows`` with the excused students justified (one query per provider)."""
    excused: dict[int, str] = {}
    for provider in _PROVIDERS.values():
        excused.update(provider(section, day))
    if not excused:
        return rows
    return [
        replace(row, status=AttendanceStatus.JUSTIFIED, reason=excused[row.enrollment_id])
        if row.enrollment_id in excused
        else row
        for row in rows
    ]
