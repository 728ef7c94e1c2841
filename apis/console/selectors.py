"""Reads of the operations console: provider health, batch progress and timelines, and the dashboard.

Health checks and model listings go to every provider at once, each bounded by a short timeout, so a
provider that hangs costs a page at most that long.
"""

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.admin.models import LogEntry
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apis.access.models import ApiKey
from apis.batches.models import Batch
from apis.common.errors import StackError
from apis.files.models import StoredFile
from apis.files.selectors import files_live
from apis.inference.schemas import ProviderModel
from apis.models.models import Model
from apis.providers.models import ProviderRegistration
from providers.resolver import ProviderHandle, check_health, get_stack
from providers.spec import Api

HEALTH_TIMEOUT_SECONDS = 2.0
LIST_MODELS_TIMEOUT_SECONDS = 5.0
IN_FLIGHT = (
    Batch.Status.VALIDATING,
    Batch.Status.IN_PROGRESS,
    Batch.Status.FINALIZING,
    Batch.Status.CANCELLING,
)


@dataclass(frozen=True)
class Health:
    status: str  # "OK", "Error", "Not Implemented" or "Disabled"
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "OK"

    @property
    def down(self) -> bool:
        return self.status == "Error"


DISABLED = Health("Disabled", "The registration is disabled.")


async def _health(handle: ProviderHandle, timeout: float) -> Health:
    result = await check_health(handle, timeout=timeout)
    return Health(result["status"], result.get("message", ""))


def providers_health(*, timeout: float = HEALTH_TIMEOUT_SECONDS) -> dict[str, Health]:
    """The health of every provider this process runs (or failed to start), checked concurrently."""
    handles = list(get_stack().handles.values())

    async def gather() -> list[Health]:
        return await asyncio.gather(*(_health(handle, timeout) for handle in handles))

    return dict(zip((handle.provider_id for handle in handles), async_to_sync(gather)(), strict=True))


def provider_health(*, provider_id: str, timeout: float = HEALTH_TIMEOUT_SECONDS) -> Health:
    """One provider's health; disabled (or unknown) providers are not running and so not checked."""
    handle = get_stack().handles.get(provider_id)
    return async_to_sync(_health)(handle, timeout) if handle is not None else DISABLED


def model_counts_by_provider() -> dict[str, int]:
    rows = Model.objects.values("provider_id").annotate(count=Count("id")).values_list("provider_id", "count")
    return dict(rows)


@dataclass(frozen=True)
class ProviderStatus:
    registration: ProviderRegistration
    health: Health
    model_count: int


def provider_statuses(*, timeout: float = HEALTH_TIMEOUT_SECONDS) -> list[ProviderStatus]:
    """Every registration with its health (disabled ones are not checked) and how many models it serves."""
    health = providers_health(timeout=timeout)
    counts = model_counts_by_provider()
    return [
        ProviderStatus(
            registration=row,
            health=health.get(row.provider_id, DISABLED) if row.enabled else DISABLED,
            model_count=counts.get(row.provider_id, 0),
        )
        for row in ProviderRegistration.objects.order_by("api", "provider_id")
    ]


@dataclass(frozen=True)
class ListedModel:
    """A model the provider lists, and the identifiers it is registered under here."""

    provider_model_id: str
    model_type: str
    registered_as: list[str]


@dataclass(frozen=True)
class ConnectionReport:
    """What "test connection" found: the provider's health and, for inference providers, the models it lists."""

    provider_id: str
    health: Health
    elapsed_ms: int
    lists_models: bool
    models: list[ListedModel] | None = None
    models_error: str | None = None


async def _listed_models(handle: ProviderHandle, timeout: float) -> tuple[list[ProviderModel] | None, str | None]:
    try:
        return await asyncio.wait_for(handle.impl.list_provider_models(), timeout), None
    except TimeoutError:
        return None, f"Listing the models timed out after {timeout:g}s."
    except StackError as exc:
        return None, exc.message
    except Exception as exc:  # the provider's own code may fail in any way: that is what the test reports
        return None, str(exc) or type(exc).__name__


def provider_connection_test(
    *, provider_id: str, timeout: float = HEALTH_TIMEOUT_SECONDS, list_timeout: float = LIST_MODELS_TIMEOUT_SECONDS
) -> ConnectionReport:
    """Check the provider's health and list its models (inference providers), both at once."""
    handle = get_stack().handles.get(provider_id)
    if handle is None:
        return ConnectionReport(provider_id=provider_id, health=DISABLED, elapsed_ms=0, lists_models=False)
    lists_models = handle.api == Api.inference and handle.ok

    async def run() -> tuple[Health, tuple[list[ProviderModel] | None, str | None]]:
        if not lists_models:
            return await _health(handle, timeout), (None, None)
        health, listing = await asyncio.gather(_health(handle, timeout), _listed_models(handle, list_timeout))
        return health, listing

    started = time.monotonic()
    health, (models, models_error) = async_to_sync(run)()
    elapsed_ms = round(1000 * (time.monotonic() - started))
    registered: dict[str, list[str]] = {}
    for identifier, provider_resource_id in Model.objects.filter(provider_id=provider_id).values_list(
        "identifier", "provider_resource_id"
    ):
        registered.setdefault(provider_resource_id, []).append(identifier)
    listed = None
    if models is not None:
        listed = [
            ListedModel(model.provider_model_id, model.model_type, sorted(registered.get(model.provider_model_id, [])))
            for model in models
        ]
    return ConnectionReport(
        provider_id=provider_id,
        health=health,
        elapsed_ms=elapsed_ms,
        lists_models=lists_models,
        models=listed,
        models_error=models_error,
    )


