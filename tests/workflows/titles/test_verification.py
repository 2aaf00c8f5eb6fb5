"""Public verification: the page and the API say valid / replaced / annulled with minimal data
(never the DUI or NIE), an unknown or malformed code is the same 404, requests are
rate-limited, the downloaded PDF's signature validates and a tampered copy does not, and the
page costs one query whatever the number of titles."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from modules.documents.codes import code_display
from modules.documents.models import IssuedTitle, Motive
from modules.documents.pki import dev_pki
from workflows.titles.flows import TitleFlow
from workflows.titles.services import titles_request

from .conftest import NAMES, confirm_step, enroll, request_titles, verify

pytestmark = pytest.mark.django_db


def issue(registrar, officer, director, authenticator, section, capture):
    process = request_titles(registrar, section)
    verify(officer, process)
    confirm_step(director, process, TitleFlow.sign)
    with capture(execute=True):
        confirm_step(authenticator, process, TitleFlow.countersign)
    return process


@pytest.fixture
def issued(
    registrar, officer, director, authenticator, section, graduates, signatories,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    issue(registrar, officer, director, authenticator, section, django_capture_on_commit_callbacks)
    return IssuedTitle.objects.select_related("student__person").order_by("number").first()


def _page(client, code):
    return client.get(reverse("documents:verify", args=[code]))


def test_valid_title_page_and_api(client, issued):
    code = code_display(issued.verification_code)
    response = _page(client, code.lower())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-title-status="valid"' in html
    assert issued.student_name in html
    assert "Instituto Nacional de Prueba" in html
    # Never the DUI or the NIE
    assert str(issued.student.nie) not in html
    api = client.get(reverse("v1:titles-verify", args=[code]))
    assert api.status_code == 200
    body = api.json()
    assert body["status"] == "valid"
    assert body["student_name"] == issued.student_name
    assert set(body) == {
        "code", "status", "status_label", "student_name", "title", "school", "year",
        "issued_on", "number", "annulled_on", "replaced_by_number",
    }  # fmt: skip


def test_unknown_and_malformed_codes_look_the_same(client, issued):
    unknown = _page(client, "ZZZZ-ZZZZ-ZZZZ")
    malformed = _page(client, "no-es-un-codigo")
    assert unknown.status_code == malformed.status_code == 404
    for response in (unknown, malformed):
        html = response.content.decode()
        assert "No encontramos un título con ese código" in html
        assert "data-title-status" not in html
    assert client.get(reverse("v1:titles-verify", args=["ZZZZZZZZZZZZ"])).status_code == 404
    pdf = client.get(reverse("documents:verify_pdf", args=["ZZZZZZZZZZZZ"]))
    assert pdf.status_code == 404


def test_rate_limited(client, issued, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "title_verification": "3/min",
        },
    }
    from django.core.cache import cache

    cache.clear()
    code = code_display(issued.verification_code)
    statuses = [_page(client, code).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # The API shares the budget
    assert client.get(reverse("v1:titles-verify", args=[code])).status_code == 429
    cache.clear()


def _validate(data: bytes):
    ca = load_cert_from_pemder(str(dev_pki().ca_pem))
    signature = PdfFileReader(BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[ca]))


def test_downloaded_pdf_validates_and_a_tampered_one_does_not(client, issued):
    response = client.get(reverse("documents:verify_pdf", args=[issued.verification_code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    status = _validate(data)
    assert status.bottom_line
    assert status.intact
    # Change one byte of the signed content (the drawn page), keep the length
    tampered = bytearray(data)
    index = tampered.index(b"/MediaBox")
    tampered[index + 1] = ord("N")
    tampered_status = _validate(bytes(tampered))
    assert not tampered_status.intact
    assert not tampered_status.bottom_line


def test_annulled_and_replaced_titles_say_so(
    client, issued, registrar, officer, director, authenticator, django_capture_on_commit_callbacks
):
    # Given a reprint of the first title (which annuls it) and an annulment of the second
    titles = list(IssuedTitle.objects.order_by("number"))
    motive = Motive.objects.filter(kind="reprint").first()
    process = titles_request(
        actor=registrar, kind="reprint", school=titles[0].request.school,
        title_numbers=[titles[0].number], motive=motive,
    )  # fmt: skip
    verify(officer, process)
    confirm_step(director, process, TitleFlow.sign)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_step(authenticator, process, TitleFlow.countersign)
    annul = titles_request(
        actor=registrar, kind="annulment", school=titles[1].request.school,
        title_numbers=[titles[1].number], motive=Motive.objects.filter(kind="annulment").first(),
    )  # fmt: skip
    verify(officer, annul)
    confirm_step(director, annul, TitleFlow.sign)
    confirm_step(authenticator, annul, TitleFlow.countersign)
    annul.refresh_from_db()
    assert annul.status == "DONE"

    # Then the first title's page says annulled (a reprint annuls), the new one is valid
    first = _page(client, titles[0].verification_code).content.decode()
    assert 'data-title-status="annulled"' in first
    new = IssuedTitle.objects.get(replaces=titles[0])
    assert 'data-title-status="valid"' in _page(client, new.verification_code).content.decode()
    second = client.get(reverse("v1:titles-verify", args=[titles[1].verification_code])).json()
    assert second["status"] == "annulled"
    assert second["annulled_on"] is not None


@pytest.mark.parametrize("extra", [0, 6])
def test_page_query_count_is_fixed(client, issued, director, section, extra):
    # More graduates and titles in the database change nothing: one query for the title
    enroll(director, section, [(f"Extra{i}", "Prueba") for i in range(extra)])
    code = issued.verification_code
    _page(client, code)  # warm the session/cache machinery
    with CaptureQueriesContext(connection) as queries:
        response = _page(client, code)
    assert response.status_code == 200
    title_queries = [q for q in queries.captured_queries if "documents_issuedtitle" in q["sql"]]
    assert len(title_queries) == 1
    assert len(queries.captured_queries) == 1
    assert NAMES  # the fixture's four graduates were issued
