"""The `inline::meta-reference` eval provider: the candidate model answers each row of the benchmark's dataset
through our inference routing, and the benchmark's scoring functions grade the answers through the scoring API.

Jobs run on Celery workers under a lease (apis.eval.services): each row's answer is recorded as soon as
it arrives, so a job resumed by another worker answers only the rows still missing.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections

from apis.access.identity import acting_as, owner_fields
from apis.access.services import access_for_owner
from apis.benchmarks.schemas import Benchmark
from apis.benchmarks.table import BENCHMARKS, benchmark_to_schema
from apis.common.errors import BadRequestError, ConflictError, ModelNotFoundError, StackError
from apis.datasetio.protocol import DatasetIO
from apis.datasetio.routing import adataset_rows
from apis.eval import selectors, services
from apis.eval.conf import EvalSettings, eval_settings
from apis.eval.models import EvalJob
from apis.eval.schemas import (
    BenchmarkConfig,
    EvaluateResponse,
    EvaluateRowsRequest,
    Job,
    JobRequest,
    ModelCandidate,
    RunEvalRequest,
)
from apis.eval.services import JobLease, LeaseLostError
from apis.inference.protocol import Inference
from apis.inference.schemas import ChatCompletion
from apis.models.table import MODELS
from apis.scoring.protocol import Scoring
from apis.scoring.schemas import ScoreRequest, ScoringResult
from providers.inline.eval.meta_reference.config import MetaReferenceEvalConfig
from providers.inline.eval.meta_reference.generation import (
    answer_of,
    completion_request,
    is_transient,
    row_messages,
    scoring_row,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


class RowFailedError(Exception):
    """A row whose answer could not be generated; the job fails with the row's number."""

    def __init__(self, index: int, error: StackError) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


async def run_all(tasks: Iterable[Awaitable[T]]) -> list[T]:
    """Await every task; on the first failure cancel the others and raise it (not an ExceptionGroup)."""
    running = [asyncio.ensure_future(task) for task in tasks]
    if not running:
        return []
    try:
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return [task.result() for task in running]
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


