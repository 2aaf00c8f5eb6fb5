"""Extension points of the accounts app for higher layers, fired after an action.

``person_email_changed(sender=Person, person=person, old_email=…, audit_event=event)`` is sent
inside ``person_update``'s transaction when a person's non-empty address was replaced (by another
address or by nothing), after the row and its ``person.updated`` audit event were saved. The
notifications layer tells the old address (docs/security.md §1.6, ASVS 6.3.7); what a receiver
writes commits or rolls back together with the change.
"""

from django.dispatch import Signal

person_email_changed = Signal()
