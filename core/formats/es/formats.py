"""Dates the Salvadoran way: shown as dd/mm/aaaa and accepted so when typed.

Django looks here first (``FORMAT_MODULE_PATH``) and falls back to its own Spanish formats for
anything not set (numbers, month names). ISO dates stay accepted last: browsers' date pickers
and API clients send them.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '25/10/2026'
    "%d/%m/%y",  # '25/10/26'
    "%d-%m-%Y",  # '25-10-2026'
    "%Y-%m-%d",  # '2026-10-25' (date pickers, API)
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
