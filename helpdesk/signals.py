"""Extension points of the help desk for higher layers (workflows), fired after an action.

``ticket_created(sender=Ticket, ticket=ticket)`` is sent inside the creating transaction, after
the ticket, its first message and its assignment are saved: a receiver that starts the workflow
of ``ticket.service.workflow_key`` commits or rolls back together with the ticket.
"""

from django.dispatch import Signal

ticket_created = Signal()
