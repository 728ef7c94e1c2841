"""Admin for the chunks the inline::orm provider stores: browse and search them; they change through the API."""

from django.contrib import admin
from django.http import HttpRequest

from apis.vector_io.models import VectorChunk


@admin.register(VectorChunk)
class VectorChunkAdmin(admin.ModelAdmin):
    list_display = ["chunk_id", "store", "provider_id", "created_at"]
    list_filter = ["provider_id", "store"]
    search_fields = ["chunk_id", "store", "content"]
    exclude = ["embedding"]
    readonly_fields = ["provider_id", "store", "chunk_id", "content", "metadata", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: VectorChunk | None = None) -> bool:
        return False
