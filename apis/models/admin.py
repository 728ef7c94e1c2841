"""Admin for the model routing table: register, change and unregister models, refresh from providers."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from apis.common.errors import BadRequestError, StackError
from apis.models.models import Model
from apis.models.services import (
    ModelsRefreshResult,
    model_fields_check,
    model_register,
    model_unregister,
    model_update,
    models_refresh_from_provider,
    models_refresh_from_providers,
)
from apis.models.table import MODELS
from apis.providers.models import ProviderRegistration


class ModelForm(forms.ModelForm):
    provider_id = forms.ChoiceField(choices=(), help_text="An enabled inference provider.")
    provider_resource_id = forms.CharField(
        required=False, max_length=255, help_text="The provider's own id for the model; defaults to the identifier."
    )
    metadata = forms.JSONField(
        required=False,
        initial=dict,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text='A JSON object; embedding models need {"embedding_dimension": N}.',
    )

    class Meta:
        model = Model
        fields = ["identifier", "provider_id", "provider_resource_id", "model_type", "metadata"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = MODELS.provider_ids()
        current = self.instance.provider_id if self.instance.pk else None
        if current and current not in choices:
            choices.append(current)
        self.fields["provider_id"].choices = [(provider_id, provider_id) for provider_id in choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        identifier = cleaned.get("identifier") or self.instance.identifier
        if not identifier:
            return cleaned
        metadata = cleaned.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            self.add_error("metadata", "The metadata must be a JSON object.")
            return cleaned
        try:
            model_fields_check(
                identifier=identifier,
                provider_id=cleaned.get("provider_id"),
                provider_resource_id=cleaned.get("provider_resource_id"),
                model_type=cleaned.get("model_type"),
                metadata=metadata,
            )
        except BadRequestError as exc:
            field = (exc.param or "").split(".")[0]
            self.add_error(field if field in self.fields else None, exc.message)
        return cleaned


@admin.register(Model)
class ModelAdmin(admin.ModelAdmin):
    form = ModelForm
    list_display = ["identifier", "provider_id", "provider_resource_id", "model_type", "source", "created_at"]
    list_filter = ["provider_id", "model_type", "source"]
    search_fields = ["identifier", "provider_resource_id", "provider_id", "owner_principal"]
    readonly_fields = ["provider", "source", "owner_principal", "owner_attributes", "created_at", "updated_at"]
    actions = ["refresh_from_providers"]

    @admin.display(description="provider", ordering="provider_id")
    def provider(self, obj: Model) -> str:
        """The provider serving the model, linked to its registration (health, test connection)."""
        pk = ProviderRegistration.objects.filter(provider_id=obj.provider_id).values_list("pk", flat=True).first()
        if pk is None:
            return obj.provider_id
        url = reverse("admin:providers_providerregistration_change", args=[pk])
        return format_html('<a href="{}">{}</a>', url, obj.provider_id)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The identifier is what clients use: changing it is unregistering and registering again.
        return [*self.readonly_fields, "identifier"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Model, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            "provider_id": data.get("provider_id"),
            "provider_resource_id": data.get("provider_resource_id") or None,
            "model_type": data.get("model_type"),
            "metadata": data.get("metadata") or {},
        }
        if change:
            saved = model_update(model=obj, **fields)
        else:
            owner = {"owner_principal": request.user.get_username(), "owner_attributes": {}}
            saved = model_register(identifier=data["identifier"], owner=owner, **fields)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        model_unregister(identifier=obj.identifier)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Model]) -> None:
        for identifier in list(queryset.values_list("identifier", flat=True)):
            model_unregister(identifier=identifier)

    def _report(self, request: HttpRequest, results: list[ModelsRefreshResult], errors: list[str]) -> None:
        for result in results:
            self.message_user(request, f"Refreshed {result.summary()}.", messages.SUCCESS)
        for error in errors:
            self.message_user(request, f"Refresh failed for {error}", messages.ERROR)
        if not results and not errors:
            self.message_user(request, "No inference provider is running.", messages.WARNING)

    @admin.action(description="Refresh models from the providers of the selected models", permissions=["change"])
    def refresh_from_providers(self, request: HttpRequest, queryset: QuerySet[Model]) -> None:
        results, errors = [], []
        for provider_id in sorted(set(queryset.values_list("provider_id", flat=True))):
            try:
                results.append(models_refresh_from_provider(provider_id=provider_id))
            except StackError as exc:
                errors.append(f"{provider_id}: {exc.message}")
        self._report(request, results, errors)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The "Refresh models from providers" button (templates/admin/models/model/change_list.html).
        context = {"can_refresh": self.has_change_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def get_urls(self) -> list[URLPattern]:
        refresh = path(
            "refresh/",
            self.admin_site.admin_view(require_POST(self.refresh_all_view)),
            name="models_model_refresh",
        )
        return [refresh, *super().get_urls()]

    def refresh_all_view(self, request: HttpRequest) -> HttpResponse:
        """Refresh from every running inference provider (the button above the list)."""
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        results, errors = models_refresh_from_providers()
        self._report(request, results, errors)
        return HttpResponseRedirect(reverse("admin:models_model_changelist"))
