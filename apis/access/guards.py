"""Checks that selectors and services make before showing or touching a resource.

A resource the caller may not read does not exist for them (its NotFoundError, never a 403 that
would leak its existence); one they may read but not change answers 403.
"""

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from apis.access.identity import current_access
from apis.access.policy import ProtectedResource, is_allowed
from apis.common.errors import AccessDeniedError, StackError

Row = TypeVar("Row")


def can(resource_type: str, row: Any, action: str, identifier: str | None = None) -> bool:
    return is_allowed(current_access(), action, ProtectedResource.of(resource_type, row, identifier))


def ensure(resource_type: str, row: Any, action: str, not_found: StackError, identifier: str | None = None) -> None:
    access = current_access()
    if access is None:
        return
    resource = ProtectedResource.of(resource_type, row, identifier)
    if not is_allowed(access, "read", resource):
        raise not_found
    if action != "read" and not is_allowed(access, action, resource):
        raise AccessDeniedError(f"You may not {action} {resource_type} '{resource.identifier}'.")


def ensure_create(resource_type: str, identifier: str) -> None:
    """The caller may create this resource (which they would own)."""
    access = current_access()
    if access is None:
        return
    user = access.user
    resource = ProtectedResource(resource_type, identifier, user.principal, user.attributes)
    if not is_allowed(access, "create", resource):
        raise AccessDeniedError(f"You may not create {resource_type} '{identifier}'.")


def readable(resource_type: str, rows: Iterable[Row], identifier_field: str | None = None) -> Iterator[Row]:
    """The rows the caller may read, in order (lazily, so a page can stop early)."""
    access = current_access()
    for row in rows:
        identifier = str(getattr(row, identifier_field)) if identifier_field else None
        if access is None or is_allowed(access, "read", ProtectedResource.of(resource_type, row, identifier)):
            yield row
