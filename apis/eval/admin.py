"""Admin of eval jobs: follow their progress, read their scores or error, cancel them. Jobs are started through
the API (POST /v1alpha/eval/benchmarks/{id}/jobs), never edited here."""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from apis.common.errors import StackError
from apis.eval.models import EvalJob
from apis.eval.services import eval_job_cancel


@admin.register(EvalJob)
class EvalJobAdmin(admin.ModelAdmin):
    list_display = ("id", "benchmark_id", "model", "status", "progress", "owner_principal", "created_at", "finished_at")
    list_filter = ("status", "benchmark_id", "provider_id")
    search_fields = ("id", "benchmark_id", "owner_principal")
    date_hierarchy = "created_at"
    actions = ["cancel_jobs"]
    fieldsets = (
        ("Progress", {"fields": ("status", "progress", "error", "attempts", "leased_until")}),
        ("Run", {"fields": ("id", "benchmark_id", "provider_id", "model", "config")}),
        ("Scores", {"fields": ("aggregated_scores",)}),
        ("Timeline", {"fields": ("created_at", "started_at", "finished_at")}),
        ("Ownership", {"fields": ("owner_principal", "owner_attributes")}),
    )
    readonly_fields = (
        "status", "progress", "error", "attempts", "leased_until", "id", "benchmark_id", "provider_id", "model",
        "config", "aggregated_scores", "created_at", "started_at", "finished_at", "owner_principal",
        "owner_attributes",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EvalJob | None = None) -> bool:
        return False

    @admin.display(description="progress")
    def progress(self, obj: EvalJob) -> str:
        if obj.rows_total is None:
            return "reading the dataset" if obj.status == EvalJob.Status.IN_PROGRESS else "-"
        percent = round(100 * obj.rows_generated / obj.rows_total) if obj.rows_total else 100
        return format_html(
            '<progress max="100" value="{}" title="{}%"></progress> {} / {} rows',
            percent, percent, obj.rows_generated, obj.rows_total,
        )

    @admin.display(description="benchmark config")
    def config(self, obj: EvalJob) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.benchmark_config, indent=2))

    @admin.display(description="aggregated results")
    def aggregated_scores(self, obj: EvalJob) -> str:
        if not obj.scores:
            return "-"
        aggregated = {name: result.get("aggregated_results") for name, result in obj.scores.items()}
        return format_html("<pre>{}</pre>", json.dumps(aggregated, indent=2))

    @admin.action(description="Cancel the selected jobs", permissions=["cancel"])
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[EvalJob]) -> None:
        cancelled = 0
        for job in queryset.filter(status__in=EvalJob.ACTIVE):
            try:
                eval_job_cancel(job_id=job.id, benchmark_id=job.benchmark_id)
                cancelled += 1
            except StackError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, f"{cancelled} job(s) cancelled.", messages.SUCCESS)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        """Jobs never change in the admin, but people who may change them may cancel them."""
        return request.user.has_perm("eval.change_evaljob")
