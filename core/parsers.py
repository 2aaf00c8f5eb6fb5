"""Parsing what clients send: DRF's default JSON parser with a nesting limit
(``SIGES_API_JSON_MAX_DEPTH``), and plain numbers from query strings and forms (``plain_int``).

Its own module: DRF imports the default parser classes while ``rest_framework.views`` loads, so
this module must not import DRF's views (``core.api`` does)."""

import codecs
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers
from rest_framework.utils import json


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether ``data`` (parsed JSON) nests lists and objects more than ``limit`` levels deep.

    Iterative, so a deep document cannot exhaust the interpreter's stack while being measured."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit (``SIGES_API_JSON_MAX_DEPTH``, default 32).

    No SIGES request body nests more than a few levels. Python's parser gives up around 1,000
    levels with ``RecursionError`` (not a ``ValueError``, so DRF let it through as a 500), and a
    document just under that would still exhaust the stack in validation or serialisation. Both
    are refused as a parse error (400) before any view sees them.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.SIGES_API_JSON_MAX_DEPTH
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            data = json.load(decoded_stream, parse_constant=parse_constant)
        except RecursionError as exc:
            raise exceptions.ParseError(_("El JSON está anidado a demasiada profundidad.")) from exc
        except ValueError as exc:
            raise exceptions.ParseError(
                _("El JSON no es válido: %(error)s") % {"error": exc}
            ) from exc
        if json_depth_exceeds(data, limit):
            raise exceptions.ParseError(
                _("El JSON está anidado a más de %(limit)d niveles.") % {"limit": limit}
            )
        return data


def plain_int(value: str, *, max_digits: int = 18) -> int | None:
    """``value`` as a number when it is 1 to ``max_digits`` ASCII digits, else ``None``.

    For numbers people and links send (page cursors, ids in a form): ``str.isdigit()`` alone
    accepts "²" and "١٢", on which ``int()`` fails or which nobody typed as a number. The
    default 18 digits always fit a PostgreSQL bigint."""
    if value and len(value) <= max_digits and value.isascii() and value.isdigit():
        return int(value)
    return None
