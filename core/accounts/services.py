"""Every write to people, accounts, role grants, sessions and API tokens."""

from datetime import date
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from core.audit.services import audit_record

from .choices import ScopeKind
from .dui import normalize_dui
from .hooks import person_email_changed
from .models import Person, RoleGrant, User
from .scopes import forget_grants

# Person fields an administrator may correct. The DUI is not among them: it is also the login
# (``User.dui``) and changing it is a separate, audited procedure.
PERSON_EDITABLE_FIELDS = ("first_names", "last_names", "birth_date", "sex", "email", "phone")


@transaction.atomic
def person_create(
    *,
    first_names: str,
    last_names: str,
    dui: str | None = None,
    birth_date: date | None = None,
    sex: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    person = Person(
        dui=normalize_dui(dui) if dui else None,
        first_names=first_names.strip(),
        last_names=last_names.strip(),
        birth_date=birth_date,
        sex=sex,
        email=email.strip().lower(),
        phone=phone,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def user_create(
    *,
    dui: str,
    password: str | None,
    person: Person | None = None,
    first_names: str = "",
    last_names: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: User | None = None,
    **person_fields: Any,
) -> User:
    """Create the account of a person (creating the person when there is none)."""
    dui = normalize_dui(dui)
    if person is None:
        person = Person.objects.filter(dui=dui).first() or person_create(
            dui=dui, first_names=first_names, last_names=last_names, email=email, **person_fields
        )
    user = User(person=person, dui=dui, is_staff=is_staff, is_superuser=is_superuser)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(action="account.created", obj=user, actor=actor, to_state="active")
    return user


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    scope_kind: str = ScopeKind.NATIONAL,
    target: Any = None,
    granted_by: User | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> RoleGrant:
    """Give ``user`` ``role`` over ``target`` (a Department, Municipality, School, Section or
    Person matching ``scope_kind``; nothing for a national grant), from ``valid_from`` (today
    by default) until ``valid_until`` (open-ended by default)."""
    grant = RoleGrant(
        user=user, role=role, scope_kind=scope_kind, granted_by=granted_by, valid_until=valid_until
    )
    if valid_from is not None:
        grant.valid_from = valid_from
    if scope_kind != ScopeKind.NATIONAL:
        setattr(grant, scope_kind, target)
    grant.full_clean()
    grant.save()
    forget_grants(user)
    audit_record(
        action="role.granted",
        obj=user,
        actor=granted_by,
        payload={
            "grant_id": grant.pk,
            "role": role,
            "scope_kind": scope_kind,
            "target_id": grant.scope_target_id,
        },
    )
    return grant


@transaction.atomic
def person_update(*, person: Person, actor: User | None, **changes: Any) -> Person:
    """Correct a person's data. The audit payload names the changed fields, not their values
    (personal data stays out of the history)."""
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"person_update cannot change {sorted(unknown)}")
    if "email" in changes:
        changes["email"] = (changes["email"] or "").strip().lower()
    for name in ("first_names", "last_names"):
        if name in changes:
            changes[name] = changes[name].strip()
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    if not changed:
        return person
    old_email = person.email
    for name in changed:
        setattr(person, name, changes[name])
    if "email" in changed:
        # A new address has neither bounced nor been proven yet.
        person.email_bounced_at = None
        person.email_verified_at = None
        changed.extend(["email_bounced_at", "email_verified_at"])
    person.full_clean()
    person.save(update_fields=changed)
    event = audit_record(
        action="person.updated", obj=person, actor=actor, payload={"fields": changed}
    )
    if "email" in changed and old_email and old_email.lower() != person.email:
        # The old address hears of it (docs/security.md §1.6, ASVS 6.3.7) through notifications,
        # which this one may not import; it commits or rolls back with the change.
        person_email_changed.send(
            sender=Person, person=person, old_email=old_email, audit_event=event
        )
    return person


# Person fields a correction procedure may change (see ``person_correct``).
PERSON_CORRECTABLE_FIELDS = ("first_names", "last_names", "birth_date", "sex")


def _audit_value(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


@transaction.atomic
def person_correct(
    *,
    actor: User | None,
    person: Person,
    field: str,
    value: Any,
    reason: str,
    role: str = "",
    scope: str = "",
    request: HttpRequest | None = None,
    payload: dict[str, Any] | None = None,
) -> Person:
    """Apply an approved correction of one identity field to ``person``.

    Unlike ``person_update``, the audit event keeps the value BEFORE and AFTER: a correction of
    identity data is decided on evidence, and auditors must be able to see exactly what changed
    and undo it. ``reason`` (the procedure, e.g. the ticket number) and ``payload`` go with it.
    The row is locked first so two corrections of the same person are applied one after the
    other, each recording the true before value. Raises ``ValidationError`` for a bad value.
    """
    if field not in PERSON_CORRECTABLE_FIELDS:
        raise ValueError(f"person_correct cannot change {field!r}")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if isinstance(value, str):
        value = value.strip()
    before = getattr(locked, field)
    setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=[field])
    audit_record(
        action="person.corrected",
        obj=locked,
        actor=actor,
        role=role,
        scope=scope,
        request=request,
        payload={
            "field": field,
            "before": _audit_value(before),
            "after": _audit_value(getattr(locked, field)),
            "reason": reason,
            **(payload or {}),
        },
    )
    setattr(person, field, getattr(locked, field))
    return person


@transaction.atomic
def person_email_mark_verified(*, person: Person, actor: User | None = None) -> Person:
    """Record that the person proved their current email is theirs (an emailed link was used)."""
    if not person.email or person.email_verified_at is not None:
        return person
    person.email_verified_at = timezone.now()
    person.save(update_fields=["email_verified_at"])
    audit_record(action="person.email_verified", obj=person, actor=actor)
    return person


@transaction.atomic
def user_update_access(
    *,
    user: User,
    actor: User | None,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Switch an account's access flags. Deactivating it also revokes its API tokens; its web
    sessions stop working at once because the authentication backend refuses inactive users."""
    wanted = {"is_active": is_active, "is_staff": is_staff, "is_superuser": is_superuser}
    changed = {
        name: value
        for name, value in wanted.items()
        if value is not None and getattr(user, name) != value
    }
    if not changed:
        return user
    before = {name: getattr(user, name) for name in changed}
    for name, value in changed.items():
        setattr(user, name, value)
    user.save(update_fields=list(changed))
    revoked = 0
    if changed.get("is_active") is False:
        revoked, _ = AuthToken.objects.filter(user=user).delete()
    audit_record(
        action="account.access_changed",
        obj=user,
        actor=actor,
        from_state="active" if before.get("is_active", user.is_active) else "inactive",
        to_state="active" if user.is_active else "inactive",
        payload={"changed": changed, "api_tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def role_grant_revoke(*, grant: RoleGrant, actor: User | None) -> None:
    """Remove a role grant; the history keeps what it was."""
    user = grant.user
    snapshot = {
        "grant_id": grant.pk,
        "role": grant.role,
        "scope_kind": grant.scope_kind,
        "target_id": grant.scope_target_id,
        "valid_from": grant.valid_from,
        "valid_until": grant.valid_until,
    }
    grant.delete()
    forget_grants(user)
    audit_record(action="role.revoked", obj=user, actor=actor, payload=snapshot)


@transaction.atomic
def user_password_change(
    *,
    user: User,
    new_password: str | None,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Set a new password (already validated by the caller's form), or disable password login
    with ``None``, and end the user's other sessions: every API token is revoked, and web
    sessions signed with the old password hash stop validating (the caller keeps its own with
    ``update_session_auth_hash``). ``actor`` is an administrator acting for the user."""
    if new_password is None:
        user.set_unusable_password()
    else:
        user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    actor = actor or user
    audit_record(
        action="account.password_changed",
        obj=user,
        actor=actor,
        request=request,
        payload={
            "api_tokens_revoked": revoked,
            "by_administrator": actor.pk != user.pk,
            "usable": new_password is not None,
        },
    )
    return user


@transaction.atomic
def api_token_create(*, user: User, request: HttpRequest) -> tuple[AuthToken, str]:
    """Issue an expiring API token (TTL from ``REST_KNOX``) to an already authenticated user.

    Returns the token row and the token string, which is shown once and stored only hashed.
    Expired tokens are purged; at the per-user limit the oldest token is revoked, so a new
    device can always sign in. Fires ``user_logged_in`` like a web login (audit, last login,
    axes reset).
    """
    now = timezone.now()
    AuthToken.objects.filter(user=user, expiry__lt=now).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None:
        live = AuthToken.objects.filter(user=user).order_by("-created")
        excess = list(live.values_list("digest", flat=True)[limit - 1 :])
        if excess:
            AuthToken.objects.filter(digest__in=excess).delete()
    instance, token = AuthToken.objects.create(user=user)
    session = getattr(request, "session", None)
    had_session = session is not None and session.session_key is not None
    user_logged_in.send(sender=User, request=request, user=user)
    if session is not None and not had_session and session.session_key is not None:
        # django-axes' access log opens a session to hash its key; a token client has no use
        # for it, so drop it rather than answer with a cookie and leave an orphan row.
        session.flush()
    return instance, token


@transaction.atomic
def api_token_revoke(*, token: AuthToken, request: HttpRequest) -> None:
    """Revoke the one API token the caller used (logout from one device)."""
    user = token.user
    token.delete()
    user_logged_out.send(sender=User, request=request, user=user)


@transaction.atomic
def session_expire(*, request: HttpRequest, user: User | None, reason: str) -> None:
    """End a web session that passed its idle or absolute timeout."""
    request.session.flush()
    if user is not None:
        audit_record(
            action="auth.session_expired",
            obj=user,
            request=request,
            payload={"reason": reason},
        )


def login_failures_reset(*, request: HttpRequest | None, user: User) -> int:
    """After a successful login, forget the failures recorded for this account's DUI from this
    client address, and only those: other DUIs' failures from the same address keep counting
    toward the IP lockout (axes' own reset would delete them all)."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_client_ip_address

    if request is None:
        return 0
    ip_address = get_client_ip_address(request)
    if not ip_address:
        return 0
    return AxesProxyHandler.reset_attempts(ip_address=ip_address, username=user.dui)
