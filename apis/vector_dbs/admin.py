"""Admin for the vector DB routing table."""

from typing import Any

from django import forms
from django.contrib import admin

from apis.common.admin import RoutedResourceAdmin, RoutedResourceForm
from apis.models.models import Model
from apis.vector_dbs.models import RegisteredVectorDB
from apis.vector_dbs.services import embedding_fields
from apis.vector_dbs.table import VECTOR_DBS


class VectorDBForm(RoutedResourceForm):
    table = VECTOR_DBS
    embedding_model = forms.ChoiceField(choices=(), help_text="A registered embedding model.")
    embedding_dimension = forms.IntegerField(
        required=False, min_value=1, help_text="Taken from the model's metadata when left empty."
    )

    class Meta:
        model = RegisteredVectorDB
        fields = ["identifier", "provider_id", "provider_resource_id", "embedding_model", "embedding_dimension",
                  "vector_db_name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        models = Model.objects.filter(model_type=Model.ModelType.EMBEDDING).order_by("identifier")
        self.fields["embedding_model"].choices = [(m, m) for m in models.values_list("identifier", flat=True)]

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {
            **embedding_fields(
                embedding_model=cleaned["embedding_model"], embedding_dimension=cleaned.get("embedding_dimension")
            ),
            "vector_db_name": cleaned.get("vector_db_name") or "",
        }


@admin.register(RegisteredVectorDB)
class VectorDBAdmin(RoutedResourceAdmin):
    table = VECTOR_DBS
    form = VectorDBForm
    list_display = [*RoutedResourceAdmin.list_display[:3], "embedding_model", "embedding_dimension",
                    *RoutedResourceAdmin.list_display[3:]]
    list_filter = [*RoutedResourceAdmin.list_filter, "embedding_model"]
    search_fields = [*RoutedResourceAdmin.search_fields, "vector_db_name", "embedding_model"]
