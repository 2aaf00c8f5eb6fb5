"""Verification codes: random, in an alphabet without look-alikes, typed leniently."""

from modules.documents.codes import ALPHABET, LENGTH, code_display, code_new, code_normalise


def test_new_codes_are_random_and_well_formed():
    codes = {code_new() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)


def test_typed_codes_are_normalised():
    assert code_normalise("dem0-2025-0001") == "DEM020250001"
    assert code_normalise(" DEMO 2025 OOO1 ") == "DEM020250001"  # O read as 0
    assert code_normalise("7k3m-q9xd-2hpl") == "7K3MQ9XD2HP1"  # L read as 1
    assert code_display("DEM020250001") == "DEM0-2025-0001"


def test_malformed_codes_are_refused():
    for text in ("", "DEM0-2025", "DEM0-2025-00011", "DEM0-2025-000U", "<script>", "1" * 500):
        assert code_normalise(text) is None
