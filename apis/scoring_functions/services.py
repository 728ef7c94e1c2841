"""Writes to the scoring-function routing table: registrations by people, by the distribution config, and the
functions each scoring provider lists (registered with source listed_from_provider)."""

from typing import Any

from django.db import IntegrityError, transaction
from pydantic import BaseModel, ConfigDict, Field

from apis.common.errors import ConflictError
from apis.common.models import RoutedResource
from apis.common.routing_table import Registration
from apis.scoring_functions.models import RegisteredScoringFunction
from apis.scoring_functions.schemas import ProviderScoringFn, ReturnType, ScoringFnParams
from apis.scoring_functions.table import SCORING_FUNCTIONS


def _fields(
    *, description: str, return_type: ReturnType, params: ScoringFnParams | None, metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "description": description,
        "return_type": return_type.model_dump(mode="json"),
        "params": params.model_dump(mode="json") if params is not None else None,
        "metadata": metadata or {},
    }


def scoring_function_register(
    *,
    identifier: str,
    description: str,
    return_type: ReturnType,
    provider_resource_id: str | None = None,
    provider_id: str | None = None,
    params: ScoringFnParams | None = None,
    owner: dict[str, Any] | None = None,
) -> RegisteredScoringFunction:
    """Register a scoring function (owned by the caller unless `owner` says otherwise); its provider may refuse it."""
    registration = Registration(
        identifier=identifier,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        fields=_fields(description=description, return_type=return_type, params=params),
    )
    return SCORING_FUNCTIONS.register(registration, source=RoutedResource.Source.API, owner=owner)


def scoring_function_unregister(*, identifier: str) -> None:
    """Unregister a function the caller may delete; a provider's own functions stay while the provider runs."""
    row = SCORING_FUNCTIONS.get(identifier, action="delete", param="scoring_fn_id")
    if row.source == RoutedResource.Source.LISTED:
        # It would only come back the next time the providers start: disable the provider instead.
        raise ConflictError(
            f"Scoring function '{identifier}' is provider '{row.provider_id}''s own; it is listed while the provider "
            "is enabled.",
            param="scoring_fn_id",
        )
    SCORING_FUNCTIONS.unregister(identifier)


@transaction.atomic
def scoring_functions_sync_listed(*, listed: dict[str, list[ProviderScoringFn]], enabled: set[str]) -> int:
    """Make the listed rows match what each running provider lists; returns how many rows changed.

    Functions of providers no longer enabled go; those of an enabled provider that is not running (absent
    from `listed`) stay until it runs again. An identifier registered otherwise (by a person, the config or
    another provider) is left alone.
    """
    listed_rows = RegisteredScoringFunction.objects.filter(source=RoutedResource.Source.LISTED)
    changed, _ = listed_rows.exclude(provider_id__in=enabled).delete()
    for provider_id, functions in listed.items():
        names = set()
        for function in functions:
            names.add(function.provider_scoring_fn_id)
            fields = {
                "provider_id": provider_id,
                "provider_resource_id": function.provider_scoring_fn_id,
                **_fields(description=function.description, return_type=function.return_type, params=function.params),
            }
            row = RegisteredScoringFunction.objects.filter(identifier=function.provider_scoring_fn_id).first()
            if row is None:
                try:
                    with transaction.atomic():
                        RegisteredScoringFunction.objects.create(
                            identifier=function.provider_scoring_fn_id,
                            source=RoutedResource.Source.LISTED,
                            owner_principal="",
                            owner_attributes={},
                            **fields,
                        )
                    changed += 1
                except IntegrityError:
                    pass  # another process listed it at the same moment
            elif (
                row.source == RoutedResource.Source.LISTED
                and row.provider_id == provider_id
                and any(getattr(row, name) != value for name, value in fields.items())
            ):
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save()
                changed += 1
        removed, _ = listed_rows.filter(provider_id=provider_id).exclude(identifier__in=names).delete()
        changed += removed
    return changed


class ConfigScoringFunctionEntry(BaseModel):
    """One entry of `registered_resources.scoring_functions` in the distribution config."""

    model_config = ConfigDict(extra="forbid")

    scoring_fn_id: str = Field(min_length=1, max_length=255)
    description: str = ""
    return_type: ReturnType
    provider_id: str | None = None
    provider_scoring_fn_id: str | None = Field(default=None, min_length=1, max_length=255)
    params: ScoringFnParams | None = None
    metadata: dict[str, Any] | None = None


def _registration(entry: ConfigScoringFunctionEntry) -> Registration:
    return Registration(
        identifier=entry.scoring_fn_id,
        provider_id=entry.provider_id,
        provider_resource_id=entry.provider_scoring_fn_id,
        fields=_fields(
            description=entry.description, return_type=entry.return_type, params=entry.params, metadata=entry.metadata
        ),
    )


def scoring_functions_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.scoring_functions`; returns how many rows changed and the entries' errors."""
    return SCORING_FUNCTIONS.apply_config(
        key="scoring_functions",
        entries=entries,
        entry_class=ConfigScoringFunctionEntry,
        identifier_key="scoring_fn_id",
        to_registration=_registration,
    )
