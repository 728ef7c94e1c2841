"""Who is calling: the authenticated user and the access rules in force, for this request or task.

A context variable carries them, so that selectors and services deep in a call (and Celery tasks
acting for a batch's owner) see the same identity without threading it through every signature.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apis.access.policy import AccessRule

ATTRIBUTE_KINDS = ("roles", "teams", "projects", "namespaces")


@dataclass(frozen=True)
class User:
    principal: str
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def owner_fields(self) -> dict[str, Any]:
        """The fields a resource created by this user records as its owner."""
        return {"owner_principal": self.principal, "owner_attributes": dict(self.attributes)}


@dataclass(frozen=True)
class AccessContext:
    """The caller and the access rules in force (an empty list means the default policy)."""

    user: User
    rules: "tuple[AccessRule, ...]" = ()


_context: contextvars.ContextVar[AccessContext | None] = contextvars.ContextVar("access_context", default=None)


def current_access() -> AccessContext | None:
    """None when authentication is off: every resource is open."""
    return _context.get()


def current_user() -> User | None:
    access = _context.get()
    return access.user if access else None


def owner_fields() -> dict[str, Any]:
    """Owner fields for a resource created now: the caller, or unowned when authentication is off."""
    user = current_user()
    return user.owner_fields() if user else {"owner_principal": "", "owner_attributes": {}}


@contextmanager
def acting_as(access: AccessContext | None) -> Iterator[None]:
    token = _context.set(access)
    try:
        yield
    finally:
        _context.reset(token)


def set_access(access: AccessContext | None) -> contextvars.Token[AccessContext | None]:
    return _context.set(access)


def reset_access(token: contextvars.Token[AccessContext | None]) -> None:
    _context.reset(token)
