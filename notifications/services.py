"""Every write of the notifications app: ``notify`` (into the outbox), the relay that sends the
outbox, inbox read marks, retries asked for by an operator, and what the ESP's tracking webhooks
report (deliveries, bounces, complaints).

Delivery guarantee of the relay (see also docs/platform.md, "Notifications"):

- A message is claimed (pending → sending, claim token, attempt counted) in a short transaction
  under a row lock (``SKIP LOCKED`` on PostgreSQL) whose UPDATE is also conditional on the old
  status, so two relays never claim one row; it is sent outside any transaction and finished
  (sent / retry / failed) only by the holder of its claim token. Running the relay twice, or two
  relays at once, sends every message once.
- The one ambiguous case is a worker that dies after the ESP accepted a message but before
  "sent" was written. After ``SENDING_TIMEOUT_SECONDS`` such a row is, by default, sent again
  (at-least-once) with the *same* Message-ID header, derived from its idempotency key, so
  receivers and ESPs that de-duplicate by Message-ID show it once. Operators who prefer
  at-most-once set ``NOTIFICATIONS_STALE_SENDING_POLICY = "fail"``: the row is marked failed and a
  person decides ("retry now" in the admin).
"""

import hashlib
import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from core.accounts.emails import mask_email
from core.accounts.models import Person, User
from core.audit.services import audit_record
from core.precompiled import PrecompiledInsert

from .choices import Channel, OutboxStatus, StaleSendingPolicy
from .conf import notifications_settings as conf
from .models import DeliveryEvent, OutboxMessage
from .rendering import (
    TEMPLATE_NAME,
    Rendered,
    build_context,
    mask_duis,
    render_email,
    render_in_app,
    user_timezone,
)
from .selectors import inbox_queryset

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_MAX = 150
# What is left of a sensitive message (it carried a one-time access link) once the relay is done
# with it: sent, or given up on for good (or never sendable: skipped).
WITHDRAWN_BODY = gettext_lazy("[Contenido retirado: contenía un enlace de acceso de un solo uso.]")
# Relay runs stop claiming new batches after this many seconds (the task's hard limit is higher).
RELAY_TIME_BUDGET_SECONDS = 120


# --- notify: writing the outbox -------------------------------------------------------------


def _is_internal_link(link: str) -> bool:
    # Only paths inside SIGES: an inbox must not become a way to send people elsewhere.
    return link.startswith("/") and not link.startswith("//") and "\\" not in link


def _insert_once(message: OutboxMessage) -> OutboxMessage:
    """Insert, or return the row another transaction inserted with the same key meanwhile."""
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = OutboxMessage.objects.filter(idempotency_key=message.idempotency_key).first()
        if existing is None:
            raise
        return existing
    return message


def _skip_reason(recipient: Person) -> str:
    if not recipient.email:
        return gettext("La persona no tiene correo electrónico registrado.")
    return gettext("El correo de la persona rebotó o fue reportado como spam el %(date)s.") % {
        "date": date_format(timezone.localtime(recipient.email_bounced_at), "SHORT_DATE_FORMAT")
    }


def _email_row(
    *,
    recipient: Person,
    to_address: str,
    rendered: Rendered,
    common: dict[str, Any],
    now: datetime,
) -> OutboxMessage:
    if to_address:
        # An address given by the caller (a former one) is written to whatever the person's
        # current address is; its bounce flag is about the current one.
        return OutboxMessage(
            **common,
            channel=Channel.EMAIL,
            status=OutboxStatus.PENDING,
            to_address=to_address,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            next_attempt_at=now,
        )
    if recipient.has_usable_email:
        return OutboxMessage(
            **common,
            channel=Channel.EMAIL,
            status=OutboxStatus.PENDING,
            to_address=recipient.email,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            next_attempt_at=now,
        )
    with translation.override(settings.LANGUAGE_CODE):
        reason = _skip_reason(recipient)
    row = OutboxMessage(
        **common,
        channel=Channel.EMAIL,
        status=OutboxStatus.SKIPPED,
        to_address=recipient.email,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        last_error=reason,
    )
    # Never sent: nothing will need its secret link.
    _withdraw_secret(row)
    return row


