"""Reads of eval jobs, and the one mapping of a job row to the API's `Job` and result."""

from datetime import datetime
from typing import Any

from apis.access.guards import ensure
from apis.common.errors import EvalJobNotFoundError
from apis.eval.models import EvalGeneration, EvalJob
from apis.eval.schemas import EvaluateResponse, Job, JobProgress
from apis.scoring.schemas import ScoringResult


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def eval_job_to_schema(row: EvalJob) -> Job:
    return Job(
        job_id=row.id,
        benchmark_id=row.benchmark_id,
        status=row.status,  # type: ignore[arg-type]
        progress=JobProgress(generated=row.rows_generated, total=row.rows_total),
        error=row.error or None,
        created_at=int(row.created_at.timestamp()),
        started_at=_timestamp(row.started_at),
        completed_at=_timestamp(row.finished_at),
    )


def eval_job_get(*, job_id: str, benchmark_id: str) -> EvalJob:
    """The job of this benchmark, if the caller may read it (404 otherwise)."""
    row = EvalJob.objects.filter(id=job_id, benchmark_id=benchmark_id).first()
    if row is None:
        raise EvalJobNotFoundError(job_id, param="job_id")
    ensure("eval_job", row, "read", EvalJobNotFoundError(job_id, param="job_id"))
    return row


def eval_job_generations(*, job_id: str) -> dict[int, dict[str, Any]]:
    """The generations recorded so far, by row."""
    return dict(EvalGeneration.objects.filter(job_id=job_id).values_list("index", "data"))


def eval_job_result(*, row: EvalJob) -> EvaluateResponse:
    """The result of a completed job: each row's generation, in order, and the scores."""
    generations = EvalGeneration.objects.filter(job=row).order_by("index").values_list("data", flat=True)
    scores = {identifier: ScoringResult.model_validate(result) for identifier, result in (row.scores or {}).items()}
    return EvaluateResponse(generations=list(generations), scores=scores)
