"""Celery tasks of the models API: provider model discovery (queue "maintenance" and schedule: see settings)."""

import logging

from celery import shared_task
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
