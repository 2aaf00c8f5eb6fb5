"""The OpenAPI schema generates without errors or warnings (a broken annotation fails here)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular error or warning into a CommandError.
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--api-version", "v1", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert text.startswith("openapi: 3")
    assert "/api/v1/auth/token/" in text
