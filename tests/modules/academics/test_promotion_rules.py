"""Promotion rules as data, without the database: recovery limits and the conduct ledger."""

from decimal import Decimal

from modules.academics.promotion import Rule, SubjectOutcome, decide, recovery_allowed

GENERAL = Rule(max_recovery_subjects=2, demerit_limit=15)
TECHNICAL = Rule(max_recovery_subjects=3, demerit_limit=15)
BASICA = Rule(max_recovery_subjects=0, demerit_limit=15)


def _outcomes(failed: int, recovered: int = 0, total: int = 6) -> list[SubjectOutcome]:
    outcomes = []
    for subject_id in range(1, total + 1):
        if subject_id <= failed:
            outcomes.append(
                SubjectOutcome(
                    subject_id,
                    Decimal("4.0"),
                    passed_regular=False,
                    recovery=Decimal("6.0") if subject_id <= recovered else None,
                    passed_recovery=subject_id <= recovered,
                )
            )
        else:
            outcomes.append(SubjectOutcome(subject_id, Decimal("8.0"), passed_regular=True))
    return outcomes


def test_all_subjects_passed_and_few_demerits_promotes():
    decision = decide(outcomes=_outcomes(0), demerits=14, rule=GENERAL)

    assert decision.promoted is True
    assert decision.reasons == ()
    assert decision.failed_subject_ids == ()


def test_fifteen_demerits_hold_back_a_student_who_passed_everything():
    decision = decide(outcomes=_outcomes(0), demerits=15, rule=GENERAL)

    assert decision.promoted is False
    assert decision.reasons == ("Acumula 15 deméritos de conducta (límite: 15).",)


def test_recovered_subjects_count_as_passed():
    decision = decide(outcomes=_outcomes(2, recovered=2), demerits=0, rule=GENERAL)

    assert decision.promoted is True


def test_a_subject_not_recovered_holds_back():
    decision = decide(outcomes=_outcomes(2, recovered=1), demerits=0, rule=GENERAL)

    assert decision.promoted is False
    assert decision.failed_subject_ids == (2,)
    assert decision.reasons == ("Reprobó 1 asignatura(s).",)


def test_recovery_limit_is_two_for_general_and_three_for_technical():
    assert recovery_allowed(_outcomes(2), GENERAL) is True
    assert recovery_allowed(_outcomes(3), GENERAL) is False
    assert recovery_allowed(_outcomes(3), TECHNICAL) is True
    assert recovery_allowed(_outcomes(4), TECHNICAL) is False
    assert recovery_allowed(_outcomes(1), BASICA) is False
    assert recovery_allowed(_outcomes(0), GENERAL) is False
