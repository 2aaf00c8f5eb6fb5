"""Extension points of processes for higher layers (the notifications layer tells people).

``task_due_reminder(sender=TaskDue, task=task, recipients=[User…], kind=…, due_at=…, link=…)``
is sent by the due-time sweep inside its transaction, once per task and kind:

- ``kind="reminder"``: the task nears its due time; ``recipients`` are its owner, or everyone
  who may take it when nobody has;
- ``kind="escalation"``: the task is overdue; ``recipients`` are the node's ``escalate_to``
  roles (supervisors by default) whose grant covers the task's scope.

What a receiver writes (outbox rows) commits or rolls back with the sweep's mark and audit
event, so a notice is neither lost nor sent twice.
"""

from django.dispatch import Signal

task_due_reminder = Signal()

REMINDER = "reminder"
ESCALATION = "escalation"
