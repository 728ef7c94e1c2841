"""Admin for routing tables: list with filters and search, register through the table, unregister through it.

A resource's identifier is what clients use and its provider may hold state for it, so a registered
resource is not edited in place: it is unregistered and registered again, as through the API.
"""

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apis.common.errors import StackError
from apis.common.models import RoutedResource
from apis.common.routing_table import Registration, RoutingTable

# Resources registered in the admin belong to nobody: ops register them for every caller, and the
# access policy decides who may use them.
UNOWNED = {"owner_principal": "", "owner_attributes": {}}


class RoutedResourceForm(forms.ModelForm):
    """The add form: the provider among the serving API's, the provider's id defaulting to the identifier.

    Subclasses declare their own fields and turn the cleaned data into a Registration.
    """

    table: ClassVar[RoutingTable[Any, Any]]
    provider_id = forms.ChoiceField(choices=())
    provider_resource_id = forms.CharField(
        required=False, max_length=255, help_text="The provider's own id; defaults to the identifier."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registered: RoutedResource | None = None
        # The providers to choose from are those of the applied distribution config.
        self.table.stack()
        self.fields["provider_id"].choices = [(p, p) for p in self.table.provider_ids()]
        self.fields["provider_id"].help_text = f"An enabled {self.table.provider_api} provider."

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The table's own columns from the cleaned data (a StackError names a field at fault)."""
        return {}

    def validate_unique(self) -> None:
        """The table checks the identifier: the same resource again is no error, a different one says why."""

    def _post_clean(self) -> None:
        super()._post_clean()
        if not self.errors:
            self._register(self.cleaned_data)

    def _register(self, cleaned: dict[str, Any]) -> None:
        self.table.stack()
        try:
            registration = Registration(
                identifier=cleaned["identifier"],
                provider_id=cleaned.get("provider_id") or None,
                provider_resource_id=cleaned.get("provider_resource_id") or None,
                fields=self.type_fields(cleaned),
            )
            # Registered here, after every other check, rather than in save_model: so the provider's refusal
            # shows on the form. The admin's add view runs in one transaction, which a later failure rolls back.
            self.registered = self.table.register(registration, source=RoutedResource.Source.API, owner=UNOWNED)
        except StackError as exc:
            field = (exc.param or "").split(".")[0]
            field = {self.table.id_param: "identifier", self.table.provider_resource_param: "provider_resource_id"}.get(
                field, field
            )
            self.add_error(field if field in self.fields else None, exc.message)


class RoutedResourceAdmin(admin.ModelAdmin):
    """Admin of one routing table; subclasses set `table`, `form` and add their own columns."""

    table: ClassVar[RoutingTable[Any, Any]]
    list_display = ["identifier", "provider_id", "provider_resource_id", "owner_principal", "source", "created_at"]
    list_filter = ["provider_id", "source"]
    search_fields = ["identifier", "provider_resource_id", "provider_id", "owner_principal"]
    readonly_fields = ["source", "owner_principal", "owner_attributes", "created_at", "updated_at"]

    def has_change_permission(self, request: HttpRequest, obj: RoutedResource | None = None) -> bool:
        # Viewable, never edited in place (see the module docstring).
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: RoutedResource, form: forms.ModelForm, change: bool) -> None:
        registered = form.registered  # type: ignore[attr-defined]
        obj.pk = registered.pk
        obj.created_at, obj.updated_at = registered.created_at, registered.updated_at

    def delete_model(self, request: HttpRequest, obj: RoutedResource) -> None:
        self.table.unregister(obj.identifier)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoutedResource]) -> None:
        for identifier in list(queryset.values_list("identifier", flat=True)):
            self.table.unregister(identifier)
