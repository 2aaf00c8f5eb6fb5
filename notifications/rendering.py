"""Rendering notification templates (Spanish) at write time, and the DUI guard on the output.

Templates, by name ``<template>`` (letters, digits, ``_`` and ``/`` only):

- email: ``email/<template>.subject.txt`` and ``email/<template>.txt`` (required),
  ``email/<template>.html`` (optional);
- in-app: ``notifications/inapp/<template>.title.txt`` and ``.body.txt`` (optional: the email
  subject and text are used when absent).

Text templates are rendered without HTML autoescaping (they are not HTML); HTML ones with it.
"""

import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.text import Truncator

from core.accounts.dui import is_valid_dui, mask_dui
from core.accounts.models import Person

from .conf import notifications_settings

TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
# A DUI written as a number of its own: the canonical form, or 9 digits forming a valid DUI.
# Digits inside a longer alphanumeric token (a signed link, a hex id) are not a DUI written out
# and are left alone, so masking never breaks a link.
_DUI_HYPHENATED = re.compile(r"(?<!\w)\d{8}-\d(?!\w)")
_DUI_PLAIN = re.compile(r"(?<!\w)\d{9}(?!\w)")
SUBJECT_MAX = 200


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def mask_duis(text: str) -> str:
    """Replace every full DUI in ``text`` with its mask (docs/security.md §5.5: no full DUIs in
    emails). Applied to everything rendered, whatever the template or context contains."""
    text = _DUI_HYPHENATED.sub(lambda m: mask_dui(m.group(0)), text)
    return _DUI_PLAIN.sub(
        lambda m: mask_dui(m.group(0)) if is_valid_dui(m.group(0)) else m.group(0), text
    )


def _render(name: str, context: dict[str, Any], *, autoescape: bool) -> str:
    template = get_template(name)
    # The backend wrapper always autoescapes; the engine template lets us choose.
    return template.template.render(Context(context, autoescape=autoescape))


def _render_optional(name: str, context: dict[str, Any], *, autoescape: bool) -> str | None:
    try:
        return _render(name, context, autoescape=autoescape)
    except TemplateDoesNotExist as exc:
        # Only "this optional file is missing"; a missing {% include %} inside it must surface.
        if exc.args and exc.args[0] != name:
            raise
        return None


def _clean_subject(subject: str) -> str:
    # One line (a newline in a header is refused by Django), bounded length.
    return Truncator(" ".join(subject.split())).chars(SUBJECT_MAX)


def user_timezone(user: Any) -> zoneinfo.ZoneInfo:
    """Dates in a message are shown in the recipient's time zone (the default without account)."""
    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def build_context(*, recipient: Person, context: dict[str, Any], link: str) -> dict[str, Any]:
    site_url = notifications_settings.site_url
    return {
        **context,
        "recipient": recipient,
        "recipient_name": recipient.full_name,
        "site_url": site_url,
        "link": link,
        "link_url": f"{site_url}{link}" if link else "",
    }


def render_email(template: str, context: dict[str, Any], *, tz: zoneinfo.ZoneInfo) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE), timezone.override(tz):
        subject = _render(f"email/{template}.subject.txt", context, autoescape=False)
        text = _render(f"email/{template}.txt", context, autoescape=False)
        html = _render_optional(f"email/{template}.html", context, autoescape=True) or ""
    return Rendered(
        subject=mask_duis(_clean_subject(subject)),
        text=mask_duis(text.strip() + "\n"),
        html=mask_duis(html.strip()),
    )


def render_in_app(template: str, context: dict[str, Any], *, tz: zoneinfo.ZoneInfo) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE), timezone.override(tz):
        title = _render_optional(
            f"notifications/inapp/{template}.title.txt", context, autoescape=False
        )
        body = _render_optional(
            f"notifications/inapp/{template}.body.txt", context, autoescape=False
        )
        if title is None:
            title = _render(f"email/{template}.subject.txt", context, autoescape=False)
        # The inbox shows short messages: never the email's text with its greeting, link line
        # and signature. Without an in-app body the title (and the "Abrir" link) stand alone.
        if body is None:
            body = ""
    return Rendered(subject=mask_duis(_clean_subject(title)), text=mask_duis(body.strip()), html="")
