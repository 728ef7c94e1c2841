"""Celery tasks of the eval API: thin entry points that take a job id and call the job's eval provider.

"eval.run_job" goes to the default queue, "eval.recover" (the sweep, also run by beat) to "maintenance":
see CELERY_TASK_ROUTES and CELERY_BEAT_SCHEDULE.
"""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from apis.common.errors import ProviderNotFoundError, ServiceUnavailableError
from apis.eval import services
from apis.eval.models import EvalJob
from providers.resolver import get_stack

# A database briefly locked or unreachable, or the providers not loaded yet: worth another try.
RETRY_ON = (OperationalError, ServiceUnavailableError)
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "max_retries": 5,
}


@shared_task(name="eval.run_job", **TASK_OPTIONS)
def eval_run_job(job_id: str) -> None:
    provider_id = EvalJob.objects.filter(id=job_id).values_list("provider_id", flat=True).first()
    if provider_id is None:
        return
    try:
        engine = get_stack().impl(provider_id)
    except ProviderNotFoundError:
        services.eval_job_fail(job_id=job_id, error=f"Eval provider '{provider_id}' is no longer registered.")
        return
    engine.run_job(job_id=job_id)


@shared_task(name="eval.recover", **TASK_OPTIONS)
def eval_jobs_recover() -> dict[str, int]:
    return services.eval_jobs_recover()


@worker_ready.connect
def recover_on_worker_start(**kwargs: Any) -> None:
    """A worker that (re)starts picks up the jobs its predecessor left behind."""
    eval_jobs_recover.delay()
