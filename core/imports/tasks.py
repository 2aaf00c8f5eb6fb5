"""Celery tasks of the import engine; each is safe to deliver twice (it checks the job's status)."""

from celery import shared_task

from . import engine


@shared_task(name="core.imports.tasks.import_check")
def import_check(job_id: int) -> None:
    engine.check_job(job_id)


@shared_task(name="core.imports.tasks.import_run")
def import_run(job_id: int) -> None:
    engine.run_job(job_id)


@shared_task(name="core.imports.tasks.import_sweep")
def import_sweep() -> int:
    return engine.sweep_stale_jobs()
