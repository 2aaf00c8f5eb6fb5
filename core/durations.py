"""How a span of business time reads in Spanish: the one formatter for every module.

Two readings of the same span: ``WORDS`` (targets a person plans around: "1 día hábil y 4 horas
hábiles", a day being the calendar's working day) and ``CLOCK`` (a countdown to the minute:
"2 h 15 min", absolute value, the caller says before or after and adds "hábiles").
"""

from datetime import timedelta
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.calendar import business_day_length

WORDS = "words"
CLOCK = "clock"


def _hours_text(hours: Decimal) -> str:
    if hours == hours.to_integral_value():
        count, text = int(hours), str(int(hours))
    else:
        count, text = 2, number_format(hours, decimal_pos=1)
    return ngettext("%(n)s hora hábil", "%(n)s horas hábiles", count) % {"n": text}


def _words(delta: timedelta) -> str:
    day = business_day_length()
    if delta <= timedelta(0) or day <= timedelta(0):
        return _hours_text(Decimal(0))
    days, rest = divmod(delta, day)
    minutes = Decimal(int(rest.total_seconds()) // 60)
    hours = (minutes / Decimal(60)).quantize(Decimal("0.1"))
    if days == 0:
        if hours < 1:
            count = int(minutes)
            return ngettext("%(n)d minuto hábil", "%(n)d minutos hábiles", count) % {"n": count}
        return _hours_text(hours)
    days_text = ngettext("%(n)d día hábil", "%(n)d días hábiles", days) % {"n": days}
    if minutes == 0:
        return days_text
    return _("%(days)s y %(hours)s") % {"days": days_text, "hours": _hours_text(hours)}


def _clock(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return ngettext("%(hours)d hora", "%(hours)d horas", hours) % {"hours": hours}
    return ngettext("%(minutes)d minuto", "%(minutes)d minutos", minutes) % {"minutes": minutes}


def business_duration(delta: timedelta, *, style: str = WORDS) -> str:
    """``delta`` of business time in words (``WORDS``: "3 días hábiles", "2,5 horas hábiles",
    "30 minutos hábiles") or as a countdown (``CLOCK``: "2 h 5 min", "1 hora", "45 minutos")."""
    if style == CLOCK:
        return _clock(delta)
    if style == WORDS:
        return _words(delta)
    raise ValueError(f"unknown duration style {style!r}")
