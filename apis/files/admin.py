"""Admin of stored files: size, purpose, expiry, and a preview of the first lines."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from apis.files.models import StoredFile
from apis.files.selectors import file_preview
from apis.files.services import file_delete


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("id", "filename", "purpose", "size", "created_at", "expires_at")
    list_filter = ("purpose",)
    search_fields = ("id", "filename")
    date_hierarchy = "created_at"
    readonly_fields = (
        "id",
        "filename",
        "purpose",
        "size",
        "storage_name",
        "created_at",
        "expires_at",
        "owner_principal",
        "owner_attributes",
        "preview",
    )
    exclude = ("bytes",)

    @admin.display(description="size", ordering="bytes")
    def size(self, row: StoredFile) -> str:
        return f"{filesizeformat(row.bytes)} ({row.bytes} bytes)"

    @admin.display(description="first lines")
    def preview(self, row: StoredFile) -> str:
        try:
            text = file_preview(row=row)
        except OSError as exc:
            return f"The content cannot be read: {exc}"
        return format_html('<pre style="white-space: pre-wrap; max-height: 30em; overflow: auto">{}</pre>', text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StoredFile | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: StoredFile) -> None:
        file_delete(file_id=obj.id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StoredFile]) -> None:
        for file_id in queryset.values_list("id", flat=True):
            file_delete(file_id=file_id)
