"""The titles benchmark runs end to end at a tiny size and leaves nothing behind."""

import io

import pytest

from bench.titles import TitlesOptions, run_titles
from modules.documents.models import IssuedTitle, TitleRequest

pytestmark = pytest.mark.django_db


def test_titles_bench_one_pass(settings, tmp_path):
    settings.SIGES_TITLES_TEST_PKI_DIR = tmp_path / "pki"
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    run_titles(TitlesOptions(students=3, repeat=2, warmup=1), out=out)
    text = out.getvalue()
    assert "Generación y firma de 3 títulos" in text
    assert "consultas 1" in text
    # Rolled back: the bench's request and titles are gone
    assert not TitleRequest.objects.exists()
    assert not IssuedTitle.objects.exists()
