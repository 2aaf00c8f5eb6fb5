"""Periodic work of school finances (safe to run twice)."""

from celery import shared_task


@shared_task(name="modules.finance.tasks.close_ended_fiscal_years")
def close_ended_fiscal_years() -> int:
    """Close the budgets of every fiscal year that has ended (year end ``CERRADO``)."""
    from .services import fiscal_year_close, fiscal_years_due_close

    return sum(fiscal_year_close(year=year) for year in fiscal_years_due_close())
