"""Email into the help desk: signed reply addresses, and the anymail inbound receiver that turns
a message into a reply on its ticket or a new ticket in a queue.

- **Replies.** Ticket emails to the requester carry ``Reply-To: caso+<token>@<domain>`` where
  the token signs (ticket id, person id) with ``django.core.signing`` (salted; the signature is
  lowercase hex so that mail systems that lower-case addresses do not break it). A message to
  such an address lands on the ticket as the requester's reply (``services.ticket_reply``:
  resumes a waiting ticket, reopens a resolved one within the window) only if the signature is
  valid **and** the From address is that person's email: the From header alone is never trusted,
  and a forged token or a foreign sender is ignored and audited.
- **Queue addresses.** A message to ``<Queue.email_local_part>@<domain>`` opens a ticket when
  the sender's address belongs to exactly one person with an active account and a verified
  email (``email_is_verified``); anyone else gets one "regístrese" answer a day through the
  outbox, and no ticket.
- **Both.** Deduplicated by Message-ID (``TicketEntry.message_id`` is unique: a redelivered
  message lands once); attachments checked by content (``core/uploads.py``), bad ones dropped
  and the sender told; quoted history and signatures stripped; automatic messages (out-of-office,
  mailing lists), messages the ESP marks as spam and messages whose SPF/DMARC check failed are
  ignored, so auto-replies cannot loop.
"""

import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.accounts.models import Person, User
from core.accounts.services import person_create
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.uploads import check_upload, safe_name
from notifications.services import notify

from .choices import Channel, TicketStatus
from .conf import helpdesk_settings, upload_limits
from .models import Queue, Service, Ticket, TicketEntry
from .permissions import can_request_service
from .services import ticket_create, ticket_link_path, ticket_reply
from .services.common import _scope_label

logger = logging.getLogger(__name__)

REPLY_PREFIX = "caso"
_SALT = "helpdesk.inbound.reply-address"
_SIGNATURE_HEX_CHARS = 32  # 128 bits
_INBOUND_CHAIN = "helpdesk:inbound"
_MESSAGE_ID_MAX = 255


# --- Signed reply addresses ---------------------------------------------------------------------


class _ReplyAddressSigner(signing.Signer):
    """``django.core.signing.Signer`` (salted HMAC-SHA256, key rotation through
    ``SECRET_KEY_FALLBACKS``) with a hex signature: an address's local part may be lower-cased on
    its way back, which a base64 signature would not survive."""

    def __init__(self) -> None:
        super().__init__(salt=_SALT, sep=".", algorithm="sha256")

    def signature(self, value: str, key: Any = None) -> str:
        digest = salted_hmac(self.salt + "signer", value, key or self.key, algorithm="sha256")
        return digest.hexdigest()[:_SIGNATURE_HEX_CHARS]


def inbound_domain() -> str:
    return (getattr(settings, "SIGES_INBOUND_DOMAIN", "") or "").strip().lower()


def reply_token(*, ticket_id: int, person_id: int) -> str:
    return _ReplyAddressSigner().sign(f"{ticket_id}-{person_id}")


def reply_address(*, ticket: Ticket, person: Person) -> str:
    """``caso+<token>@<domain>`` for ``person`` on ``ticket``; empty when email in is off."""
    domain = inbound_domain()
    if not domain:
        return ""
    token = reply_token(ticket_id=ticket.pk, person_id=person.pk)
    return f"{REPLY_PREFIX}+{token}@{domain}"


class ForgedTokenError(Exception):
    """A reply address whose signature does not verify."""


def read_reply_local_part(local_part: str) -> tuple[int, int] | None:
    """(ticket id, person id) from ``caso+<token>``; ``None`` when it is not a reply address;
    ``ForgedTokenError`` when it is one whose signature does not verify."""
    prefix = f"{REPLY_PREFIX}+"
    if not local_part.lower().startswith(prefix):
        return None
    token = local_part[len(prefix) :].lower()
    try:
        value = _ReplyAddressSigner().unsign(token)
    except signing.BadSignature as exc:
        raise ForgedTokenError from exc
    match = re.fullmatch(r"(\d{1,18})-(\d{1,18})", value)
    if match is None:  # signed by us, so it cannot happen; refuse rather than guess
        raise ForgedTokenError
    return int(match.group(1)), int(match.group(2))


