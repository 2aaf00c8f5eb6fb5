"""Every write of the academic module, split by concern."""

from .attendance import Mark, attendance_record
from .closing import section_year_close
from .conduct import conduct_record
from .grades import GridResult, grades_save, recovery_record

__all__ = [
    "GridResult",
    "Mark",
    "attendance_record",
    "conduct_record",
    "grades_save",
    "recovery_record",
    "section_year_close",
]