def _withdraw_secret(message: OutboxMessage) -> list[str]:
    """Replace the bodies and link of a sensitive message by a placeholder, once nothing will
    send it any more; returns the fields to save (none for a message that is not sensitive)."""
    if not message.sensitive:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        placeholder = str(WITHDRAWN_BODY)
    if message.body_text == placeholder and not message.link:
        return []
    message.body_text = placeholder
    message.body_html = placeholder if message.body_html else ""
    message.link = ""
    return ["body_text", "body_html", "link"]


def notify(
    *,
    recipient: Person,
    template: str,
    context: dict[str, Any],
    channels: Sequence[str] = (Channel.EMAIL, Channel.IN_APP),
    user: User | None = None,
    idempotency_key: str | None = None,
    link: str = "",
    reply_to: str = "",
    to_address: str = "",
    sensitive: bool = False,
) -> list[OutboxMessage]:
    """Write one outbox row per channel for ``recipient``, in the caller's transaction.

    Templates are rendered now (Spanish, the recipient's time zone), so what is sent is what was
    true when the change happened. The relay is kicked after commit; if that fails (broker down)
    the periodic relay sends the row later. When the person has no usable email address the
    email row is written as ``skipped`` with the reason in ``last_error`` — check
    ``[m for m in result if m.status == "skipped"]``. Calling again with the same
    ``idempotency_key`` returns the rows written the first time and writes nothing.

    ``link`` is a path inside SIGES (``/tramites/42/``): in-app messages link to it and email
    templates get ``link_url`` (absolute).

    ``to_address`` sends the email to that address instead of the person's current one (a
    notice to an address that was just replaced). ``sensitive=True`` marks an email carrying a
    secret link (verification, password reset): its bodies and link are withdrawn once the relay
    has sent it or given up on it, and the admin never shows them. Email only: a secret link must
    not sit in an inbox.
    """
    if not TEMPLATE_NAME.match(template):
        raise ValueError(f"invalid notification template name: {template!r}")
    wanted = list(dict.fromkeys(channels))
    if not wanted or not set(wanted) <= set(Channel.values):
        raise ValueError(f"invalid channels: {channels!r}")
    if link and not _is_internal_link(link):
        raise ValueError("notification links must be paths inside SIGES")
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
        raise ValueError("idempotency_key must have 1 to 150 characters")
    if (sensitive or to_address) and wanted != [Channel.EMAIL]:
        raise ValueError("sensitive messages and explicit addresses are for the email channel only")
    if user is None:
        user = getattr(recipient, "user", None)
    elif user.person_id != recipient.pk:
        raise ValueError("user must be the recipient's account")
    # No savepoint of its own inside the caller's transaction (a keyed insert gets one, for
    # the race it settles); outside any transaction this opens one.
    with transaction.atomic(savepoint=False):
        return _write_rows(
            recipient=recipient,
            template=template,
            context=context,
            wanted=wanted,
            user=user,
            idempotency_key=idempotency_key,
            link=link,
            reply_to=reply_to,
            to_address=to_address,
            sensitive=sensitive,
        )


_insert_messages = PrecompiledInsert(OutboxMessage, deferrable=True)


