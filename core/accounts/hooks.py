"""Extension points of the accounts app for higher layers, fired after an action.

``person_email_changed(sender=Person, person=person, old_email=…, audit_event=event)`` is sent
inside ``person_update``'s transaction when a person's non-empty address was replaced (by another
address or by nothing), after the row and its ``person.updated`` audit event were saved. The
notifications layer tells the old address (docs/security.md §1.6, ASVS 6.3.7); what a receiver
writes commits or rolls back together with the change.
"""

from django.dispatch import Signal

person_email_changed = Signal()

# ``second_factor_changed(sender=User, user=user, change=…, audit_event=event)`` is sent inside the
# service's transaction when ``user``'s second factor was activated (``"enrolled"``), removed
# (``"removed"``) or got new recovery codes (``"recovery_codes"``). The notifications layer tells
# the person (docs/security.md §1.7, ASVS 6.3.7).
second_factor_changed = Signal()
