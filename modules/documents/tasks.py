"""Celery tasks of the titles module: load by id, call a service; safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True)
def title_request_generate(request_id: int) -> int:
    """Generate and sign the titles of one countersigned request (progress on the request)."""
    from .services import title_request_generate as generate

    return generate(request_id=request_id).generation_done


@shared_task
def title_generation_sweep() -> int:
    """Queue again the generations that failed or stalled (a worker lost mid-way)."""
    from .services import title_generation_sweep as sweep

    return len(sweep())
