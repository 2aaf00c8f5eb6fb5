"""The English catalogue (locale/en): complete, compiled, placeholder-safe, and really served.

Spanish is the source language and the default; English is offered only when
``SIGES_LANGUAGES`` lists it. These tests read the shipped .po and .mo directly (CI does not run
``compilemessages``), then check what a browser or an API client gets in each configuration.
"""

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from helpdesk.models import SlaPolicy
from tests.factories import make_dui
from tests.helpdesk.conftest import make_queue, make_service

CATALOGUE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"

SPANISH_AND_ENGLISH = [("es", "Español"), ("en", "English")]
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


# --- A small .po reader -----------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index (0 when singular)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"{PO_PATH.name}:{self.line} {self.msgid[:60]!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text: str) -> str:
    # PO strings use C escapes (\n, \t, \", \\), which a Python string literal reads the same way.
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file, the header included; obsolete (``#~``) entries skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path.name}:{number}: a string outside any entry")
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{path.name}:{number}: cannot read {line!r}")
        keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
        # A msgctxt, or a msgid not preceded by its msgctxt, starts a new entry.
        if keyword == "msgctxt" or (keyword == "msgid" and not _awaits_msgid(current)):
            current = Entry(flags=flags, line=number)
            entries.append(current)
            flags = set()
        if current is None:
            raise ValueError(f"{path.name}:{number}: {keyword} before any msgid")
        if keyword.startswith("msgstr"):
            target = ("msgstr", int(index) if index is not None else 0)
            current.msgstr[target[1]] = value
        else:
            target = (keyword, 0)
            setattr(current, keyword, value)
    return entries


def _awaits_msgid(entry: Entry | None) -> bool:
    return entry is not None and entry.msgctxt is not None and not entry.msgstr and not entry.msgid


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return read_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    """The translatable entries (the header, msgid "", left out)."""
    return [entry for entry in po_entries if entry.msgid]


# --- The catalogue itself ---------------------------------------------------------------------


def test_the_reader_understands_plurals_contexts_and_continuation_lines(tmp_path):
    # Given a small catalogue using every construct the reader must handle
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Hola %(name)s"\nmsgstr "Hello %(name)s"\n\n'
        'msgctxt "botón"\nmsgid "Abrir"\nmsgstr "Open"\n\n'
        'msgid "%(n)d caso"\nmsgid_plural "%(n)d casos"\nmsgstr[0] "%(n)d case"\n'
        'msgstr[1] ""\n"%(n)d cases"\n\n'
        '#~ msgid "Viejo"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )

    # When it is read
    header, greeting, button, plural = read_po(po)

    # Then each entry has its parts, flags and joined continuation lines
    assert header.msgid == ""
    assert header.msgstr == {0: "Language: en\n"}
    assert (greeting.msgstr, greeting.flags) == ({0: "Hello %(name)s"}, {"fuzzy", "python-format"})
    assert (button.msgctxt, button.msgid, button.msgstr) == ("botón", "Abrir", {0: "Open"})
    assert plural.msgid_plural == "%(n)d casos"
    assert plural.msgstr == {0: "%(n)d case", 1: "%(n)d cases"}


def test_catalogue_header_declares_english_and_its_plural_rule(po_entries):
    header = po_entries[0]

    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]


def test_every_entry_is_translated_and_none_is_fuzzy(messages):
    # A string wrapped after the last `make messages` shows up here as empty (or fuzzy, when
    # msgmerge guessed it from a similar one): translate it, then compile.
    assert len(messages) > 1000  # the whole project, not a stub
    untranslated = [
        entry.label
        for entry in messages
        if "fuzzy" in entry.flags
        or not entry.msgstr
        or not all(text.strip() for text in entry.msgstr.values())
        or (entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1])
    ]

    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file(messages):
    # Given the .mo that ships next to the .po
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}

    # Then it holds exactly the .po's entries, with the same translations
    expected: dict[object, str] = {}
    for entry in messages:
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(msgid, index)] = text
    stale = sorted(
        repr(key)[:80]
        for key in expected.keys() | catalog.keys()
        if expected.get(key) != catalog.get(key)
    )

    assert stale == [], "run `make messages` (compilemessages) and commit the .mo"


NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%(?!\()[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACED = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def placeholders(text: str) -> tuple:
    """What must survive translation: named and braced fields, positional conversions in order,
    and HTML tags (attributes included)."""
    text = text.replace("%%", "")
    return (
        {match.group(0) for match in NAMED.finditer(text)},
        POSITIONAL.findall(text),
        set(BRACED.findall(text)),
        Counter(TAG.findall(text)),
    )


def test_the_placeholder_check_catches_a_lost_or_renamed_field():
    assert placeholders("Caso %(number)s de %(total)d") == placeholders(
        "Case %(number)s of %(total)d"
    )
    assert placeholders("Caso %(number)s") != placeholders("Case %(numero)s")
    assert placeholders("Caso %(n)d") != placeholders("Case %(n)s")
    assert placeholders("%s de %d") != placeholders("%d of %s")
    assert placeholders("hasta {max_length}") != placeholders("up to {max}")
    assert placeholders("el caso <strong>%(n)s</strong>") != placeholders("case %(n)s")
    assert placeholders("100 %% listo") == placeholders("100 %% done")


def test_translations_keep_every_placeholder_and_tag(messages):
    mismatches = []
    for entry in messages:
        sources = {0: entry.msgid, 1: entry.msgid_plural or entry.msgid}
        for index, text in entry.msgstr.items():
            if placeholders(text) != placeholders(sources[min(index, 1)]):
                plural = f" msgstr[{index}]" if entry.msgid_plural is not None else ""
                mismatches.append(entry.label + plural)

    assert mismatches == []


# --- Served in English when English is offered ------------------------------------------------


@pytest.fixture
def english_offered(settings):
    # LANGUAGES is computed from SIGES_LANGUAGES at import; overriding the setting is what
    # `SIGES_LANGUAGES=es,en` does, and Django's setting_changed handler clears its cached
    # language lookups, so LocaleMiddleware honours the new list at once.
    settings.LANGUAGES = SPANISH_AND_ENGLISH


@pytest.mark.django_db
def test_login_page_is_english_for_an_english_browser(client, english_offered):
    response = client.get(reverse("accounts:login"), **ENGLISH_BROWSER)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "<title>Sign in · SIGES</title>" in html
    assert "Sign in to SIGES" in html
    assert "Sign in with your DUI and your password." in html
    assert "Forgot your password?" in html
    assert "Ingresar a SIGES" not in html
    # With two languages offered, the footer switcher appears, labelled in English
    assert '<label for="id_footer_language">Language</label>' in html


@pytest.mark.django_db
def test_language_chosen_in_the_footer_wins_over_the_browser(client, english_offered):
    # Given a Spanish browser whose user picked English in the footer form
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    # When they open the login page
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    # Then it is English
    assert '<html lang="en">' in html
    assert "Sign in to SIGES" in html


@pytest.mark.django_db
def test_public_catalogue_page_is_english_with_plural_business_times(client, english_offered):
    # Given a service whose policy promises 2 business hours to answer and one day (9 h) to solve
    policy = SlaPolicy.objects.create(
        code="idiomas",
        name="Política",
        first_response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=9),
    )
    make_service(make_queue("idiomas"), policy, code="constancia")

    # When an anonymous English visitor opens the catalogue
    response = client.get(reverse("helpdesk:catalogue"), **ENGLISH_BROWSER)

    # Then the page and the computed business times are English, singular and plural alike
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Procedures · SIGES</title>" in html
    assert "<h1>Catalogue of procedures</h1>" in html
    assert "To request a procedure you must sign in with your account." in html
    assert "Response within 2 business hours · solution within 1 business day" in html
    assert ">Request<span" in html
    assert ">More information<span" in html
    assert "Catálogo de trámites" not in html


@pytest.mark.django_db
def test_404_page_is_english_for_an_english_browser(client, english_offered):
    response = client.get("/no-existe-esta-pagina/", **ENGLISH_BROWSER)

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "<title>Page not found · SIGES</title>" in html
    assert "<h1>Page not found</h1>" in html
    assert "Back to the home page" in html


@pytest.mark.django_db
def test_api_error_message_is_english_with_accept_language_en(client, english_offered):
    # An unknown DUI and a wrong password get the same answer; here it comes back in English
    response = client.post(
        reverse("v1:auth-token"),
        {"dui": make_dui(424242), "password": "no-es-la-clave"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json() == {"detail": "Incorrect DUI or password.", "code": "invalid_login"}


@pytest.mark.django_db
def test_api_validation_error_is_english_with_accept_language_en(client, english_offered):
    response = client.post(
        reverse("v1:auth-token"),
        {"dui": "no-es-dui", "password": "x"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "dui": [
            "The DUI must have 8 digits, a hyphen and the check digit (for example 01234567-8)."
        ]
    }


def test_code_outside_a_request_translates_under_translation_override(rf):
    # Emails and tasks render outside LocaleMiddleware: they translate under an active language
    from core.durations import business_duration

    with translation.override("en"):
        heading = render_to_string("404.html", {}, request=rf.get("/"))
        one_day_and_a_half_hour = business_duration(timedelta(hours=9, minutes=30))
        two_days = business_duration(timedelta(hours=18))

    assert "<h1>Page not found</h1>" in heading
    assert one_day_and_a_half_hour == "1 business day and 0.5 business hours"
    assert two_days == "2 business days"


# --- Spanish only by default ------------------------------------------------------------------


def test_default_settings_offer_only_spanish():
    assert [code for code, _name in settings.LANGUAGES] == ["es"]
    assert settings.LANGUAGE_CODE == "es"


@pytest.mark.django_db
def test_english_browser_gets_spanish_pages_with_the_default_settings(client):
    response = client.get(reverse("accounts:login"), **ENGLISH_BROWSER)

    html = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in html
    assert "Ingresar a SIGES" in html
    assert "Sign in to SIGES" not in html
    assert "language-form" not in html


@pytest.mark.django_db
def test_english_cookie_is_ignored_with_the_default_settings(client):
    # A language cookie left from a deployment that offered English does not switch this one
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/no-existe-esta-pagina/").content.decode()

    assert '<html lang="es">' in html
    assert "<h1>Página no encontrada</h1>" in html


@pytest.mark.django_db
def test_english_api_client_gets_spanish_errors_with_the_default_settings(client):
    response = client.post(
        reverse("v1:auth-token"),
        {"dui": make_dui(424242), "password": "no-es-la-clave"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "es"
    assert response.json() == {"detail": "DUI o contraseña incorrectos.", "code": "invalid_login"}
