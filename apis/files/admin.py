"""Admin of stored files: upload (through the same service as POST /v1/files), download, a preview of the first
lines, expiry, and the batches that read or wrote each file. Files never change once stored."""

from typing import Any, get_args
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from apis.console.selectors import batches_using_file
from apis.files.models import StoredFile
from apis.files.schemas import MAX_EXPIRY_SECONDS, MIN_EXPIRY_SECONDS, UploadPurpose
from apis.files.selectors import file_open, file_preview
from apis.files.services import file_delete, file_upload
from apis.files.uploads import upload_refused


class StoredFileUploadForm(forms.ModelForm):
    """An upload, as POST /v1/files takes it."""

    file = forms.FileField(help_text="For a batch: a JSONL file, one request per line.")
    purpose = forms.ChoiceField(choices=[(purpose, purpose) for purpose in get_args(UploadPurpose)], initial="batch")
    expires_after_seconds = forms.IntegerField(
        required=False,
        min_value=MIN_EXPIRY_SECONDS,
        max_value=MAX_EXPIRY_SECONDS,
        help_text=f"Optional: the file expires this many seconds after the upload ({MIN_EXPIRY_SECONDS} to "
        f"{MAX_EXPIRY_SECONDS}).",
    )

    class Meta:
        model = StoredFile
        fields = ["file", "purpose", "expires_after_seconds"]


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("live", "not expired"), ("expired", "expired"), ("never", "never expires")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[StoredFile]) -> QuerySet[StoredFile]:
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "expired":
            return queryset.filter(expires_at__lte=now)
        if self.value() == "never":
            return queryset.filter(expires_at__isnull=True)
        return queryset


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    form = StoredFileUploadForm
    change_form_template = "admin/files/storedfile/change_form.html"
    list_display = ("id", "filename", "purpose", "size", "created_at", "expires_at", "owner_principal", "download")
    list_filter = ("purpose", ExpiryFilter)
    search_fields = ("id", "filename", "owner_principal")
    date_hierarchy = "created_at"
    readonly_fields = (
        "id",
        "filename",
        "purpose",
        "size",
        "download",
        "batches",
        "storage_name",
        "created_at",
        "expires_at",
        "owner_principal",
        "owner_attributes",
        "preview",
    )

    def get_fieldsets(self, request: HttpRequest, obj: StoredFile | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": StoredFileUploadForm.Meta.fields})]
        return [(None, {"fields": self.readonly_fields})]

    def get_readonly_fields(self, request: HttpRequest, obj: StoredFile | None = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    # --- upload --------------------------------------------------------------------------------------------

    def get_form(self, request: HttpRequest, obj: StoredFile | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        refused = upload_refused(request)
        if refused is None:
            return form

        class RefusedUploadForm(form):  # type: ignore[valid-type, misc]
            """The form of an upload stopped at the size limit: its file is missing, and this says why.

            The fields after the file in the request were not read: they are not reported missing.
            """

            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, **form_kwargs)
                for name, field in self.fields.items():
                    if name == "file":
                        field.error_messages = {**field.error_messages, "required": refused}
                    else:
                        field.required = False

        return RefusedUploadForm

    def save_model(self, request: HttpRequest, obj: StoredFile, form: forms.ModelForm, change: bool) -> None:
        upload = form.cleaned_data["file"]
        stored = file_upload(
            fileobj=upload,
            filename=upload.name,
            purpose=form.cleaned_data["purpose"],
            expires_after_seconds=form.cleaned_data.get("expires_after_seconds"),
            # Like a model registered here, the file is owned by the person who uploaded it.
            owner_principal=request.user.get_username(),
        )
        for name in ("id", "filename", "purpose", "bytes", "storage_name", "created_at", "expires_at"):
            setattr(obj, name, getattr(stored, name))

    def response_add(self, request: HttpRequest, obj: StoredFile, post_url_continue: str | None = None) -> HttpResponse:
        # To the file's page: its preview, and "Create a batch from this file".
        self.message_user(request, f"Uploaded {obj.filename} as {obj.id}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:files_storedfile_change", args=[quote(obj.pk)]))

    def has_change_permission(self, request: HttpRequest, obj: StoredFile | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: StoredFile) -> None:
        file_delete(file_id=obj.id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StoredFile]) -> None:
        for file_id in queryset.values_list("id", flat=True):
            file_delete(file_id=file_id)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        obj = kwargs.get("obj")
        can_batch = obj is not None and obj.purpose == "batch" and request.user.has_perm("batches.add_batch")
        context["create_batch_url"] = (
            reverse("admin:batches_batch_add") + "?" + urlencode({"input_file_id": obj.pk}) if can_batch else None
        )
        return super().render_change_form(request, context, *args, **kwargs)

    # --- download --------------------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        content = path(
            "<path:object_id>/content/",
            self.admin_site.admin_view(self.content_view),
            name="files_storedfile_content",
        )
        return [content, *super().get_urls()]

    def content_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The file's bytes, streamed, as a download (anyone who may view the file)."""
        row = self.get_object(request, unquote(object_id))
        if row is None or not self.has_view_permission(request, row):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        try:
            stream = file_open(row=row)
        except OSError as exc:
            self.message_user(request, f"The content of {row.id} cannot be read: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:files_storedfile_change", args=[quote(row.pk)]))
        return FileResponse(stream, as_attachment=True, filename=row.filename, content_type="application/octet-stream")

    # --- derived, read-only --------------------------------------------------------------------------------

    @admin.display(description="size", ordering="bytes")
    def size(self, row: StoredFile) -> str:
        return f"{filesizeformat(row.bytes)} ({row.bytes} bytes)"

    @admin.display(description="content")
    def download(self, row: StoredFile) -> str:
        return format_html('<a href="{}">Download</a>', reverse("admin:files_storedfile_content", args=[quote(row.pk)]))

    @admin.display(description="batches")
    def batches(self, row: StoredFile) -> str:
        rows = list(batches_using_file(file_id=row.id).order_by("-created_at")[:20])
        if not rows:
            return "-"
        role = {"input_file_id": "input of", "output_file_id": "output of", "error_file_id": "errors of"}
        return format_html_join(
            mark_safe("<br>"),
            '{} <a href="{}">{}</a> <span class="console-badge console-status-{}">{}</span>',
            (
                (
                    next(label for field, label in role.items() if getattr(batch, field) == row.id),
                    reverse("admin:batches_batch_change", args=[quote(batch.id)]),
                    batch.id,
                    batch.status,
                    batch.status,
                )
                for batch in rows
            ),
        )

    @admin.display(description="first lines")
    def preview(self, row: StoredFile) -> str:
        try:
            text = file_preview(row=row)
        except OSError as exc:
            return f"The content cannot be read: {exc}"
        return format_html('<pre class="console-pre">{}</pre>', text)
