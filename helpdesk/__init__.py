"""The help desk: service catalogue, tickets, queues and teams, assignment, SLA, conversation."""
