"""Celery tasks of the models API: provider model discovery (queue "maintenance" and schedule: see settings)."""

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from apis.models.services import models_refresh_from_providers

logger = logging.getLogger(__name__)


@shared_task(
    name="models.refresh_from_providers",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def models_refresh_from_providers_task() -> list[str]:
    """Register the models every running inference provider lists; a failing provider is logged and skipped."""
    results, errors = models_refresh_from_providers()
    summaries = [result.summary() for result in results]
    for summary in summaries:
        logger.info("Model refresh: %s", summary)
    return summaries + errors


@worker_ready.connect
def refresh_on_worker_start(**kwargs: Any) -> None:
    """The providers' models are listed when a worker starts, not only at the first scheduled refresh."""
    models_refresh_from_providers_task.delay()
