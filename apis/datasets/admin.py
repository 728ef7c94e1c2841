"""Admin for the dataset routing table: register a dataset from inline rows or a URI, preview its first rows."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from pydantic import ValidationError

from apis.common.admin import RoutedResourceAdmin, RoutedResourceForm
from apis.common.errors import BadRequestError
from apis.datasets.models import RegisteredDataset
from apis.datasets.selectors import dataset_preview
from apis.datasets.services import dataset_source_check
from apis.datasets.table import DATASETS, SOURCE

PREVIEW_ROWS = 20


class DatasetForm(RoutedResourceForm):
    table = DATASETS
    data_source = forms.JSONField(
        label="source",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text='{"type": "rows", "rows": [{"input_query": "...", "expected_answer": "..."}]} or '
        '{"type": "uri", "uri": "file-..."} (also file:///path under STACK_DATASETS_DIRS, or a data: URI).',
    )
    metadata = forms.JSONField(
        required=False, initial=dict, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}), help_text="A JSON object."
    )

    class Meta:
        model = RegisteredDataset
        fields = ["identifier", "provider_id", "provider_resource_id", "purpose", "data_source", "metadata"]

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        try:
            source = SOURCE.validate_python(cleaned.get("data_source"))
        except ValidationError as exc:
            raise BadRequestError(f"Invalid source: {exc.errors()[0]['msg']}", param="data_source") from None
        metadata = cleaned.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise BadRequestError("The metadata must be a JSON object.", param="metadata")
        # The provider reads the source's first row now, so that a bad URI shows on the form.
        dataset_source_check(source=source, provider_id=cleaned.get("provider_id") or None)
        return {"purpose": cleaned["purpose"], "data_source": source.model_dump(mode="json"), "metadata": metadata}


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


@admin.register(RegisteredDataset)
class DatasetAdmin(RoutedResourceAdmin):
    table = DATASETS
    form = DatasetForm
    list_display = ["identifier", "purpose", "source_kind", "provider_id", "owner_principal", "source", "created_at"]
    list_filter = ["purpose", "provider_id", "source"]
    readonly_fields = [*RoutedResourceAdmin.readonly_fields, "row_preview"]

    @admin.display(description="rows")
    def source_kind(self, obj: RegisteredDataset) -> str:
        source = obj.data_source or {}
        if source.get("type") == "uri":
            return str(source.get("uri", ""))[:80]
        return f"{len(source.get('rows', []))} inline rows"

    @admin.display(description="first rows")
    def row_preview(self, obj: RegisteredDataset) -> SafeString | str:
        if obj.pk is None:
            return "-"
        preview = dataset_preview(identifier=obj.identifier, limit=PREVIEW_ROWS)
        if preview.error:
            return format_html('<p class="errornote">{}</p>', preview.error)
        if not preview.rows:
            return "No rows."
        header = format_html_join("", "<th>{}</th>", ((column,) for column in preview.columns))
        body = format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (format_html_join("", "<td>{}</td>", ((_cell(row.get(column, "")),) for column in preview.columns)),)
                for row in preview.rows
            ),
        )
        more = format_html("<p>First {} rows shown; more follow.</p>", PREVIEW_ROWS) if preview.has_more else ""
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}", header, body, more)

    def get_fields(self, request: Any, obj: RegisteredDataset | None = None) -> Any:
        fields = super().get_fields(request, obj)
        return [name for name in fields if name != "row_preview"] + (["row_preview"] if obj is not None else [])
