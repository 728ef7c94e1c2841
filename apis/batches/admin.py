"""Admin of batches: status, progress, timestamps, errors, links to the files, and a cancel action."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apis.batches.models import Batch, BatchChunk
from apis.batches.services import batch_cancel
from apis.common.errors import ConflictError


def _file_link(file_id: str | None) -> str:
    if not file_id:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse("admin:files_storedfile_change", args=[file_id]), file_id)


class BatchChunkInline(admin.TabularInline):
    model = BatchChunk
    extra = 0
    can_delete = False
    fields = ("index", "first_line", "last_line", "line_count", "recorded", "status", "attempts", "leased_until")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Batch | None = None) -> bool:
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "progress", "endpoint", "model", "created_at", "input_file", "output_file")
    list_filter = ("status", "endpoint")
    search_fields = ("id", "input_file_id", "model", "idempotency_key")
    date_hierarchy = "created_at"
    actions = ["cancel_batches"]
    inlines = [BatchChunkInline]
    fieldsets = (
        (None, {"fields": ("id", "status", "progress", "endpoint", "model", "completion_window", "metadata")}),
        ("Files", {"fields": ("input_file", "output_file", "error_file")}),
        ("Requests", {"fields": ("request_total", "request_completed", "request_failed", "tokens")}),
        ("Errors", {"fields": ("error_list",)}),
        (
            "Timestamps",
            {
                "fields": (
                    "created_at",
                    "in_progress_at",
                    "finalizing_at",
                    "completed_at",
                    "failed_at",
                    "expires_at",
                    "expired_at",
                    "cancelling_at",
                    "cancelled_at",
                )
            },
        ),
        ("Ownership", {"fields": ("idempotency_key", "owner_principal", "owner_attributes")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Batch | None = None) -> list[str]:
        names = [name for _, options in self.fieldsets for name in options["fields"]]
        return names

    @admin.display(description="progress")
    def progress(self, batch: Batch) -> str:
        done = batch.request_completed + batch.request_failed
        percent = round(100 * done / batch.request_total) if batch.request_total else 0
        return format_html(
            '<progress value="{}" max="100" title="{}%"></progress> {} / {} ({} failed)',
            percent,
            percent,
            done,
            batch.request_total,
            batch.request_failed,
        )

    @admin.display(description="input file")
    def input_file(self, batch: Batch) -> str:
        return _file_link(batch.input_file_id)

    @admin.display(description="output file")
    def output_file(self, batch: Batch) -> str:
        return _file_link(batch.output_file_id)

    @admin.display(description="error file")
    def error_file(self, batch: Batch) -> str:
        return _file_link(batch.error_file_id)

    @admin.display(description="tokens")
    def tokens(self, batch: Batch) -> str:
        return f"{batch.input_tokens} in, {batch.output_tokens} out, {batch.total_tokens} total"

    @admin.display(description="errors")
    def error_list(self, batch: Batch) -> str:
        if not batch.errors:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>line {}: <code>{}</code> {} {}</li>",
                (
                    (error.get("line") or "-", error.get("code"), error.get("message"), error.get("param") or "")
                    for error in batch.errors
                ),
            ),
        )

    @admin.action(description="Cancel the selected batches")
    def cancel_batches(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        cancelled = 0
        for batch_id in queryset.values_list("id", flat=True):
            try:
                batch_cancel(batch_id=batch_id)
                cancelled += 1
            except ConflictError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        if cancelled:
            self.message_user(request, f"{cancelled} batch(es) cancelling.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
