"""audit_record appends to one chain per object: numbered 1, 2, 3…, linked by hashes."""

import pytest

from core.audit.hashing import GENESIS_HASH, event_hash
from core.audit.models import AuditEvent
from core.audit.services import _normalise_ip, audit_record, chain_key_for

from .conftest import CHAIN

pytestmark = pytest.mark.django_db


def test_chain_is_gapless_and_linked(chain):
    stored = list(AuditEvent.objects.filter(chain_key=CHAIN).order_by("seq").values())

    assert [row["seq"] for row in stored] == [1, 2, 3, 4, 5]
    assert stored[0]["prev_hash"] == GENESIS_HASH
    assert [row["prev_hash"] for row in stored[1:]] == [row["hash"] for row in stored[:-1]]
    # The hash covers what the database gives back (payload, timestamp to the microsecond)
    assert [event_hash(row) for row in stored] == [row["hash"] for row in stored]


def test_event_of_an_object_goes_to_its_own_chain(make_user):
    # Given a user created through the accounts services (which audit the creation)
    user = make_user()
    actor = make_user()

    # When another event is recorded on that user, with an actor
    event = audit_record(action="account.touched", obj=user, actor=actor, payload={"a": 1})

    # Then it is event 2 of the user's chain, attributed to the actor
    assert event.chain_key == chain_key_for(user) == f"accounts.user:{user.pk}"
    assert (event.seq, event.object_type, event.object_id) == (2, "accounts.user", str(user.pk))
    assert (event.actor_id, event.actor_label) == (actor.pk, actor.get_full_name())


def test_record_needs_an_object_or_a_chain():
    with pytest.raises(ValueError, match="needs obj"):
        audit_record(action="x")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("fe80::1%eth0", "fe80::1"),
        ("not an address", None),
        ("", None),
    ],
)
def test_ip_addresses_are_stored_in_canonical_form(given, stored):
    assert _normalise_ip(given) == stored


def test_event_from_a_request_keeps_the_canonical_ip_and_verifies(rf):
    request = rf.get("/", REMOTE_ADDR="2001:0db8:0:0:0:0:0:0002")
    event = audit_record(action="x.y", chain_key=CHAIN, object_type="test", request=request)

    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert stored["ip_address"] == "2001:db8::2"
    assert event_hash(stored) == stored["hash"]
