"""Admin of batches: create one from an uploaded file, watch its progress live, read its timeline and errors,
open or download its files, cancel it.

The change page's progress bar polls a small JSON view (`<id>/progress/`, staff only) every second while
the batch runs; console.js updates the page in place from it.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from apis.batches.models import Batch, BatchChunk
from apis.batches.schemas import SUPPORTED_ENDPOINTS, CreateBatchRequest
from apis.batches.services import batch_cancel, batch_create
from apis.common.errors import StackError
from apis.console.selectors import BatchProgress, batch_input_files, batch_progress, batch_timeline

FILE_FIELDS = {"input": "input_file_id", "output": "output_file_id", "error": "error_file_id"}


def _offset(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 60:
        return f"+{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"+{hours} h {minutes} min" if hours else f"+{minutes} min {seconds} s"


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")


def _file(file_id: str | None) -> dict[str, str] | None:
    if not file_id:
        return None
    return {
        "id": file_id,
        "url": reverse("admin:files_storedfile_change", args=[quote(file_id)]),
        "download": reverse("admin:files_storedfile_content", args=[quote(file_id)]),
    }


class BatchCreateForm(forms.ModelForm):
    """A new batch, as POST /v1/batches takes it: validated by the API's own request model."""

    input_file_id = forms.ChoiceField(label="input file", help_text="An uploaded JSONL file of purpose 'batch'.")
    endpoint = forms.ChoiceField(choices=[(endpoint, endpoint) for endpoint in SUPPORTED_ENDPOINTS])
    completion_window = forms.ChoiceField(choices=[("24h", "24h")], initial="24h")
    metadata = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60, "class": "console-json"}),
        help_text='Optional: up to 16 string pairs as a JSON object, e.g. {"run": "nightly"}.',
    )
    idempotency_key = forms.CharField(
        required=False, max_length=256, help_text="Optional: creating again with the same key returns this batch."
    )

    class Meta:
        model = Batch
        fields = ["input_file_id", "endpoint", "completion_window", "metadata", "idempotency_key"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["input_file_id"].choices = [
            (row.id, f"{row.filename} · {row.id} · {filesizeformat(row.bytes)} · {_when(row.created_at)}")
            for row in batch_input_files()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            request = CreateBatchRequest.model_validate(
                {
                    "input_file_id": cleaned["input_file_id"],
                    "endpoint": cleaned["endpoint"],
                    "completion_window": cleaned["completion_window"],
                    "metadata": cleaned.get("metadata"),
                    "idempotency_key": cleaned.get("idempotency_key") or None,
                }
            )
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else None
                self.add_error(name if name in self.fields else None, error["msg"])
            return cleaned
        cleaned["request"] = request
        return cleaned


class BatchChunkInline(admin.TabularInline):
    model = BatchChunk
    extra = 0
    can_delete = False
    fields = ("index", "first_line", "last_line", "line_count", "recorded", "status", "attempts", "leased_until")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Batch | None = None) -> bool:
        return False


class InFlightFilter(admin.SimpleListFilter):
    title = "activity"
    parameter_name = "activity"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("running", "in flight"), ("finished", "finished")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Batch]) -> QuerySet[Batch]:
        if self.value() == "running":
            return queryset.exclude(status__in=Batch.TERMINAL)
        if self.value() == "finished":
            return queryset.filter(status__in=Batch.TERMINAL)
        return queryset


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    form = BatchCreateForm
    change_form_template = "admin/batches/batch/change_form.html"
    list_display = (
        "id", "status_badge", "progress", "endpoint", "model", "provider_id", "created_at", "input_file", "output_file"
    )
    list_filter = (InFlightFilter, "status", "endpoint", "provider_id")
    search_fields = ("id", "input_file_id", "output_file_id", "model", "idempotency_key", "owner_principal")
    date_hierarchy = "created_at"
    actions = ["cancel_batches"]
    change_fieldsets = (
        ("Progress", {"fields": ("status_badge", "progress", "request_counts", "tokens")}),
        ("Request", {"fields": ("id", "endpoint", "model", "provider_id", "completion_window", "metadata")}),
        ("Files", {"fields": ("input_file", "output_file", "error_file")}),
        ("Timeline", {"fields": ("timeline", "expires_at")}),
        ("Errors", {"fields": ("error_list",)}),
        ("Ownership", {"fields": ("idempotency_key", "owner_principal", "owner_attributes")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Batch | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": BatchCreateForm.Meta.fields})]
        return self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Batch | None = None) -> list[str]:
        if obj is None:
            return []
        return [name for _, options in self.change_fieldsets for name in options["fields"]]

    def get_inlines(self, request: HttpRequest, obj: Batch | None) -> list[type[admin.TabularInline]]:
        return [BatchChunkInline] if obj is not None else []

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # "Create a batch from this file" on a file's page comes here with ?input_file_id=...
        return {"endpoint": SUPPORTED_ENDPOINTS[0], **super().get_changeform_initial_data(request)}

    # --- create ------------------------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Batch, form: forms.ModelForm, change: bool) -> None:
        batch_request: CreateBatchRequest = form.cleaned_data["request"]
        created = batch_create(
            input_file_id=batch_request.input_file_id,
            endpoint=batch_request.endpoint,
            completion_window=batch_request.completion_window,
            metadata=batch_request.metadata,
            idempotency_key=batch_request.idempotency_key,
            # Like a model registered here, the batch is owned by the person who created it.
            owner_principal=request.user.get_username(),
        )
        obj.pk, obj.status, obj.created_at = created.pk, created.status, created.created_at

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().add_view(request, form_url, extra_context)
        except StackError as exc:  # e.g. an idempotency key used before with other parameters
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_add(self, request: HttpRequest, obj: Batch, post_url_continue: str | None = None) -> HttpResponse:
        # Straight to the new batch's page, to watch it run.
        self.message_user(request, f"Batch {obj.pk} created.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:batches_batch_change", args=[quote(obj.pk)]))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        # Nothing on the page is edited: batches change through their engine, or cancel.
        context = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "subtitle": unquote(object_id),  # not str(batch): its status is shown live, the title would go stale
        }
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        obj = kwargs.get("obj")
        context["cancellable"] = obj is not None and self._cancellable(request, obj)
        return super().render_change_form(request, context, *args, **kwargs)

    # --- live progress -----------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="batches_batch_progress",
            ),
            path(
                "<path:object_id>/cancel/",
                self.admin_site.admin_view(require_POST(self.cancel_view)),
                name="batches_batch_cancel",
            ),
            *super().get_urls(),
        ]

    def _cancellable(self, request: HttpRequest, batch: Batch) -> bool:
        unfinished = batch.status not in (*Batch.TERMINAL, Batch.Status.CANCELLING)
        return unfinished and self.has_change_permission(request, batch)

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        batch = self.get_object(request, unquote(object_id))
        if batch is None or not self.has_view_permission(request, batch):
            return JsonResponse({"error": f"Batch '{object_id}' not found."}, status=404)
        progress = batch_progress(batch)
        return JsonResponse(
            {
                "id": batch.id,
                "status": batch.status,
                "terminal": progress.terminal,
                "percent": progress.percent,
                "done": progress.done,
                "total": progress.total,
                "completed": progress.completed,
                "failed": progress.failed,
                "timeline": [
                    {"label": step.label, "at": _when(step.at), "offset": _offset(step.since_created)}
                    for step in batch_timeline(batch)
                ],
                "files": {name: _file(getattr(batch, field)) for name, field in FILE_FIELDS.items()},
                "errors": batch.errors or [],
                "cancellable": self._cancellable(request, batch),
            }
        )

    # --- cancel ------------------------------------------------------------------------------------------

    def _cancel(self, request: HttpRequest, batch: Batch) -> bool:
        try:
            batch_cancel(batch_id=batch.id)
        except StackError as exc:
            self.message_user(request, exc.message, messages.WARNING)
            return False
        self.log_change(request, batch, "Cancelled.")
        return True

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        batch = self.get_object(request, unquote(object_id))
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, batch):
            return HttpResponse("You may not cancel batches.", status=403)
        if self._cancel(request, batch):
            self.message_user(request, f"Batch {batch.id} is cancelling.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:batches_batch_change", args=[quote(batch.id)]))

    @admin.action(description="Cancel the selected batches", permissions=["change"])
    def cancel_batches(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        cancelled = sum(1 for batch in queryset if self._cancel(request, batch))
        if cancelled:
            self.message_user(request, f"{cancelled} batch(es) cancelling.", messages.SUCCESS)

    # --- derived, read-only ------------------------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def status_badge(self, batch: Batch) -> str:
        return format_html(
            '<span class="console-badge console-status-{}" data-batch="{}" data-live="status">{}</span>',
            batch.status,
            batch.id,
            batch.status,
        )

    @admin.display(description="progress")
    def progress(self, batch: Batch) -> str:
        progress: BatchProgress = batch_progress(batch)
        return render_to_string("admin/console/progress.html", {"progress": progress})

    @admin.display(description="requests")
    def request_counts(self, batch: Batch) -> str:
        return format_html(
            '<span data-batch="{}" data-live="counts">{} total, {} completed, {} failed</span>',
            batch.id,
            batch.request_total,
            batch.request_completed,
            batch.request_failed,
        )

    def _file_field(self, batch: Batch, name: str) -> str:
        file = _file(getattr(batch, FILE_FIELDS[name]))
        content = (
            format_html('<a href="{}">{}</a> <a href="{}" class="button console-download">Download</a>',
                        file["url"], file["id"], file["download"])
            if file
            else "-"
        )
        return format_html('<span data-batch="{}" data-live="file" data-file="{}">{}</span>', batch.id, name, content)

    @admin.display(description="input file")
    def input_file(self, batch: Batch) -> str:
        return self._file_field(batch, "input")

    @admin.display(description="output file")
    def output_file(self, batch: Batch) -> str:
        return self._file_field(batch, "output")

    @admin.display(description="error file")
    def error_file(self, batch: Batch) -> str:
        return self._file_field(batch, "error")

    @admin.display(description="tokens")
    def tokens(self, batch: Batch) -> str:
        return f"{batch.input_tokens} in, {batch.output_tokens} out, {batch.total_tokens} total"

    @admin.display(description="timeline")
    def timeline(self, batch: Batch) -> str:
        steps = format_html_join(
            "",
            '<li class="console-step-{}"><strong>{}</strong> <span class="console-when">{}</span> '
            '<span class="console-muted">{}</span></li>',
            (
                (step.label.replace(" ", "-"), step.label, _when(step.at), _offset(step.since_created))
                for step in batch_timeline(batch)
            ),
        )
        return format_html('<ol class="console-timeline" data-batch="{}" data-live="timeline">{}</ol>', batch.id, steps)

    @admin.display(description="errors")
    def error_list(self, batch: Batch) -> str:
        items = (
            format_html(
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
            if batch.errors
            else "-"
        )
        return format_html('<div data-batch="{}" data-live="errors">{}</div>', batch.id, items)
