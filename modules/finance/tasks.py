"""Periodic work of school finances (safe to run twice)."""

from celery import shared_task


@shared_task(name="modules.finance.tasks.close_ended_fiscal_years")
def close_ended_fiscal_years() -> int:
    """Close the budgets of every fiscal year that has ended (year end ``CERRADO``)."""
    from .services import fiscal_year_close, fiscal_years_due_close

    return sum(fiscal_year_close(year=year) for year in fiscal_years_due_close())


@shared_task(name="modules.finance.tasks.review_due_sweep")
def review_due_sweep() -> dict[str, int]:
    """Remind and escalate the department's purchase-plan reviews and liquidation steps by
    their due time (safe to run twice)."""
    from .due import review_due_sweep as sweep

    result = sweep()
    return {"reminded": result.reminded, "escalated": result.escalated}
