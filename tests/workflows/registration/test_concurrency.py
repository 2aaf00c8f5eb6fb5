"""One-time links and staff decisions under concurrency (PostgreSQL: real row locks).

Real threads released by a barrier; SQLite has no row locks, so these run on PostgreSQL only.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.links import LinkError
from tests.factories import PersonFactory, make_dui
from workflows.accounts_review.models import ReviewCase
from workflows.accounts_review.services import review_case_approve
from workflows.registration.models import RegistrationRequest
from workflows.registration.services import registration_submit, registration_verify

from .helpers import applicant_data, last_link, link_parts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers: list[Callable[[], object]]) -> list[str]:
    barrier = threading.Barrier(len(workers))
    outcomes: list[str] = [""] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            work()
            outcomes[index] = "ok"
        except LinkError as exc:
            outcomes[index] = exc.code
        except Conflict as exc:
            outcomes[index] = exc.code
        except Exception as exc:
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_one_link_clicked_six_times_at_once_opens_one_account():
    registration_submit(**applicant_data())
    public_id, token = link_parts(last_link("registration_verify"))

    outcomes = race(
        [lambda: registration_verify(public_id=public_id, token=token) for _ in range(6)]
    )

    assert sorted(outcomes) == ["ok"] + ["used"] * 5
    assert User.objects.count() == 1
    assert RegistrationRequest.objects.get().status == "active"
    assert AuditEvent.objects.filter(action="registrationrequest.verify_email").count() == 1


def test_two_technicians_approving_one_case_at_once(make_user):
    dui = make_dui(77_000_001)
    PersonFactory(dui=dui, first_names="Beatriz")
    registration_submit(**applicant_data(dui=dui))
    public_id, token = link_parts(last_link("registration_verify"))
    registration_verify(public_id=public_id, token=token)
    case_id = ReviewCase.objects.get().pk
    technicians = [make_user(role="technician") for _ in range(4)]
    copies = [(tech, ReviewCase.objects.get(pk=case_id)) for tech in technicians]

    outcomes = race(
        [
            (lambda t=tech, c=copy: review_case_approve(actor=t, case=c, reason="ok"))
            for tech, copy in copies
        ]
    )

    assert sorted(outcomes) == ["ok"] + ["transition_not_allowed"] * 3
    assert User.objects.filter(dui=dui).count() == 1
    assert AuditEvent.objects.filter(action="reviewcase.approve").count() == 1
