"""Celery tasks of the Files API: the periodic removal of expired files (queue "maintenance", see settings)."""

from celery import shared_task
from django.db import OperationalError

from apis.files.services import files_expire


@shared_task(
    name="files.expire",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def files_expire_task() -> int:
    return files_expire()
