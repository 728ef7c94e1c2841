"""Writes of eval jobs: create and cancel, and every state change of a running job, each guarded in the database.

A job runs under a lease: the worker holding `lease_token` renews `leased_until` while it is alive and may
record results; a cancel, or the maintenance sweep taking the job back after the lease ran out, removes the
token, and the old worker stops at its next write. Every start counts an attempt; a job that used up
STACK_EVAL_MAX_ATTEMPTS fails instead of being sent again, so no job stays scheduled or running forever.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apis.access.guards import ensure, ensure_create
from apis.common.errors import ConflictError, EvalJobNotFoundError
from apis.eval.conf import eval_settings
from apis.eval.models import EvalGeneration, EvalJob
from stackproject.celery import app

logger = logging.getLogger(__name__)

RUN_TASK = "eval.run_job"


def send_on_commit(task: str, *args: Any) -> None:
    """Send a task (by name, routed by CELERY_TASK_ROUTES) once the transaction commits: the worker sees the row."""
    transaction.on_commit(lambda: app.signature(task, args=list(args)).apply_async())


def new_job_id() -> str:
    return f"evaljob-{secrets.token_hex(12)}"


def eval_job_create(
    *,
    benchmark_id: str,
    provider_id: str,
    benchmark_config: dict[str, Any],
    owner_principal: str = "",
    owner_attributes: dict[str, Any] | None = None,
) -> EvalJob:
    """Store a scheduled job and send it to a worker once committed."""
    job_id = new_job_id()
    ensure_create("eval_job", job_id)
    now = timezone.now()
    with transaction.atomic():
        job = EvalJob.objects.create(
            id=job_id,
            benchmark_id=benchmark_id,
            provider_id=provider_id,
            benchmark_config=benchmark_config,
            created_at=now,
            sent_at=now,
            owner_principal=owner_principal,
            owner_attributes=owner_attributes or {},
        )
        send_on_commit(RUN_TASK, job.id)
    return job


@transaction.atomic
def eval_job_cancel(*, job_id: str, benchmark_id: str) -> EvalJob:
    """Cancel a job that has not ended; its worker stops at its next write. Cancelling again changes nothing."""
    job = EvalJob.objects.select_for_update().filter(id=job_id, benchmark_id=benchmark_id).first()
    if job is None:
        raise EvalJobNotFoundError(job_id, param="job_id")
    ensure("eval_job", job, "update", EvalJobNotFoundError(job_id, param="job_id"))
    if job.status == EvalJob.Status.CANCELLED:
        return job
    if job.status not in EvalJob.ACTIVE:
        raise ConflictError(f"Cannot cancel eval job '{job_id}' with status '{job.status}'.")
    job.status, job.finished_at = EvalJob.Status.CANCELLED, timezone.now()
    job.lease_token, job.leased_until = "", None
    job.save(update_fields=["status", "finished_at", "lease_token", "leased_until"])
    return job


# --- the running job ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobLease:
    """A job held by this worker: only the holder of `token` may record its results."""

    job_id: str
    token: str
    benchmark_id: str
    benchmark_config: dict[str, Any]
    owner_principal: str
    owner_attributes: dict[str, Any]


class LeaseLostError(Exception):
    """The job was taken away: cancelled, or given to another worker after this one stopped renewing it."""


def _fail(job: EvalJob, error: str) -> None:
    job.status, job.error, job.finished_at = EvalJob.Status.FAILED, error, timezone.now()
    job.lease_token, job.leased_until = "", None
    job.save(update_fields=["status", "error", "finished_at", "lease_token", "leased_until"])
    logger.error("Eval job %s failed: %s", job.id, error)


def eval_job_claim(*, job_id: str) -> JobLease | None:
    """Lease the job for this worker; None when it ended, or another live worker holds it (a duplicate message)."""
    conf = eval_settings()
    now = timezone.now()
    with transaction.atomic():
        job = EvalJob.objects.select_for_update().filter(id=job_id, status__in=EvalJob.ACTIVE).first()
        if job is None:
            return None
        if job.status == EvalJob.Status.IN_PROGRESS and job.leased_until is not None and job.leased_until > now:
            return None
        job.attempts += 1
        if job.attempts > conf.max_attempts:
            _fail(job, f"The job was started {conf.max_attempts} times and never finished: its workers stopped.")
            return None
        job.status, job.lease_token = EvalJob.Status.IN_PROGRESS, secrets.token_hex(16)
        job.leased_until = now + timedelta(seconds=conf.lease_seconds)
        job.started_at = job.started_at or now
        job.save(update_fields=["status", "lease_token", "leased_until", "started_at", "attempts"])
        return JobLease(
            job_id=job.id,
            token=job.lease_token,
            benchmark_id=job.benchmark_id,
            benchmark_config=job.benchmark_config,
            owner_principal=job.owner_principal,
            owner_attributes=job.owner_attributes,
        )


def _held(lease: JobLease) -> Any:
    return EvalJob.objects.filter(id=lease.job_id, status=EvalJob.Status.IN_PROGRESS, lease_token=lease.token)


def eval_job_renew(*, lease: JobLease) -> bool:
    """Extend the lease; False when the job is no longer this worker's."""
    until = timezone.now() + timedelta(seconds=eval_settings().lease_seconds)
    return bool(_held(lease).update(leased_until=until))


