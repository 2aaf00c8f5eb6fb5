"""Every write of account registration: submit, verify the email, activate (at once or after an
identity review), expire, and accepting the first-login notice ("aviso de conformidad").

No enumeration (docs/security.md §1.3, ASVS 6.3.8): ``registration_submit`` does the same work and
gives the caller the same nothing whether the DUI is new or already has an account; in the
second case the account owner, not the applicant, gets an email.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.choices import Role, ScopeKind
from core.accounts.dui import normalize_dui
from core.accounts.models import Person, User
from core.accounts.services import (
    person_create,
    person_email_mark_verified,
    person_update,
    role_grant,
    user_create,
)
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.links import LinkError, link_state, link_target, token_new
from core.workflow import transition
from notifications.services import notify
from workflows.accounts_review.choices import ReviewKind
from workflows.accounts_review.services import review_case_open

from .choices import PENDING_STATES, RegistrationStatus
from .conf import verification_ttl
from .models import RegistrationRequest
from .validation import clean_time_zone, normalized_name

S = RegistrationStatus


def verification_path(registration: RegistrationRequest, raw_token: str) -> str:
    return reverse("registration:verify", args=[registration.public_id, raw_token])


def _email(
    recipient: Person,
    template: str,
    context: dict[str, Any],
    *,
    user: User | None = None,
    link: str = "",
    key: str | None = None,
    channels: tuple[str, ...] = ("email",),
    sensitive: bool = False,
) -> Callable[[Any], object]:
    """A ``transition`` in-transaction hook writing one notification to the outbox
    (``sensitive`` when it carries a one-time link)."""

    def hook(_obj: Any) -> None:
        notify(
            recipient=recipient,
            template=template,
            context=context,
            channels=channels,
            user=user,
            link=link,
            idempotency_key=key,
            sensitive=sensitive,
        )

    return hook


# --- submit -----------------------------------------------------------------------------------


def _warn_account_owner(*, owner: User, request: HttpRequest | None) -> None:
    audit_record(action="registration.existing_account_attempt", obj=owner, request=request)
    notify(
        recipient=owner.person,
        user=owner,
        template="registration_existing_account",
        context={"reset_path": reverse("password_reset:request")},
        channels=("email", "in_app"),
        link=reverse("password_reset:request"),
    )


@transaction.atomic
def registration_submit(
    *,
    dui: str,
    first_names: str,
    last_names: str,
    birth_date: Any,
    email: str,
    password: str,
    phone: str = "",
    time_zone: str = "",
    request: HttpRequest | None = None,
) -> RegistrationRequest | None:
    """Record a registration and email its verification link; returns ``None`` (and tells the
    account owner instead) when the DUI already has an account.

    The input is already validated (form or serializer). Callers answer the same in every case.
    """
    # The same work on every path: hash the password and draw a token before looking anything
    # up, so the answer time does not reveal which path was taken.
    password_hash = make_password(password)
    raw_token, token_hash = token_new()
    dui = normalize_dui(dui)
    email = email.strip().lower()

    owner = User.objects.select_related("person").filter(dui=dui).first()
    if owner is not None:
        _warn_account_owner(owner=owner, request=request)
        return None
    if RegistrationRequest.objects.filter(dui=dui, status=S.IDENTITY_REVIEW).exists():
        # Staff are deciding who holds this DUI; a new applicant must not displace that case.
        return None
    for stale in RegistrationRequest.objects.filter(dui=dui, status__in=PENDING_STATES).order_by(
        "pk"
    ):
        transition(
            actor=None, obj=stale, name="expire", request=request, payload={"reason": "superseded"}
        )

    # Unverified contact data, without the DUI (see RegistrationRequest.applicant).
    applicant = person_create(
        first_names=first_names,
        last_names=last_names,
        email=email,
        birth_date=birth_date,
        phone=str(phone or ""),
    )
    registration = RegistrationRequest.objects.create(
        dui=dui,
        first_names=applicant.first_names,
        last_names=applicant.last_names,
        birth_date=birth_date,
        email=email,
        phone=applicant.phone,
        time_zone=clean_time_zone(time_zone),
        password_hash=password_hash,
        applicant=applicant,
    )
    audit_record(
        action="registrationrequest.submitted",
        obj=registration,
        request=request,
        to_state=registration.status,
    )
    ttl = verification_ttl()
    link = verification_path(registration, raw_token)
    transition(
        actor=None,
        obj=registration,
        name="send_verification",
        request=request,
        token_hash=token_hash,
        expires_at=timezone.now() + ttl,
        in_transaction=[
            _email(
                applicant,
                "registration_verify",
                {"expires_minutes": int(ttl.total_seconds() // 60)},
                link=link,
                key=f"registration:{registration.public_id}:verify",
                sensitive=True,
            )
        ],
    )
    return registration


# --- verify and activate ----------------------------------------------------------------------


def identity_matches(registration: RegistrationRequest, person: Person) -> bool:
    """Whether the applicant's names and birth date agree with the person on file."""
    if normalized_name(person.first_names) != normalized_name(registration.first_names):
        return False
    if normalized_name(person.last_names) != normalized_name(registration.last_names):
        return False
    return person.birth_date is None or person.birth_date == registration.birth_date