# --- Who may open tickets by email --------------------------------------------------------------


def email_is_verified(person: Person) -> bool:
    """Whether ``person.email`` is proven to be theirs: they followed a link emailed to it
    (registration records it; changing the address clears it)."""
    return bool(person.email) and person.email_verified_at is not None


# --- Reading a message ----------------------------------------------------------------------------

_QUOTE_OPENERS = (
    # "On Mon, 2 Feb 2026 at 10:00, SIGES <…> wrote:", "El lun, 2 feb 2026, … escribió:"
    re.compile(r"^\s*(on|el)\s.*\b(wrote|escribió|escribio)\s*:\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado)"
        r"\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    # Outlook's rule above the quoted header block.
    re.compile(r"^\s*_{8,}\s*$"),
)
_HEADER_BLOCK_START = re.compile(r"^\s*\*?(from|de)\s*:\*?\s+\S", re.IGNORECASE)
_HEADER_BLOCK_NEXT = re.compile(
    r"^\s*\*?(sent|date|enviado|fecha|to|para|subject|asunto)\s*:", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^--\s?$")


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything from the first quote opener ("El … escribió:",
    "-----Mensaje original-----", an Outlook header block, the ``-- `` signature delimiter) is
    cut, and lines quoted with ``>`` are dropped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        joined = f"{line} {following}"  # Gmail wraps a long opener over two lines
        if any(p.match(line) or p.match(joined) for p in _QUOTE_OPENERS):
            break
        if _HEADER_BLOCK_START.match(line) and _HEADER_BLOCK_NEXT.match(following):
            break
        if _SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    # A lone opener wrapped onto two lines leaves its first half behind.
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept).strip()


_QUOTED_HTML = re.compile(
    r"<blockquote\b.*?</blockquote>|<div[^>]*class=\"[^\"]*(gmail_quote|moz-cite-prefix)[^\"]*\".*",
    re.IGNORECASE | re.DOTALL,
)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_HIDDEN_HTML = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML-only message (quoted blocks removed); never rendered as HTML."""
    text = _HIDDEN_HTML.sub("", markup or "")
    text = _QUOTED_HTML.sub("", text)
    text = _BREAKS.sub("\n", text)
    text = html.unescape(_TAGS.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def message_text(message: AnymailInboundMessage) -> str:
    """The new text of ``message``: the ESP's stripped text when it gives one, else the text
    part, else the HTML part as text; then quoted history and signature removed."""
    raw = message.stripped_text or message.text
    if not raw and message.html:
        raw = html_to_text(message.html)
    return strip_quoted(raw or "")


def _single_address(value: Any) -> str | None:
    if value is None or isinstance(value, list):
        return None  # no From, or several (legal, but nobody can be trusted then)
    address = (getattr(value, "addr_spec", "") or "").strip().lower()
    return address if "@" in address else None


def _split(address: str) -> tuple[str, str]:
    local, _sep, domain = address.rpartition("@")
    return local, domain.lower()


def _recipients(message: AnymailInboundMessage, domain: str) -> list[str]:
    """Addresses of ours the message was sent to: the envelope recipient when the ESP gives it
    (what the mail server really delivered to), else the To and Cc headers."""
    candidates: list[str] = []
    if message.envelope_recipient:
        candidates.append(str(message.envelope_recipient))
    else:
        candidates += [a.addr_spec for a in [*message.to, *message.cc] if a.addr_spec]
    ours = []
    for candidate in candidates:
        address = candidate.strip().strip("<>").strip()
        if _split(address)[1] == domain and address not in ours:
            ours.append(address)
    return ours


def message_key(message: AnymailInboundMessage, *, esp_name: str, event_id: Any) -> str:
    """The Message-ID (what deduplicates redeliveries); without one, the ESP's event id, and
    failing that a digest of what identifies the message."""
    message_id = " ".join(str(message.get("Message-ID") or "").split())
    if message_id:
        return message_id[:_MESSAGE_ID_MAX]
    if event_id:
        return f"{esp_name}:{event_id}"[:_MESSAGE_ID_MAX]
    parts = [str(message.get(h) or "") for h in ("From", "To", "Date", "Subject")]
    parts.append(message.text or message.html or "")
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def is_automatic(message: AnymailInboundMessage) -> bool:
    """Out-of-office replies, bounces and list mail (RFC 3834 and common practice): answering
    them would loop, and they are nobody's reply."""
    auto_submitted = str(message.get("Auto-Submitted") or "no").strip().lower()
    if auto_submitted != "no":
        return True
    precedence = str(message.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return True
    return any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "List-Id"))


