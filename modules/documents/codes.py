"""Verification codes: random, unguessable, short enough to type (docs/security.md).

Twelve characters of Crockford's base-32 alphabet (no I, L, O or U, so nothing is misread):
60 random bits, shown in groups of four (``7K3M-Q9XD-2HPA``). What a person types is normalised
first: case, spaces and dashes are ignored, and the letters people confuse with digits
(O → 0, I and L → 1) are read as the digits.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(text: str) -> str | None:
    """The stored form of a typed code, or ``None`` if it cannot be one."""
    cleaned = "".join((text or "").split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
