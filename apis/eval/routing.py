"""The eval API: routes each request to the eval provider running its benchmark."""

from apis.benchmarks.table import BENCHMARKS
from apis.eval.protocol import EvalProvider
from apis.eval.schemas import EvaluateResponse, EvaluateRowsRequest, Job, JobRequest, RunEvalRequest


class EvalRouter:
    async def run_eval(self, request: RunEvalRequest) -> Job:
        route = await BENCHMARKS.aroute(request.benchmark_id, param="benchmark_id")
        provider: EvalProvider = route.provider
        return await provider.run_eval(route.resource, request)

    async def evaluate_rows(self, request: EvaluateRowsRequest) -> EvaluateResponse:
        route = await BENCHMARKS.aroute(request.benchmark_id, param="benchmark_id")
        provider: EvalProvider = route.provider
        return await provider.evaluate_rows(route.resource, request)

    async def job_status(self, request: JobRequest) -> Job:
        route = await BENCHMARKS.aroute(request.benchmark_id, param="benchmark_id")
        provider: EvalProvider = route.provider
        return await provider.job_status(route.resource, request)

    async def job_cancel(self, request: JobRequest) -> Job:
        route = await BENCHMARKS.aroute(request.benchmark_id, param="benchmark_id")
        provider: EvalProvider = route.provider
        return await provider.job_cancel(route.resource, request)

    async def job_result(self, request: JobRequest) -> EvaluateResponse:
        route = await BENCHMARKS.aroute(request.benchmark_id, param="benchmark_id")
        provider: EvalProvider = route.provider
        return await provider.job_result(route.resource, request)