def registration_from_link(public_id: Any, raw_token: str) -> RegistrationRequest:
    """The request a link points at, or ``LinkError("invalid")`` (reads only)."""
    return link_target(RegistrationRequest.objects.all(), public_id, raw_token)


def registration_link_state(
    registration: RegistrationRequest, *, now: datetime | None = None
) -> str:
    """One of ok, expired or used, for a request whose token matched (reads only)."""
    return link_state(registration, pending=S.EMAIL_SENT, expired=S.EXPIRED, now=now)


def registration_verify(
    *, public_id: Any, token: str, request: HttpRequest | None = None
) -> RegistrationRequest:
    """Use a verification link: the request ends ``active`` or in ``identity_review``.

    Raises ``LinkError`` ("invalid", "expired", "used"); a stale request is moved to
    ``expired`` on the way (that change is kept: it is committed before the error is raised).
    """
    registration = registration_from_link(public_id, token)
    state = registration_link_state(registration)
    if state == "expired" and registration.status != S.EXPIRED:
        transition(
            actor=None,
            obj=registration,
            name="expire",
            request=request,
            payload={"reason": "link_expired"},
        )
    if state != "ok":
        raise LinkError(state)
    try:
        return _verify_and_settle(registration, request=request)
    except Conflict as exc:
        if exc.code == "transition_not_allowed":  # another click won the row lock
            raise LinkError("used") from exc
        raise


@transaction.atomic
def _verify_and_settle(
    registration: RegistrationRequest, *, request: HttpRequest | None
) -> RegistrationRequest:
    transition(
        actor=None, obj=registration, name="verify_email", request=request, at=timezone.now()
    )
    owner = User.objects.select_related("person").filter(dui=registration.dui).first()
    if owner is not None:  # an account for this DUI appeared after the submission
        transition(actor=None, obj=registration, name="reject_duplicate", request=request)
        _warn_account_owner(owner=owner, request=request)
        notify(
            recipient=registration.applicant,
            template="registration_not_possible",
            context={"reset_path": reverse("password_reset:request")},
            channels=("email",),
        )
        return registration
    person = Person.objects.select_for_update().filter(dui=registration.dui).first()
    if person is not None and not identity_matches(registration, person):
        _send_to_identity_review(registration, person=person, request=request)
        return registration
    _activate(registration, person=person, actor=None, name="activate", request=request)
    return registration


def _send_to_identity_review(
    registration: RegistrationRequest, *, person: Person, request: HttpRequest | None
) -> None:
    def open_case(obj: RegistrationRequest) -> None:
        review_case_open(
            kind=ReviewKind.IDENTITY_REVIEW,
            subject_name=obj.full_name,
            person=person,
            registration=obj,
            request=request,
        )

    transition(
        actor=None,
        obj=registration,
        name="require_identity_review",
        request=request,
        person=person,
        in_transaction=[
            open_case,
            _email(registration.applicant, "registration_identity_review", {}),
        ],
    )


def _promote_applicant(registration: RegistrationRequest) -> Person:
    """Nobody held the DUI: the applicant's contact record becomes that person (verified)."""
    applicant = Person.objects.select_for_update().get(pk=registration.applicant_id)
    applicant.dui = registration.dui
    applicant.full_clean()
    applicant.save(update_fields=["dui"])
    audit_record(
        action="person.dui_confirmed",
        obj=applicant,
        payload={"registration": str(registration.public_id)},
    )
    return applicant