class MetaReferenceEval:
    def __init__(
        self, config: MetaReferenceEvalConfig, *, inference: Inference, datasetio: DatasetIO, scoring: Scoring
    ) -> None:
        self.config = config
        self.inference = inference
        self.datasetio = datasetio
        self.scoring = scoring

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}

    # --- the API ---------------------------------------------------------------------------------------

    async def run_eval(self, benchmark: Benchmark, request: RunEvalRequest) -> Job:
        await self._check(benchmark, request.benchmark_config, benchmark.scoring_functions)
        row = await sync_to_async(services.eval_job_create)(
            benchmark_id=benchmark.identifier,
            provider_id=benchmark.provider_id,
            benchmark_config=request.benchmark_config.model_dump(mode="json"),
            # Who starts the job owns it; the worker runs it with the owner's rights.
            **owner_fields(),
        )
        return selectors.eval_job_to_schema(row)

    async def evaluate_rows(self, benchmark: Benchmark, request: EvaluateRowsRequest) -> EvaluateResponse:
        config = request.benchmark_config
        functions = request.scoring_functions or benchmark.scoring_functions
        await self._check(benchmark, config, functions)
        conf = eval_settings()
        wanted = min(config.num_examples or conf.sync_max_rows + 1, conf.sync_max_rows + 1)
        if request.input_rows is not None:
            rows = request.input_rows[: config.num_examples] if config.num_examples else request.input_rows
        else:
            rows = await adataset_rows(self.datasetio, benchmark.dataset_id, limit=wanted)
        if len(rows) > conf.sync_max_rows:
            raise BadRequestError(
                f"At most {conf.sync_max_rows} rows are evaluated within a request; run a job "
                f"(POST /v1alpha/eval/benchmarks/{benchmark.identifier}/jobs) for more.",
                param="input_rows" if request.input_rows is not None else "benchmark_config.num_examples",
            )
        limit = asyncio.Semaphore(conf.concurrency)

        async def answer(index: int, row: dict[str, Any]) -> dict[str, Any]:
            async with limit:
                return await self._generate(config.eval_candidate, row, index, conf)

        generations = await run_all(answer(index, row) for index, row in enumerate(rows))
        scores = await self._score(rows, generations, functions, config)
        return EvaluateResponse(generations=generations, scores=scores)

    async def job_status(self, benchmark: Benchmark, request: JobRequest) -> Job:
        row = await sync_to_async(selectors.eval_job_get)(job_id=request.job_id, benchmark_id=benchmark.identifier)
        return selectors.eval_job_to_schema(row)

    async def job_cancel(self, benchmark: Benchmark, request: JobRequest) -> Job:
        row = await sync_to_async(services.eval_job_cancel)(job_id=request.job_id, benchmark_id=benchmark.identifier)
        return selectors.eval_job_to_schema(row)

    async def job_result(self, benchmark: Benchmark, request: JobRequest) -> EvaluateResponse:
        def result() -> EvaluateResponse:
            row = selectors.eval_job_get(job_id=request.job_id, benchmark_id=benchmark.identifier)
            if row.status != EvalJob.Status.COMPLETED:
                raise ConflictError(
                    f"Eval job '{row.id}' is {row.status}; its result is available once it has completed.",
                    code="job_not_completed",
                )
            return selectors.eval_job_result(row=row)

        return await sync_to_async(result)()

    # --- checks, generation, scoring -----------------------------------------------------------------------

    async def _check(self, benchmark: Benchmark, config: BenchmarkConfig, functions: list[str]) -> None:
        """The candidate is an LLM the caller may use; scoring_params name only functions that will run."""
        model = config.eval_candidate.model
        param = "benchmark_config.eval_candidate.model"
        try:
            registered = await MODELS.aget(model)
        except ModelNotFoundError:
            raise BadRequestError(f"Model '{model}' not found.", code="model_not_found", param=param) from None
        if registered.model_type != "llm":
            raise BadRequestError(
                f"Model '{model}' is of type '{registered.model_type}'; a candidate must be an LLM.", param=param
            )
        unknown = sorted(set(config.scoring_params) - set(functions))
        if unknown:
            raise BadRequestError(
                f"scoring_params names {', '.join(repr(name) for name in unknown)}, not among the scoring functions "
                f"of this evaluation: {', '.join(functions)}.",
                param="benchmark_config.scoring_params",
            )

    async def _generate(
        self, candidate: ModelCandidate, row: dict[str, Any], index: int, conf: EvalSettings
    ) -> dict[str, Any]:
        request = completion_request(candidate, row_messages(row, index))
        for attempt in range(conf.request_retries + 1):
            try:
                completion = await self.inference.openai_chat_completion(request)
                break
            except StackError as exc:
                if not is_transient(exc) or attempt == conf.request_retries:
                    raise
            await asyncio.sleep(conf.retry_backoff_seconds * 2**attempt)
        assert isinstance(completion, ChatCompletion)
        return {"generated_answer": answer_of(completion)}

    async def _score(
        self,
        rows: list[dict[str, Any]],
        generations: list[dict[str, Any]],
        functions: list[str],
        config: BenchmarkConfig,
    ) -> dict[str, ScoringResult]:
        request = ScoreRequest(
            input_rows=[scoring_row(row, generation) for row, generation in zip(rows, generations, strict=True)],
            scoring_functions={identifier: config.scoring_params.get(identifier) for identifier in functions},
        )
        return (await self.scoring.score(request)).results

    # --- jobs, on a worker ---------------------------------------------------------------------------------

    def run_job(self, *, job_id: str) -> None:
        lease = services.eval_job_claim(job_id=job_id)
        if lease is None:
            return
        access = access_for_owner(owner_principal=lease.owner_principal, owner_attributes=lease.owner_attributes)
        with acting_as(access):
            try:
                asyncio.run(self._run_job(lease))
            except LeaseLostError:
                logger.info("Eval job %s was cancelled or taken over; this worker stopped.", job_id)
            except RowFailedError as exc:
                services.eval_job_fail(job_id=job_id, error=f"Row {exc.index}: {exc.error.message}", lease=lease)
            except StackError as exc:
                services.eval_job_fail(job_id=job_id, error=exc.message, lease=lease)
            except Exception:
                # Not the job's fault (a database that went away...): another attempt, up to STACK_EVAL_MAX_ATTEMPTS.
                logger.exception("Eval job %s stopped on an unexpected error; it will be tried again", job_id)
                services.eval_job_release(lease=lease)

    async def _run_job(self, lease: JobLease) -> None:
        # The database work of the loop runs in asgiref's one sync thread, whose connections outlive the task:
        # check them before, and close them after.
        await sync_to_async(close_old_connections)()
        try:
            await self._with_heartbeat(lease, lambda: self._job(lease))
        finally:
            await sync_to_async(connections.close_all)()

    async def _with_heartbeat(self, lease: JobLease, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` while renewing the lease; a lease lost (cancelled, taken over) stops the work."""
        conf = eval_settings()

        async def heartbeat() -> None:
            while True:
                await asyncio.sleep(conf.heartbeat_seconds)
                if not await sync_to_async(services.eval_job_renew)(lease=lease):
                    raise LeaseLostError(lease.job_id)

        beating = asyncio.ensure_future(heartbeat())
        working = asyncio.ensure_future(work())
        try:
            await asyncio.wait({beating, working}, return_when=asyncio.FIRST_COMPLETED)
            if working.done():
                working.result()
            else:
                beating.result()
        finally:
            for task in (beating, working):
                task.cancel()
            with suppress(BaseException):
                await asyncio.gather(beating, working, return_exceptions=True)

    async def _job(self, lease: JobLease) -> None:
        conf = eval_settings()
        config = BenchmarkConfig.model_validate(lease.benchmark_config)
        benchmark = benchmark_to_schema(await BENCHMARKS.aget(lease.benchmark_id))
        wanted = config.num_examples or conf.job_max_rows + 1
        rows = await adataset_rows(self.datasetio, benchmark.dataset_id, limit=min(wanted, conf.job_max_rows + 1))
        if len(rows) > conf.job_max_rows:
            raise BadRequestError(
                f"Dataset '{benchmark.dataset_id}' has more than {conf.job_max_rows} rows, the most a job evaluates: "
                "set benchmark_config.num_examples."
            )
        await sync_to_async(services.eval_job_set_total)(lease=lease, total=len(rows))
        generations = await sync_to_async(selectors.eval_job_generations)(job_id=lease.job_id)
        limit = asyncio.Semaphore(conf.concurrency)

        async def answer(index: int) -> None:
            async with limit:
                try:
                    generation = await self._generate(config.eval_candidate, rows[index], index, conf)
                except StackError as exc:
                    raise RowFailedError(index, exc) from exc
                await sync_to_async(services.eval_job_record)(lease=lease, index=index, data=generation)
            generations[index] = generation

        await run_all(answer(index) for index in range(len(rows)) if index not in generations)
        ordered = [generations[index] for index in range(len(rows))]
        scores = await self._score(rows, ordered, benchmark.scoring_functions, config)
        completed = await sync_to_async(services.eval_job_complete)(
            lease=lease, scores={identifier: result.model_dump(mode="json") for identifier, result in scores.items()}
        )
        if not completed:
            raise LeaseLostError(lease.job_id)