def eval_job_set_total(*, lease: JobLease, total: int) -> None:
    if not _held(lease).update(rows_total=total):
        raise LeaseLostError(lease.job_id)


@transaction.atomic
def eval_job_record(*, lease: JobLease, index: int, data: dict[str, Any]) -> None:
    """Record one row's generation (once), count it and renew the lease; LeaseLostError when the job is gone."""
    job = _held(lease).select_for_update().first()
    if job is None:
        raise LeaseLostError(lease.job_id)
    # The lease makes this the only writer, and rows recorded before (by a worker that stopped) are skipped.
    EvalGeneration.objects.create(job_id=lease.job_id, index=index, data=data)
    until = timezone.now() + timedelta(seconds=eval_settings().lease_seconds)
    _held(lease).update(rows_generated=F("rows_generated") + 1, leased_until=until)


def eval_job_complete(*, lease: JobLease, scores: dict[str, Any]) -> bool:
    return bool(
        _held(lease).update(
            status=EvalJob.Status.COMPLETED,
            scores=scores,
            finished_at=timezone.now(),
            lease_token="",
            leased_until=None,
        )
    )


def eval_job_fail(*, job_id: str, error: str, lease: JobLease | None = None) -> bool:
    """Fail a job that has not ended (the one this lease holds, when given)."""
    with transaction.atomic():
        jobs = EvalJob.objects.select_for_update().filter(id=job_id, status__in=EvalJob.ACTIVE)
        if lease is not None:
            jobs = jobs.filter(lease_token=lease.token)
        job = jobs.first()
        if job is None:
            return False
        _fail(job, error)
        return True


def eval_job_release(*, lease: JobLease) -> None:
    """Give the job back after this worker failed unexpectedly: sent again now, and counted as an attempt."""
    with transaction.atomic():
        if _held(lease).update(lease_token="", leased_until=None, sent_at=timezone.now()):
            send_on_commit(RUN_TASK, lease.job_id)


# --- maintenance ----------------------------------------------------------------------------------------


def eval_jobs_recover() -> dict[str, int]:
    """The maintenance sweep: send again the jobs whose worker stopped renewing its lease, and the scheduled
    ones no worker started; fail those that were sent too often."""
    conf = eval_settings()
    now = timezone.now()
    stale_before = now - timedelta(seconds=conf.requeue_seconds)
    report = {"resent": 0, "failed": 0}
    lapsed = Q(status=EvalJob.Status.IN_PROGRESS) & (
        Q(leased_until__lt=now) | Q(leased_until__isnull=True, sent_at__lt=stale_before)
    )
    forgotten = Q(status=EvalJob.Status.SCHEDULED, sent_at__lt=stale_before)
    for job_id in list(EvalJob.objects.filter(lapsed | forgotten).values_list("id", flat=True)):
        with transaction.atomic():
            job = EvalJob.objects.select_for_update().filter(lapsed | forgotten, id=job_id).first()
            if job is None:
                continue
            if job.status == EvalJob.Status.SCHEDULED:
                # Its message was lost, or its task could not start it: that counts as an attempt too.
                job.attempts += 1
                if job.attempts > conf.max_attempts:
                    _fail(job, f"No worker could start the job in {conf.max_attempts} attempts.")
                    report["failed"] += 1
                    continue
            job.lease_token, job.leased_until, job.sent_at = "", None, now
            job.save(update_fields=["attempts", "lease_token", "leased_until", "sent_at"])
            send_on_commit(RUN_TASK, job.id)
            report["resent"] += 1
    if any(report.values()):
        logger.info("Eval maintenance: %s", report)
    return report