def sender_authentication_failed(message: AnymailInboundMessage) -> bool:
    """The receiving server said the sender's domain did not authorise this message (SPF fail
    or DMARC fail). Only failures count: a "pass" in a header could have been written by the
    sender."""
    for value in message.get_all("Authentication-Results") or []:
        if re.search(r"\bdmarc\s*=\s*fail\b", str(value), re.IGNORECASE):
            return True
    received_spf = str(message.get("Received-SPF") or "").strip().lower()
    mailgun_spf = str(message.get("X-Mailgun-Spf") or "").strip().lower()
    return received_spf.startswith("fail") or mailgun_spf == "fail"


def message_attachments(
    message: AnymailInboundMessage,
) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The attachments that pass ``uploads.check_upload`` (at most the per-message limit), and
    a Spanish reason for each one dropped. Inline parts (signature logos) are not attachments."""
    kept: list[SimpleUploadedFile] = []
    problems: list[str] = []
    most = helpdesk_settings.MAX_FILES_PER_ENTRY
    for part in message.attachments:
        name = safe_name(part.get_filename())
        try:
            content = part.get_content_bytes() or b""
        except (ValueError, AssertionError, LookupError):
            problems.append(_("«%(name)s» no se pudo leer.") % {"name": name})
            continue
        upload = SimpleUploadedFile(name, content, part.get_content_type())
        try:
            check_upload(upload, limits=upload_limits())
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if len(kept) >= most:
            problems.append(
                _(
                    "«%(name)s» no se adjuntó: se admiten como máximo %(count)d archivos "
                    "por mensaje."
                )
                % {"name": name, "count": most}
            )
            continue
        kept.append(upload)
    return kept, problems


# --- Routing ------------------------------------------------------------------------------------


@dataclass
class InboundOutcome:
    """What became of one message (for the caller's log and for tests)."""

    status: str  # replied | created | duplicate | ignored | answered
    reason: str = ""
    ticket: Ticket | None = None
    dropped: list[str] = field(default_factory=list)


def _digest(value: str, length: int = 24) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:length]


def _audit_ignored(
    *,
    reason: str,
    key: str,
    sender: str | None,
    esp_name: str,
    ticket: Ticket | None = None,
) -> None:
    """Audit a message that was refused for a security reason. The sender appears as its domain
    and a digest (correlatable, without keeping a stranger's address)."""
    payload = {
        "reason": reason,
        "esp": esp_name,
        "message": _digest(key),
        "sender_domain": _split(sender)[1] if sender else "",
        "sender_digest": _digest(sender) if sender else "",
    }
    if ticket is not None:
        audit_record(
            action="ticket.inbound_ignored",
            obj=ticket,
            role="system",
            scope=_scope_label(ticket.queue),
            payload={"number": ticket.number, **payload},
        )
    else:
        audit_record(
            action="helpdesk.inbound_ignored",
            chain_key=_INBOUND_CHAIN,
            object_type="helpdesk.inboundemail",
            object_id=_digest(key),
            role="system",
            payload=payload,
        )


def _tell(
    *,
    person: Person,
    user: User | None,
    template: str,
    key: str,
    context: dict[str, Any],
    link: str = "",
) -> None:
    """One email to the sender through the outbox (idempotent on ``key``)."""
    notify(
        recipient=person,
        user=user,
        template=template,
        context=context,
        channels=("email",),
        idempotency_key=f"helpdesk:inbound:{key}",
        link=link,
    )


def _body_for(text: str, has_files: bool) -> str:
    text = Truncator(text).chars(helpdesk_settings.MAX_BODY_CHARS)
    if not text and has_files:
        return _("(Archivos adjuntos enviados por correo.)")
    return text


def _follow_merges(ticket: Ticket) -> Ticket:
    """A merged ticket's conversation goes on in the ticket it was merged into (same requester
    by construction)."""
    for _hop in range(5):
        if ticket.status != TicketStatus.MERGED or ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.select_related("queue", "requester__person").get(
            pk=ticket.merged_into_id
        )
    return ticket


