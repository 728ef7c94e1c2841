"""Routes of the eval API, under a benchmark: synchronous evaluations and Celery jobs."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.eval.protocol import Eval
from apis.eval.schemas import (
    BenchmarkPath,
    EvaluateResponse,
    EvaluateRowsBody,
    EvaluateRowsRequest,
    Job,
    JobRequest,
    RunEvalBody,
    RunEvalRequest,
)


def create_router(impl: Eval) -> Router:
    router = Router(tags=["Eval"])

    @router.post(
        "/eval/benchmarks/{benchmark_id}/evaluations",
        response=EvaluateResponse,
        summary="Evaluate a few rows now",
        description="Generates with the candidate and scores within the request: at most STACK_EVAL_SYNC_MAX_ROWS "
        "rows (400 above). Run a job for more.",
    )
    async def evaluate_rows(
        request: HttpRequest, path: Path[BenchmarkPath], body: EvaluateRowsBody
    ) -> EvaluateResponse:
        return await impl.evaluate_rows(EvaluateRowsRequest(benchmark_id=path.benchmark_id, **dict(body)))

    @router.post("/eval/benchmarks/{benchmark_id}/jobs", response=Job, summary="Run a benchmark as a job")
    async def run_eval(request: HttpRequest, path: Path[BenchmarkPath], body: RunEvalBody) -> Job:
        return await impl.run_eval(RunEvalRequest(benchmark_id=path.benchmark_id, **dict(body)))

    @router.get("/eval/benchmarks/{benchmark_id}/jobs/{job_id}", response=Job, summary="Get a job's status")
    async def job_status(request: HttpRequest, params: Path[JobRequest]) -> Job:
        return await impl.job_status(params)

    @router.delete("/eval/benchmarks/{benchmark_id}/jobs/{job_id}", response=Job, summary="Cancel a job")
    async def job_cancel(request: HttpRequest, params: Path[JobRequest]) -> Job:
        return await impl.job_cancel(params)

    @router.get(
        "/eval/benchmarks/{benchmark_id}/jobs/{job_id}/result",
        response=EvaluateResponse,
        summary="Get a completed job's generations and scores",
    )
    async def job_result(request: HttpRequest, params: Path[JobRequest]) -> EvaluateResponse:
        return await impl.job_result(params)

    return router
