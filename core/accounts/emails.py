"""Showing email addresses where the full address must not appear (notices, pages for others)."""


def mask_email(address: str) -> str:
    """``maria.lopez@gmail.com`` → ``ma***@gmail.com``.

    The owner recognises their address from its first letters and the domain; anyone else
    learns little. Never more than half of the part before the ``@`` is shown, so a short one
    (``ab@…`` → ``a***@…``, ``a@…`` → ``***@…``) is not given away whole. Something that is not
    an address comes out as ``***``; an empty value stays empty.
    """
    address = (address or "").strip()
    if not address:
        return ""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return "***"
    shown = min(2, len(local) // 2)
    return f"{local[:shown]}***@{domain}"
