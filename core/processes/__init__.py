"""Processes with several people, on viewflow, as first-class citizens of ``core.workflow``.

- ``core.processes.nodes``: flow nodes that say who may start a process and who may work a
  human task by role and scope (``RoleStart``, ``RoleTask``), with separation of duties and due
  times in business time.
- ``core.processes.forms``: the forms a human step shows (``DecisionForm``: approve with an
  optional comment, reject with a required reason).
- ``core.workflow.process_start`` / ``core.workflow.task_action``: the only ways to start a
  process and to work its tasks (permission, lock, audit chained on the process, hooks).
- ``core.processes.views``: the generic task page (``process:task``) and the process page
  (``process:detail``); viewflow's own views are never mounted.

How to add a process: docs/architecture.md.
"""