@dataclass(frozen=True)
class BatchProgress:
    batch_id: str
    status: str
    total: int
    completed: int
    failed: int

    @property
    def done(self) -> int:
        return self.completed + self.failed

    @property
    def terminal(self) -> bool:
        return self.status in Batch.TERMINAL

    @property
    def percent(self) -> int:
        if self.status == Batch.Status.COMPLETED:
            return 100
        # Rounded down: 100% means every request has its result, never "almost".
        return 100 * self.done // self.total if self.total else 0


def batch_progress(batch: Batch) -> BatchProgress:
    return BatchProgress(
        batch_id=batch.id,
        status=batch.status,
        total=batch.request_total,
        completed=batch.request_completed,
        failed=batch.request_failed,
    )


@dataclass(frozen=True)
class TimelineStep:
    label: str
    at: datetime
    since_created: timedelta


# The status timestamps of a batch, by the step they mark.
TIMELINE_STAMPS = (
    ("created", "created_at"),
    ("in progress", "in_progress_at"),
    ("finalizing", "finalizing_at"),
    ("completed", "completed_at"),
    ("failed", "failed_at"),
    ("window passed", "expired_at"),
    ("cancelling", "cancelling_at"),
    ("cancelled", "cancelled_at"),
)


def batch_timeline(batch: Batch) -> list[TimelineStep]:
    """The steps the batch went through, in the order they happened."""
    steps = [
        TimelineStep(label, getattr(batch, field), getattr(batch, field) - batch.created_at)
        for label, field in TIMELINE_STAMPS
        if getattr(batch, field) is not None
    ]
    return sorted(steps, key=lambda step: step.at)


def batches_using_file(*, file_id: str) -> QuerySet[Batch]:
    """Batches that read the file or wrote it."""
    return Batch.objects.filter(Q(input_file_id=file_id) | Q(output_file_id=file_id) | Q(error_file_id=file_id))


def batch_input_files(*, limit: int = 200) -> QuerySet[StoredFile]:
    """Files a new batch can read (purpose "batch", not expired), newest first."""
    return files_live().filter(purpose="batch").order_by("-created_at", "-id")[:limit]


def first_error(batch: Batch) -> str:
    if not batch.errors:
        return ""
    error: dict[str, Any] = batch.errors[0]
    line = f"line {error['line']}: " if error.get("line") else ""
    more = f" (+{len(batch.errors) - 1} more)" if len(batch.errors) > 1 else ""
    return f"{line}{error.get('message') or error.get('code') or ''}{more}"


@dataclass(frozen=True)
class BatchRow:
    batch: Batch
    progress: BatchProgress
    error: str


@dataclass(frozen=True)
class Dashboard:
    providers: list[ProviderStatus]
    model_total: int
    batches_in_flight: list[BatchRow]
    recent_batches: list[BatchRow]
    failed_batches: list[BatchRow]
    failed_batches_24h: int
    quota_keys: list[ApiKey]
    quota_hits_total: int
    recent_changes: list[LogEntry]

    @property
    def providers_down(self) -> list[ProviderStatus]:
        return [status for status in self.providers if status.health.down]

    @property
    def providers_ok(self) -> int:
        return sum(1 for status in self.providers if status.health.ok)

    @property
    def providers_enabled(self) -> int:
        return sum(1 for status in self.providers if status.registration.enabled)


def _rows(batches: QuerySet[Batch]) -> list[BatchRow]:
    return [BatchRow(batch, batch_progress(batch), first_error(batch)) for batch in batches]


def dashboard(*, limit: int = 8) -> Dashboard:
    """Everything the console's front page shows."""
    day_ago = timezone.now() - timedelta(days=1)
    failed = Batch.objects.filter(status__in=(Batch.Status.FAILED, Batch.Status.EXPIRED)).annotate(
        failed_or_expired_at=Coalesce("failed_at", "expired_at", "created_at")
    )
    return Dashboard(
        providers=provider_statuses(),
        model_total=Model.objects.count(),
        batches_in_flight=_rows(Batch.objects.filter(status__in=IN_FLIGHT).order_by("created_at")[: limit * 2]),
        recent_batches=_rows(Batch.objects.exclude(status__in=IN_FLIGHT).order_by("-created_at")[:limit]),
        failed_batches=_rows(failed.order_by("-failed_or_expired_at")[:limit]),
        failed_batches_24h=failed.filter(failed_or_expired_at__gte=day_ago).count(),
        quota_keys=list(ApiKey.objects.filter(quota_hits__gt=0).order_by("-last_quota_hit_at")[:limit]),
        quota_hits_total=ApiKey.objects.aggregate(total=Coalesce(Sum("quota_hits"), 0))["total"],
        recent_changes=list(LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[:limit]),
    )
