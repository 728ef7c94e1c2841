"""Admin for API keys (the key shown once, at creation) and the access policy."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apis.access.models import AccessPolicy, ApiKey
from apis.access.policy import PolicyError, parse_route_rules, parse_rules
from apis.access.services import access_policy_save, api_key_create, normalize_attributes


class ApiKeyForm(forms.ModelForm):
    attributes = forms.JSONField(
        required=False, initial=dict,
        help_text='Lists of strings by kind: {"roles": [...], "teams": [...], "projects": [...], "namespaces": [...]}.',
    )

    class Meta:
        model = ApiKey
        fields = ["principal", "attributes", "description", "revoked", "requests_per_minute", "requests_per_day"]

    def clean_attributes(self) -> dict[str, list[str]]:
        try:
            return normalize_attributes(self.cleaned_data.get("attributes") or {})
        except (ValueError, AttributeError) as exc:
            raise forms.ValidationError(str(exc)) from exc


class QuotaHitFilter(admin.SimpleListFilter):
    title = "quota"
    parameter_name = "quota"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("hit", "refused requests"), ("never", "never refused")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        if self.value() == "hit":
            return queryset.filter(quota_hits__gt=0).order_by("-last_quota_hit_at")
        if self.value() == "never":
            return queryset.filter(quota_hits=0)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["principal", "key_prefix", "attributes", "revoked", "requests_per_minute", "requests_per_day",
                    "quota_hits", "last_quota_hit_at", "created_at"]
    list_filter = ["revoked", QuotaHitFilter]
    search_fields = ["principal", "key_prefix", "description"]
    readonly_fields = ["key_prefix", "quota_hits", "last_quota_hit_at", "created_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = api_key_create(
            principal=form.cleaned_data["principal"],
            attributes=form.cleaned_data.get("attributes") or {},
            description=form.cleaned_data.get("description") or "",
            requests_per_minute=form.cleaned_data.get("requests_per_minute"),
            requests_per_day=form.cleaned_data.get("requests_per_day"),
        )
        obj.pk = created.api_key.pk
        messages.warning(request, f"The new key, shown this once only: {created.key}")

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        keys = list(queryset.filter(revoked=False))
        count = queryset.filter(pk__in=[key.pk for key in keys]).update(revoked=True)
        for key in keys:
            self.log_change(request, key, "Revoked.")
        self.message_user(request, f"Revoked {count} key(s).")


class AccessPolicyForm(forms.ModelForm):
    rules = forms.JSONField(required=False, initial=list, widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
                            help_text="access_policy rules (JSON list); the first rule that matches decides.")
    route_rules = forms.JSONField(required=False, initial=list, widget=forms.Textarea(attrs={"rows": 6, "cols": 100}),
                                  help_text="route_policy rules (JSON list).")

    class Meta:
        model = AccessPolicy
        fields = ["rules", "route_rules"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, parse in (("rules", parse_rules), ("route_rules", parse_route_rules)):
            value = cleaned.get(field) or []
            cleaned[field] = value
            try:
                parse(value)
            except PolicyError as exc:
                self.add_error(field, str(exc))
        return cleaned


@admin.register(AccessPolicy)
class AccessPolicyAdmin(admin.ModelAdmin):
    form = AccessPolicyForm
    list_display = ["__str__", "source", "updated_at"]
    readonly_fields = ["source", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AccessPolicy.objects.exists() and super().has_add_permission(request)

    def save_model(self, request: HttpRequest, obj: AccessPolicy, form: forms.ModelForm, change: bool) -> None:
        access_policy_save(rules=form.cleaned_data["rules"], route_rules=form.cleaned_data["route_rules"])
        obj.pk = AccessPolicy.SINGLETON_ID