def _route_reply(
    *,
    message: AnymailInboundMessage,
    ids: tuple[int, int],
    sender: str,
    key: str,
    esp_name: str,
) -> InboundOutcome:
    ticket_id, person_id = ids
    ticket = (
        Ticket.objects.select_related("queue", "service", "requester__person")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or ticket.requester.person_id != person_id:
        _audit_ignored(reason="unknown_ticket", key=key, sender=sender, esp_name=esp_name)
        return InboundOutcome("ignored", "unknown_ticket")
    requester = ticket.requester
    if sender != (requester.person.email or "").strip().lower():
        _audit_ignored(
            reason="from_mismatch", key=key, sender=sender, esp_name=esp_name, ticket=ticket
        )
        return InboundOutcome("ignored", "from_mismatch")
    ticket = _follow_merges(ticket)
    files, dropped = message_attachments(message)
    body = _body_for(message_text(message), bool(files))
    if not body:
        logger.info("inbound: empty reply to %s ignored", ticket.number)
        return InboundOutcome("ignored", "empty", ticket=ticket)
    try:
        ticket_reply(
            actor=requester,
            ticket=ticket,
            body=body,
            files=files,
            channel=Channel.EMAIL,
            message_id=key,
        )
    except PermissionDenied:  # the account was deactivated
        _audit_ignored(
            reason="requester_inactive", key=key, sender=sender, esp_name=esp_name, ticket=ticket
        )
        return InboundOutcome("ignored", "requester_inactive", ticket=ticket)
    except Conflict as exc:  # closed, or resolved too long ago: say so, and how to go on
        _tell(
            person=requester.person,
            user=requester,
            template="helpdesk/inbound_refused",
            key=f"refused:{_digest(key, 32)}",
            context={"ticket_number": ticket.number, "reason": exc.reason},
            link=ticket_link_path(ticket),
        )
        return InboundOutcome("answered", exc.code, ticket=ticket)
    if dropped:
        _tell(
            person=requester.person,
            user=requester,
            template="helpdesk/inbound_attachments_dropped",
            key=f"dropped:{_digest(key, 32)}",
            context={"ticket_number": ticket.number, "problems": dropped},
            link=ticket_link_path(ticket),
        )
    return InboundOutcome("replied", ticket=ticket, dropped=dropped)


def _email_service(queue: Queue, user: User) -> Service | None:
    """The service an emailed request is filed under: the first active one of the queue that
    asks nothing (no required field) and starts no workflow, and that ``user`` may request."""
    services = (
        Service.objects.filter(queue=queue, is_active=True, workflow_key="")
        .exclude(fields__required=True)
        .select_related("queue", "sla_policy")
        .order_by("order", "name")
    )
    return next((s for s in services if can_request_service(user, s)), None)


def _contact_person(sender: str, message: AnymailInboundMessage) -> Person:
    """The person an answer to ``sender`` is addressed to: the one on file with that address,
    or a contact record without DUI (as registration does for applicants)."""
    existing = Person.objects.filter(email=sender).order_by("pk").first()
    if existing is not None:
        return existing
    display = " ".join(str(getattr(message.from_email, "display_name", "") or "").split())
    first, _sep, last = display.partition(" ")
    return person_create(
        first_names=Truncator(first or _split(sender)[0]).chars(100),
        last_names=Truncator(last or _("(remitente por correo)")).chars(100),
        email=sender,
    )


def _registration_path() -> str:
    try:
        return reverse("registration:register")
    except NoReverseMatch:
        return ""


def _route_new_ticket(
    *,
    message: AnymailInboundMessage,
    queue: Queue,
    sender: str,
    key: str,
) -> InboundOutcome:
    accounts = list(
        User.objects.filter(person__email=sender, is_active=True).select_related("person")[:2]
    )
    user = accounts[0] if len(accounts) == 1 else None
    if user is None or not email_is_verified(user.person):
        try:
            person = user.person if user is not None else _contact_person(sender, message)
        except ValidationError:  # an address Django would not store: nobody to answer
            logger.info("inbound: unusable sender address; message ignored")
            return InboundOutcome("ignored", "bad_sender")
        today = timezone.localdate().isoformat()
        _tell(
            person=person,
            user=user,
            template="helpdesk/inbound_register",
            # One answer per address and day, whatever arrives: no loops, little backscatter.
            key=f"register:{_digest(sender)}:{today}",
            context={"queue_name": queue.name},
            link=_registration_path(),
        )
        return InboundOutcome("answered", "not_verified")
    service = _email_service(queue, user)
    if service is None:
        _tell(
            person=user.person,
            user=user,
            template="helpdesk/inbound_use_portal",
            key=f"portal:{_digest(key, 32)}",
            context={"queue_name": queue.name},
        )
        return InboundOutcome("answered", "no_email_service")
    files, dropped = message_attachments(message)
    body = _body_for(message_text(message), bool(files)) or _("(Mensaje sin texto.)")
    subject = Truncator(" ".join(str(message.subject or "").split())).chars(
        helpdesk_settings.MAX_SUBJECT_CHARS
    )
    try:
        with transaction.atomic():
            ticket = ticket_create(
                requester=user,
                service=service,
                data={},
                description=body,
                subject=subject,
                attachments=files,
                channel=Channel.EMAIL,
                message_id=key,
            )
    except IntegrityError:
        # The same message delivered twice at once: the other delivery created the ticket.
        if TicketEntry.objects.filter(message_id=key).exists():
            return InboundOutcome("duplicate")
        raise
    if dropped:
        _tell(
            person=user.person,
            user=user,
            template="helpdesk/inbound_attachments_dropped",
            key=f"dropped:{_digest(key, 32)}",
            context={"ticket_number": ticket.number, "problems": dropped},
            link=ticket_link_path(ticket),
        )
    return InboundOutcome("created", ticket=ticket, dropped=dropped)


@transaction.atomic
def inbound_email_receive(
    *, message: AnymailInboundMessage, esp_name: str = "", event_id: Any = None
) -> InboundOutcome:
    """Route one inbound message (see the module docstring). Safe to call again with the same
    message: it is recognised by its Message-ID and nothing happens twice."""
    domain = inbound_domain()
    if not domain:
        logger.warning("inbound: SIGES_INBOUND_DOMAIN is not set; message ignored")
        return InboundOutcome("ignored", "disabled")
    key = message_key(message, esp_name=esp_name, event_id=event_id)
    if TicketEntry.objects.filter(message_id=key).exists():
        return InboundOutcome("duplicate")
    if is_automatic(message) or message.spam_detected:
        logger.info("inbound: automatic or spam message ignored (%s)", _digest(key))
        return InboundOutcome("ignored", "automatic")
    sender = _single_address(message.from_email)
    recipients = _recipients(message, domain)
    if sender is None or not recipients:
        logger.info("inbound: message without a usable sender or recipient ignored")
        return InboundOutcome("ignored", "no_sender" if sender is None else "no_recipient")
    if sender_authentication_failed(message):
        _audit_ignored(reason="sender_not_authenticated", key=key, sender=sender, esp_name=esp_name)
        return InboundOutcome("ignored", "sender_not_authenticated")

    queue_parts = {_split(address)[0].lower() for address in recipients}
    for address in recipients:
        try:
            ids = read_reply_local_part(_split(address)[0])
        except ForgedTokenError:
            _audit_ignored(reason="forged_token", key=key, sender=sender, esp_name=esp_name)
            return InboundOutcome("ignored", "forged_token")
        if ids is not None:
            return _route_reply(message=message, ids=ids, sender=sender, key=key, esp_name=esp_name)
    queue = (
        Queue.objects.filter(email_local_part__in=queue_parts, is_active=True)
        .order_by("pk")
        .first()
    )
    if queue is None:
        logger.info("inbound: no queue or ticket for the recipient; message ignored")
        return InboundOutcome("ignored", "unknown_recipient")
    return _route_new_ticket(message=message, queue=queue, sender=sender, key=key)


def on_anymail_inbound(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail's ``inbound`` signal → ``inbound_email_receive`` (connected in apps.py)."""
    outcome = inbound_email_receive(
        message=event.message, esp_name=esp_name, event_id=getattr(event, "event_id", None)
    )
    logger.info("inbound %s message: %s %s", esp_name, outcome.status, outcome.reason)


def reply_to_for(ticket: Ticket, user: User) -> str:
    """The Reply-To of a ticket email to ``user``: the signed address when ``user`` is the
    requester (staff answer on the web)."""
    if user.pk != ticket.requester_id:
        return ""
    return reply_address(ticket=ticket, person=user.person)
