"""The supervisor report: what it counts, whose queues it covers, and its fixed query count.

Under the test policy (2 business hours to first response, 9 to resolution) a ticket opened on
Monday 9:00 must be answered by 11:00 and resolved by Tuesday 9:00.
"""

from datetime import timedelta

import pytest

from core.accounts.models import User
from core.calendar import business_time_between
from helpdesk.reports import _WorkingTime, build_report, can_view_reports
from helpdesk.services import (
    ticket_cancel,
    ticket_claim,
    ticket_rate,
    ticket_reply,
    ticket_resolve,
)
from tests.helpdesk.conftest import make_queue, make_service, open_ticket

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The user as a new request loads it (no cached grants)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def week(clock, requester, service, technician):
    """Monday: A answered at 10:00 (in time) and resolved at 11:00, rated 4; B opened at 9:00;
    D opened and cancelled before any answer. Tuesday: B answered at 9:00 (late, 9 business
    hours); C opened at 9:00 and never answered. The report is read on Wednesday 9:00."""
    a = open_ticket(requester, service)
    b = open_ticket(requester, service)
    d = open_ticket(requester, service)
    ticket_cancel(actor=requester, ticket=d)
    ticket_claim(actor=technician, ticket=a)
    clock.set(clock.at(0, 10))
    ticket_reply(actor=technician, ticket=a, body="Ya revisamos su cuenta.")
    clock.set(clock.at(0, 11))
    ticket_resolve(actor=technician, ticket=a)
    ticket_rate(actor=requester, ticket=a, rating=4)
    clock.set(clock.at(1, 9))
    ticket_claim(actor=technician, ticket=b)
    ticket_reply(actor=technician, ticket=b, body="Disculpe la demora.")
    c = open_ticket(requester, service)
    clock.set(clock.at(2, 9))
    return {"a": a, "b": b, "c": c, "d": d}


def test_the_report_counts_backlog_days_sla_median_and_satisfaction(clock, week, supervisor, queue):
    report = build_report(actor=fresh(supervisor), days=7)

    # Backlog now: B (in progress, late first response) and C (new, unassigned); the shipped
    # catalogue's queues are listed empty
    rows = {row.name: (row.active, row.unassigned, row.breached) for row in report.backlog}
    assert rows.pop(queue.name) == (2, 1, 1)
    assert set(rows.values()) == {(0, 0, 0)}
    assert report.backlog_total == 2
    # Per day: Monday A, B, D created and A resolved; Tuesday C created
    by_day = {d.day: (d.created, d.resolved) for d in report.daily}
    monday = clock.monday
    assert by_day[monday] == (3, 1)
    assert by_day[monday + timedelta(days=1)] == (1, 0)
    assert by_day[monday + timedelta(days=2)] == (0, 0)
    assert sum(d.created for d in report.daily) == 4
    assert len(report.daily) == 7
    assert report.until == monday + timedelta(days=2)
    # First response: A in time, B late, C overdue; D (cancelled unanswered) is not evaluated
    assert (report.first_response_met, report.first_response_total) == (1, 3)
    assert report.first_response_compliance == 33.3
    # Resolution: A in time; B past its Tuesday 9:00 deadline; C not due until Wednesday 10:30
    assert (report.resolution_met, report.resolution_total) == (1, 2)
    assert report.resolution_compliance == 50.0
    # Median of 1 h (A) and 9 business hours (B)
    assert report.median_first_response == timedelta(hours=5)
    assert report.first_responses == 2
    assert (report.satisfaction_average, report.satisfaction_count) == (4.0, 1)


def test_an_empty_scope_gives_an_empty_report(clock, supervisor):
    report = build_report(actor=fresh(supervisor), days=30)

    assert report.backlog_total == 0
    assert report.first_response_compliance is None
    assert report.median_first_response is None
    assert report.satisfaction_average is None
    assert [d.created for d in report.daily] == [0] * 30


def test_a_department_supervisor_reports_on_their_department_only(
    clock, make_user, department, requester, sla_policy, week
):
    # Given a department queue with one ticket, beside the national queue of ``week``
    local = make_queue("depto", department=department)
    open_ticket(requester, make_service(local, sla_policy, code="local"))
    supervisor = make_user(role="supervisor", scope_kind="department", target=department)

    report = build_report(actor=fresh(supervisor), days=7)

    assert [(row.name, row.active) for row in report.backlog] == [(local.name, 1)]
    assert sum(d.created for d in report.daily) == 1
    assert report.first_responses == 0
    assert report.satisfaction_count == 0


def test_only_supervisors_and_administrators_may_see_reports(make_user, department):
    assert can_view_reports(make_user(role="supervisor"))
    assert can_view_reports(make_user(role="administrator"))
    assert can_view_reports(
        make_user(role="supervisor", scope_kind="department", target=department)
    )
    assert not can_view_reports(make_user(role="technician"))
    assert not can_view_reports(make_user(role="citizen"))
    assert not can_view_reports(make_user(role="auditor"))


@pytest.mark.parametrize("rows", [1, 6])
def test_the_report_costs_a_fixed_number_of_queries(
    clock, django_assert_num_queries, make_user, service, technician, supervisor, rows
):
    for index in range(rows):
        requester = make_user(role="citizen")
        ticket = open_ticket(requester, service)
        ticket_claim(actor=technician, ticket=ticket)
        clock.advance(minutes=20)
        ticket_reply(actor=technician, ticket=ticket, body="Respuesta")
        if index % 2:
            ticket_resolve(actor=technician, ticket=ticket)
            ticket_rate(actor=requester, ticket=ticket, rating=5)
    actor = fresh(supervisor)

    # 7 queries whatever the number of tickets: the actor's grants, the backlog per queue, the
    # created and the resolved counts per day, the SLA counts, the first-response pairs for the
    # median, and the satisfaction aggregate.
    with django_assert_num_queries(7):
        report = build_report(actor=actor, days=30)

    assert report.created_total == rows
    assert report.first_responses == rows


def test_working_time_matches_the_business_calendar(clock):
    # Across a weekend: Friday 15:00 to Monday 8:30 of the next week is 1.5 + 1 = 2.5 hours
    start = clock.at(4, 15)
    moments = [clock.at(7, 8, 30), clock.at(4, 16), clock.at(5, 12), clock.at(9, 7), start]
    working = _WorkingTime(start, max(moments))

    assert working.between(start, clock.at(7, 8, 30)) == timedelta(hours=2, minutes=30)
    for moment in moments:
        assert working.between(start, moment) == business_time_between(start, moment)


def test_working_time_skips_holidays(clock, settings):
    # Given Tuesday declared a holiday: Monday 16:00 to Wednesday 8:00 is 0.5 + 0.5 hours
    settings.SIGES_EXTRA_HOLIDAYS = [(clock.monday + timedelta(days=1)).isoformat()]
    start, end = clock.at(0, 16), clock.at(2, 8)

    assert _WorkingTime(start, end).between(start, end) == timedelta(hours=1)