def _activate(
    registration: RegistrationRequest,
    *,
    person: Person | None,
    actor: User | None,
    name: str,
    request: HttpRequest | None,
    role: str = "",
    scope: str = "",
    reason: str | None = None,
) -> User:
    """Create the account with the chosen password hash and time zone, then fire ``name``."""
    if person is None:
        person = _promote_applicant(registration)
    else:
        changes: dict[str, Any] = {"email": registration.email}
        if registration.phone and not person.phone:
            changes["phone"] = registration.phone
        person = person_update(person=person, actor=actor, **changes)
    # The applicant followed the link emailed to this address before activation got here.
    person = person_email_mark_verified(person=person, actor=actor)
    user = user_create(dui=registration.dui, password=None, person=person, actor=actor)
    user.password = registration.password_hash
    user.time_zone = registration.time_zone
    user.save(update_fields=["password", "time_zone"])
    # A citizen's grant covers their own person record (their tickets, their data), nothing wider.
    role_grant(
        user=user, role=Role.CITIZEN, scope_kind=ScopeKind.PERSON, target=person, granted_by=actor
    )
    extra = {} if reason is None else {"reason": reason}
    transition(
        actor=actor,
        obj=registration,
        name=name,
        request=request,
        role=role,
        scope=scope,
        payload=extra,
        user=user,
        **extra,
        in_transaction=[
            _email(
                person,
                "registration_activated",
                {"login_path": reverse("accounts:login")},
                user=user,
                link=reverse("accounts:login"),
                channels=("email", "in_app"),
            )
        ],
    )
    return user


# --- staff decisions (registered as the identity-review handler) ----------------------------


def registration_identity_approve(
    *,
    actor: User,
    case: Any,
    reason: str,
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
    **_data: Any,
) -> RegistrationRequest:
    """The technician confirmed the applicant holds the DUI: open the account on the person on
    file (whose names stay as recorded)."""
    registration = case.registration
    if User.objects.filter(dui=registration.dui).exists():
        raise Conflict(
            str(_("Ya existe una cuenta con este DUI: rechace la solicitud.")),
            code="account_exists",
        )
    person = case.person or Person.objects.filter(dui=registration.dui).first()
    _activate(
        registration,
        person=person,
        actor=actor,
        name="approve_identity",
        request=request,
        role=role,
        scope=scope,
        reason=reason,
    )
    return registration


def registration_identity_reject(
    *,
    actor: User,
    case: Any,
    reason: str,
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
) -> RegistrationRequest:
    registration = case.registration
    transition(
        actor=actor,
        obj=registration,
        name="reject_identity",
        request=request,
        role=role,
        scope=scope,
        payload={"reason": reason},
        reason=reason,
        in_transaction=[
            _email(registration.applicant, "registration_rejected", {"reason": reason})
        ],
    )
    return registration


# --- housekeeping -----------------------------------------------------------------------------


def registration_expire_stale(*, now: datetime | None = None) -> int:
    """Expire every request whose link is past its time (the periodic task). Safe to run twice
    or concurrently: each request is expired under its row lock, or skipped if it moved."""
    now = now or timezone.now()
    stale_ids = list(
        RegistrationRequest.objects.filter(
            status=S.EMAIL_SENT, token_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for registration in RegistrationRequest.objects.filter(pk__in=stale_ids).order_by("pk"):
        try:
            transition(
                actor=None,
                obj=registration,
                name="expire",
                payload={"reason": "link_expired"},
            )
        except Conflict:
            continue  # verified (or expired) meanwhile
        expired += 1
    return expired


# --- the first-login notice -------------------------------------------------------------------


@transaction.atomic
def terms_accept(*, user: User, request: HttpRequest | None = None) -> User:
    """Record that ``user`` accepted the "aviso de conformidad" (once; later calls do nothing)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.terms_accepted_at is None:
        locked.terms_accepted_at = timezone.now()
        locked.save(update_fields=["terms_accepted_at"])
        audit_record(action="account.terms_accepted", obj=locked, actor=user, request=request)
    user.terms_accepted_at = locked.terms_accepted_at
    return user
