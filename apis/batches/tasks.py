"""Celery tasks of the batch engine: thin entry points that take ids and call the batches provider.

Queues come from CELERY_TASK_ROUTES: validation and finalization on "batches.control", chunks on
"batches.chunks", the sweep on "maintenance". Every task is acknowledged late and rejected (requeued)
when its worker is lost; the maintenance sweep covers brokers that drop such a message.
"""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from apis.batches import services
from apis.common.errors import ServiceUnavailableError
from providers.inline.batches.reference import ReferenceBatches
from providers.resolver import get_stack

# A database that is briefly locked or unreachable, or providers not loaded yet: worth another try.
RETRY_ON = (OperationalError, ServiceUnavailableError)
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "max_retries": 8,
}


def engine() -> ReferenceBatches:
    return get_stack().only("batches").impl


@shared_task(name="batches.validate", **TASK_OPTIONS)
def batch_validate(batch_id: str) -> None:
    engine().validate(batch_id=batch_id)


# No automatic retry: a failed chunk task gives its chunk back (or its lease runs out) and is sent again.
@shared_task(name="batches.process_chunk", acks_late=True, reject_on_worker_lost=True)
def batch_process_chunk(chunk_id: int) -> None:
    engine().process_chunk(chunk_id=chunk_id)


@shared_task(name="batches.finalize", **TASK_OPTIONS)
def batch_finalize(batch_id: str) -> None:
    engine().finalize(batch_id=batch_id)


@shared_task(name="batches.recover", **TASK_OPTIONS)
def batches_recover() -> dict[str, int]:
    return services.batches_recover()


@worker_ready.connect
def recover_on_worker_start(**kwargs: Any) -> None:
    """A worker that (re)starts picks up the batches that its predecessor left behind."""
    batches_recover.delay()