def _write_rows(
    *,
    recipient: Person,
    template: str,
    context: dict[str, Any],
    wanted: list[str],
    user: User | None,
    idempotency_key: str | None,
    link: str,
    reply_to: str,
    to_address: str,
    sensitive: bool,
) -> list[OutboxMessage]:
    base_key = idempotency_key or uuid.uuid4().hex
    keys = {channel: f"{base_key}:{channel}" for channel in wanted}
    existing: dict[str, OutboxMessage] = {}
    if idempotency_key is not None:
        existing = {
            message.channel: message
            for message in OutboxMessage.objects.filter(idempotency_key__in=keys.values())
        }

    now = timezone.now()
    full_context = build_context(recipient=recipient, context=context, link=link)
    tz = user_timezone(user)
    messages: list[OutboxMessage] = []
    for channel in wanted:
        if channel in existing:
            messages.append(existing[channel])
            continue
        common = {
            "recipient": recipient,
            "user": user,
            "template": template,
            "idempotency_key": keys[channel],
            "link": link,
            "sensitive": sensitive,
        }
        if channel == Channel.EMAIL:
            rendered = render_email(template, full_context, tz=tz)
            row = _email_row(
                recipient=recipient,
                to_address=to_address,
                rendered=rendered,
                common=common,
                now=now,
            )
            row.reply_to = reply_to
        else:
            rendered = render_in_app(template, full_context, tz=tz)
            row = OutboxMessage(
                **common,
                channel=Channel.IN_APP,
                # Writing the row is the delivery: it is in the inbox as soon as this commits.
                status=OutboxStatus.DELIVERED,
                delivered_at=now,
                subject=rendered.subject,
                body_text=rendered.text,
            )
        messages.append(row)
    fresh = [row for row in messages if row.pk is None]
    if idempotency_key is None:
        # Fresh random keys cannot collide: all rows in one INSERT (compiled once per number of
        # rows, core.precompiled), without savepoints.
        _insert_messages.insert_many(fresh)
    else:
        written = {id(row): _insert_once(row) for row in fresh}
        messages = [written.get(id(row), row) for row in messages]
    if any(row.status == OutboxStatus.PENDING for row in fresh):
        kick_relay_after_commit()
    return messages


