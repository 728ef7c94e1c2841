"""The eval API (what the routes call) and what an eval provider implements."""

from typing import Protocol

from apis.benchmarks.schemas import Benchmark
from apis.eval.schemas import EvaluateResponse, EvaluateRowsRequest, Job, JobRequest, RunEvalRequest


class Eval(Protocol):
    async def run_eval(self, request: RunEvalRequest) -> Job: ...

    async def evaluate_rows(self, request: EvaluateRowsRequest) -> EvaluateResponse: ...

    async def job_status(self, request: JobRequest) -> Job: ...

    async def job_cancel(self, request: JobRequest) -> Job: ...

    async def job_result(self, request: JobRequest) -> EvaluateResponse: ...


class EvalProvider(Protocol):
    """Runs the benchmarks registered with it; `benchmark.provider_resource_id` is its own id for one.

    Jobs run on Celery workers: the "eval.run_job" task calls `run_job(job_id=...)` of the job's provider.
    """

    async def run_eval(self, benchmark: Benchmark, request: RunEvalRequest) -> Job:
        """Check the request and schedule a job owned by the caller."""
        ...

    async def evaluate_rows(self, benchmark: Benchmark, request: EvaluateRowsRequest) -> EvaluateResponse:
        """Generate and score a few rows within the request."""
        ...

    async def job_status(self, benchmark: Benchmark, request: JobRequest) -> Job: ...

    async def job_cancel(self, benchmark: Benchmark, request: JobRequest) -> Job: ...

    async def job_result(self, benchmark: Benchmark, request: JobRequest) -> EvaluateResponse: ...

    def run_job(self, *, job_id: str) -> None:
        """Run (or resume) a job on a worker, with its owner's rights."""
        ...