def _transaction_start(connection: Any) -> tuple[bool, str | None]:
    """``(known, savepoint)``: the savepoint that opened the current application transaction
    (``None`` when it is the real, outermost one), or ``known=False`` if it cannot be told.

    In production that is always the outermost block. A Django test wraps each test in atomic
    blocks of its own, marked ``_from_testcase`` (Django's ``durable`` check reads the same
    mark); the application's transaction is then the first block below them.
    """
    for index, block in enumerate(connection.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            if index == 0:
                return True, None
            savepoint = connection.savepoint_ids[index - 1]
            return savepoint is not None, savepoint
    return False, None


def kick_relay_after_commit() -> None:
    """Queue one relay run when the current transaction commits, however many messages it wrote.

    The relay sends every due row, so one run per transaction is enough; a kick per message put
    a task (and, in a worker, a connection) per notification on the queue. A kick registered
    earlier in the same transaction runs on the same commit, and anything that rolls it back
    (Django drops the callbacks of a savepoint that rolls back) rolls this message back too, or
    only this message, which costs one needless run at most; so it is reused.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        known, start = _transaction_start(connection)
        if known and any(
            callback is kick_relay and (start is None or start in savepoints)
            for savepoints, callback, _robust in connection.run_on_commit
        ):
            return
    transaction.on_commit(kick_relay, robust=True)


# The mark of a relay run queued and not yet started (see ``kick_relay``). It lives no longer
# than the task may wait in the queue (``tasks.outbox_relay``'s ``expires``), so a run that is
# lost on its way (a worker restarted with the queue purged) holds kicks back for a minute at
# most; the periodic run, every 30 s, clears it too.
RELAY_PENDING_KEY = "notifications:relay-pending"
RELAY_PENDING_SECONDS = 60


def _shared_cache() -> BaseCache | None:
    """The cache the web processes share with the workers, where the pending-run mark lives;
    ``None`` for a cache of this process only (a worker could never clear the mark there)."""
    store = caches["default"]
    if isinstance(store, LocMemCache | DummyCache):
        return None
    return store


def _pending_mark_store() -> BaseCache | None:
    """Where a kick sets the mark: the shared cache, unless tasks run inline (the kick is then
    the run itself, and nothing is queued to wait for)."""
    from .tasks import outbox_relay

    if outbox_relay.app.conf.task_always_eager:
        return None
    return _shared_cache()


def kick_relay() -> None:
    """Queue a relay run now (after commit), unless one is already queued and not yet started.

    That run will see this transaction's messages: the relay clears the mark before it reads
    the outbox (``relay_started``), and the mark was seen after this commit; so a commit skips
    the kick only when a run that has not yet read anything is on its way. Under load this keeps
    the queue at one waiting run instead of one per commit, and spares each request the broker
    message (a cache ``add`` costs a fraction of it).

    A broker that is down must not turn a committed business change into an error: the periodic
    run sends the message instead. A cache that is down only loses the saving: the kick is sent.
    """
    from .tasks import outbox_relay

    store = _pending_mark_store()
    if store is not None:
        try:
            if not store.add(RELAY_PENDING_KEY, 1, timeout=RELAY_PENDING_SECONDS):
                return
        except Exception:
            logger.warning(
                "outbox: the cache is unreachable; kicking the relay anyway", exc_info=True
            )
            store = None
    try:
        outbox_relay.delay()
    except Exception:
        logger.warning(
            "outbox: could not queue the relay (broker unreachable?); the periodic run will "
            "send the pending messages",
            exc_info=True,
        )
        if store is not None:
            # No run is on its way: the next commit must try again.
            with suppress(Exception):
                store.delete(RELAY_PENDING_KEY)


def relay_started() -> None:
    """Clear the pending-run mark: from now on a commit must queue a run of its own, since this
    one may already have read the outbox. Called before the relay reads anything, in whatever
    process runs it (a worker's own settings may say "inline": it clears the mark all the same)."""
    store = _shared_cache()
    if store is not None:
        try:
            store.delete(RELAY_PENDING_KEY)
        except Exception:
            # The mark expires by itself; until then the periodic run covers the kicks.
            logger.warning("outbox: could not clear the pending-run mark", exc_info=True)


# --- notices about a person's account ------------------------------------------------------


def person_email_change_notify(
    *, person: Person, old_email: str, changed_at: datetime, change_key: str
) -> list[OutboxMessage]:
    """Tell ``old_email`` that it stopped being ``person``'s address (docs/security.md §1.6,
    ASVS 6.3.7): when, the new address masked, and to call the help desk if they did not ask for
    it. No link.

    Written even when the old address had bounced: an access-recovery case replaces exactly such
    an address, and that is the change its owner most needs to hear about. ``change_key``
    identifies the change (one notice per change)."""
    return notify(
        recipient=person,
        template="accounts/email_changed",
        context={"changed_at": changed_at, "new_email_masked": mask_email(person.email)},
        channels=(Channel.EMAIL,),
        to_address=old_email,
        idempotency_key=f"person_email_changed:{change_key}",
    )


def second_factor_change_notify(
    *, user: User, change: str, changed_at: datetime, by_administrator: bool, change_key: str
) -> list[OutboxMessage]:
    """Tell ``user`` that their second factor was activated, removed or got new recovery codes
    (docs/security.md §1.7, ASVS 6.3.7), by email and in the inbox. No link."""
    return notify(
        recipient=user.person,
        user=user,
        template="accounts/second_factor_changed",
        context={"change": change, "changed_at": changed_at, "by_administrator": by_administrator},
        idempotency_key=f"second_factor_changed:{change_key}",
    )


# --- the relay -----------------------------------------------------------------------------


@dataclass
class RelayReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    stale: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _locked(queryset: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset.select_for_update()


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the ``attempts``-th failed attempt."""
    seconds = conf.RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.RETRY_MAX_SECONDS))


def describe_error(exc: BaseException) -> str:
    """A short, secret-free description for ``last_error``: the exception class and the first
    line of its message (ESP and SMTP errors carry status codes, never credentials)."""
    first_line = (str(exc).strip().splitlines() or [""])[0]
    text = type(exc).__name__ + (f": {first_line}" if first_line else "")
    return mask_duis(text)[:300]


def is_permanent(exc: BaseException) -> bool:
    """Errors that another attempt cannot fix: the address itself is refused or invalid."""
    if isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return False


def _recover_stale(*, now: datetime) -> int:
    """Rows left in "sending" by a worker that died: requeue (at-least-once, same Message-ID) or
    fail them (at-most-once), per ``STALE_SENDING_POLICY``."""
    cutoff = now - timedelta(seconds=conf.SENDING_TIMEOUT_SECONDS)
    with transaction.atomic():
        stale = list(
            _locked(
                OutboxMessage.objects.filter(
                    status=OutboxStatus.SENDING, claimed_at__lt=cutoff
                ).order_by("pk")
            )[: conf.RELAY_BATCH_SIZE]
        )
        for message in stale:
            error = "Interrupted: the worker stopped while sending; the ESP may have accepted it"
            withdrawn: list[str] = []
            if (
                conf.STALE_SENDING_POLICY == StaleSendingPolicy.RETRY
                and message.attempts < conf.MAX_ATTEMPTS
            ):
                message.requeue_stale(error=error, now=now)
            else:
                message.give_up(error=error)
                withdrawn = _withdraw_secret(message)
            message.save(update_fields=["status", "last_error", "next_attempt_at", *withdrawn])
            logger.warning(
                "outbox: message %s was stuck in sending since %s; now %s",
                message.pk,
                message.claimed_at.isoformat(),
                message.status,
            )
    return len(stale)


def _claim_batch(*, token: uuid.UUID, now: datetime) -> list[OutboxMessage]:
    with transaction.atomic():
        due = _locked(
            OutboxMessage.objects.filter(
                channel=Channel.EMAIL, status=OutboxStatus.PENDING, next_attempt_at__lte=now
            ).order_by("next_attempt_at", "pk")
        )[: conf.RELAY_BATCH_SIZE]
        claimed = []
        for message in due:
            message.claim(token=token, now=now)
            try:
                message.save(update_fields=["status", "claim_token", "claimed_at", "attempts"])
            except ConcurrentTransition:
                continue  # claimed by another relay between our read and our write
            claimed.append(message)
    return claimed


def _finish(pk: int, token: uuid.UUID, apply: Callable[[OutboxMessage], list[str] | None]) -> bool:
    """Apply ``apply`` to the row if this relay still holds its claim; False if it does not
    (the row was recovered as stale and possibly re-claimed by someone else)."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=pk, claim_token=token).first()
        if message is None:
            logger.warning("outbox: lost the claim on message %s before finishing it", pk)
            return False
        fields = apply(message)
        if fields:
            message.save(update_fields=fields)
    return True


_WEBHOOK_STATES = (OutboxStatus.DELIVERED, OutboxStatus.BOUNCED, OutboxStatus.COMPLAINED)


def _record_sent(pk: int, token: uuid.UUID, *, esp_message_id: str, now: datetime) -> bool:
    def apply(message: OutboxMessage) -> list[str] | None:
        if message.status == OutboxStatus.SENDING:
            message.mark_sent(now=now, esp_message_id=esp_message_id)
            return ["status", "sent_at", "esp_message_id", "last_error", *_withdraw_secret(message)]
        if message.status in _WEBHOOK_STATES:
            # The ESP's webhook overtook us (matched through the metadata key): keep its status.
            message.sent_at = now
            message.esp_message_id = message.esp_message_id or esp_message_id
            return ["sent_at", "esp_message_id", *_withdraw_secret(message)]
        return None

    return _finish(pk, token, apply)


def _record_failure(
    pk: int, token: uuid.UUID, *, exc: BaseException, now: datetime, report: RelayReport
) -> None:
    error = describe_error(exc)
    permanent = is_permanent(exc)

    def apply(message: OutboxMessage) -> list[str] | None:
        if message.status != OutboxStatus.SENDING:
            return None
        if permanent or message.attempts >= conf.MAX_ATTEMPTS:
            message.give_up(error=error)
            report.failed += 1
            return ["status", "last_error", "next_attempt_at", *_withdraw_secret(message)]
        # A retry needs the body: it is kept until the last attempt.
        message.schedule_retry(error=error, next_attempt_at=now + retry_delay(message.attempts))
        report.retried += 1
        return ["status", "last_error", "next_attempt_at"]

    _finish(pk, token, apply)
    logger.warning("outbox: sending message %s failed: %s", pk, error)


def _esp_message_id(email: mail.EmailMessage) -> str:
    status = getattr(email, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    if isinstance(message_id, set):
        message_id = next(iter(message_id)) if len(message_id) == 1 else None
    return "" if message_id is None else str(message_id)[:255]


def _build_email(message: OutboxMessage, connection: Any) -> mail.EmailMultiAlternatives:
    email = mail.EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Message-ID": message.message_id_header},
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    # anymail sends this to the ESP, whose webhooks echo it back: it finds the row even when a
    # tracking event arrives before "sent" (and the ESP's message id) was recorded.
    email.metadata = {"outbox_key": message.idempotency_key}
    return email


def _send_batch(
    batch: list[OutboxMessage], *, token: uuid.UUID, now: datetime, report: RelayReport
) -> bool:
    """Send one claimed batch over one connection. False when the connection cannot even be
    opened (every row goes back with a back-off and the run stops)."""
    email_connection = mail.get_connection()
    try:
        email_connection.open()
    except Exception as exc:
        for message in batch:
            _record_failure(message.pk, token, exc=exc, now=now, report=report)
        return False
    try:
        for message in batch:
            email = _build_email(message, email_connection)
            try:
                accepted = email.send()
                if not accepted:
                    raise smtplib.SMTPException("the email backend accepted no recipient")
            except Exception as exc:
                _record_failure(message.pk, token, exc=exc, now=now, report=report)
                continue
            if _record_sent(message.pk, token, esp_message_id=_esp_message_id(email), now=now):
                report.sent += 1
    finally:
        with suppress(Exception):
            email_connection.close()
    return True


def outbox_relay_run(*, now: datetime | None = None) -> RelayReport:
    """Send every due email in the outbox (in batches, bounded in time). Safe to run any number
    of times, concurrently too. ``now`` is for tests (it moves the clock forward)."""
    relay_started()
    report = RelayReport()
    report.stale = _recover_stale(now=now or timezone.now())
    started = time.monotonic()
    for _ in range(conf.RELAY_MAX_BATCHES):
        token = uuid.uuid4()
        batch = _claim_batch(token=token, now=now or timezone.now())
        if not batch:
            break
        if not _send_batch(batch, token=token, now=now or timezone.now(), report=report):
            break
        if len(batch) < conf.RELAY_BATCH_SIZE:
            break
        if time.monotonic() - started > RELAY_TIME_BUDGET_SECONDS:
            break
    if report.sent or report.retried or report.failed or report.stale:
        logger.info("outbox relay: %s", report.as_dict())
    return report


@transaction.atomic
def outbox_retry(*, actor: User, messages: Iterable[OutboxMessage]) -> int:
    """An operator asks to send failed (or backed-off) emails now, with fresh attempts.

    Rows in any other state are left alone; returns how many were requeued.
    """
    if not actor.has_perm("notifications.change_outboxmessage"):
        raise PermissionDenied
    ids = sorted(message.pk for message in messages)
    now = timezone.now()
    count = 0
    for message in (
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=ids, channel=Channel.EMAIL)
        .order_by("pk")
    ):
        if not can_proceed(message.retry_now):
            continue
        if message.sensitive and message.status == OutboxStatus.FAILED:
            # Its body (and one-time link) was withdrawn when the relay gave up: nothing is left
            # to send, and the person can ask for a new link.
            continue
        from_state = message.status
        message.retry_now(now=now)
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            action="notification.retry_requested",
            obj=message,
            actor=actor,
            from_state=from_state,
            to_state=message.status,
        )
        count += 1
    if count:
        kick_relay_after_commit()
    return count


# --- the inbox -----------------------------------------------------------------------------


@transaction.atomic
def inbox_mark_read(*, user: User, message: OutboxMessage) -> OutboxMessage:
    if message.channel != Channel.IN_APP or message.recipient_id != user.person_id:
        raise Http404
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def inbox_mark_all_read(*, user: User) -> int:
    return inbox_queryset(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- delivery tracking (anymail webhooks) ----------------------------------------------------


def _synthetic_event_id(esp_name: str, event: AnymailTrackingEvent) -> str:
    # Some ESPs give no id for some events (Postmark deliveries): derive one from what identifies
    # the event, so the same event posted twice still collides.
    parts = [
        esp_name,
        str(event.message_id or ""),
        str(event.event_type or ""),
        event.timestamp.isoformat() if event.timestamp else "",
        str(event.recipient or ""),
    ]
    return "sha256:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _find_message(event: AnymailTrackingEvent) -> OutboxMessage | None:
    queryset = OutboxMessage.objects.select_for_update().filter(channel=Channel.EMAIL)
    if event.message_id:
        message = queryset.filter(esp_message_id=str(event.message_id)).first()
        if message is not None:
            return message
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    key = metadata.get("outbox_key")
    if key:
        return queryset.filter(idempotency_key=str(key)).first()
    return None


def _classify(event: AnymailTrackingEvent) -> str | None:
    if event.event_type == EventType.DELIVERED:
        return OutboxStatus.DELIVERED
    if event.event_type == EventType.BOUNCED:
        return OutboxStatus.BOUNCED
    if event.event_type == EventType.COMPLAINED:
        return OutboxStatus.COMPLAINED
    if event.event_type == EventType.REJECTED:
        # Refused by the ESP because of an earlier bounce or complaint, or an invalid address.
        if event.reject_reason in (RejectReason.BOUNCED, RejectReason.INVALID):
            return OutboxStatus.BOUNCED
        if event.reject_reason == RejectReason.SPAM:
            return OutboxStatus.COMPLAINED
    return None


def _minimal_raw(event: AnymailTrackingEvent) -> dict[str, Any]:
    return {
        "message_id": str(event.message_id or "")[:255],
        "reject_reason": event.reject_reason or "",
        "description": mask_duis(str(event.description or ""))[:200],
        "mta_response": mask_duis(str(event.mta_response or ""))[:300],
    }


@transaction.atomic
def person_email_mark_bounced(
    *, person: Person, at: datetime, reason: str, message: OutboxMessage | None = None
) -> bool:
    """Flag the person's address as unusable (no more emails until it changes). False if it
    already was flagged."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.email_bounced_at is not None:
        return False
    locked.email_bounced_at = at
    locked.save(update_fields=["email_bounced_at"])
    person.email_bounced_at = at
    audit_record(
        action="person.email_bounced",
        obj=locked,
        payload={"reason": reason, "outbox_message_id": message.pk if message else None},
    )
    return True


@transaction.atomic
def delivery_event_record(*, esp_name: str, event: AnymailTrackingEvent) -> DeliveryEvent | None:
    """Record one tracking event and act on it; ``None`` when it was already recorded (ESPs
    retry webhooks) so nothing happens twice."""
    event_id = str(event.event_id or "") or _synthetic_event_id(esp_name, event)
    message = _find_message(event)
    occurred_at = event.timestamp or timezone.now()
    try:
        with transaction.atomic():
            record = DeliveryEvent.objects.create(
                esp_name=esp_name[:40],
                event_id=event_id[:255],
                message=message,
                event_type=str(event.event_type or "")[:30],
                occurred_at=occurred_at,
                raw=_minimal_raw(event),
            )
    except IntegrityError:
        logger.info("anymail: duplicate %s event %s ignored", esp_name, event_id)
        return None
    if message is None:
        return record

    outcome = _classify(event)
    reason = f"{event.event_type}: {event.reject_reason or ''}".strip(": ")
    # A row still "sending" (its worker died after the ESP took it) is done with too: a
    # sensitive one loses its body here, or when the relay records the send, whichever is first.
    if outcome == OutboxStatus.DELIVERED and can_proceed(message.mark_delivered):
        message.mark_delivered(now=occurred_at)
        message.save(update_fields=["status", "delivered_at", *_withdraw_secret(message)])
    elif outcome == OutboxStatus.BOUNCED and can_proceed(message.mark_bounced):
        message.mark_bounced(reason=reason)
        message.save(update_fields=["status", "last_error", *_withdraw_secret(message)])
    elif outcome == OutboxStatus.COMPLAINED and can_proceed(message.mark_complained):
        message.mark_complained(reason=reason)
        message.save(update_fields=["status", "last_error", *_withdraw_secret(message)])

    if outcome in (OutboxStatus.BOUNCED, OutboxStatus.COMPLAINED):
        person = message.recipient
        address = str(event.recipient or message.to_address).strip().lower()
        # Only if the address that bounced is still the person's (they may have changed it).
        if address and address == person.email.strip().lower():
            person_email_mark_bounced(person=person, at=occurred_at, reason=reason, message=message)
    return record
