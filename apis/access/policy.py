"""The access policy: ordered permit/forbid rules over actions on resources, the first match decides.

```yaml
- permit: {principal: alice, actions: [create, read], resource: "model::my-id"}
  when: "user with admin in roles"
  description: admins may use my-id
- forbid: {actions: [delete], resource: "model::*"}
  unless: "user is owner"
```

Conditions: "user with <value> in <attribute>", "user is owner", "user is not owner",
"user in owners <attribute>", "user not in owners <attribute>", "resource is unowned". With no rules,
the default applies: the owner and the users sharing an attribute value with the owner may act on a
resource; unowned resources are open to everyone.
"""

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from apis.access.identity import ATTRIBUTE_KINDS, AccessContext, User

Action = Literal["create", "read", "update", "delete"]
RESOURCE_TYPES = (
    "model", "file", "batch", "shield", "vector_db", "tool_group", "dataset", "scoring_function", "benchmark",
    "eval_job",
)


class PolicyError(ValueError):
    """An access or route policy that cannot be used; the message names the rule."""


@dataclass(frozen=True)
class ProtectedResource:
    """What the policy needs to know of a resource."""

    type: str
    identifier: str
    owner_principal: str = ""
    owner_attributes: dict[str, list[str]] | None = None

    @classmethod
    def of(cls, resource_type: str, row: Any, identifier: str | None = None) -> "ProtectedResource":
        """From an ORM row with `owner_principal` and `owner_attributes`."""
        return cls(
            resource_type,
            identifier if identifier is not None else str(row.pk),
            row.owner_principal or "",
            row.owner_attributes or {},
        )


_CONDITIONS = [
    (re.compile(r"^user with (\S+) in (\w+)$"), "user_with"),
    (re.compile(r"^user is owner$"), "is_owner"),
    (re.compile(r"^user is not owner$"), "is_not_owner"),
    (re.compile(r"^user in owners (\w+)$"), "in_owners"),
    (re.compile(r"^user not in owners (\w+)$"), "not_in_owners"),
    (re.compile(r"^resource is unowned$"), "unowned"),
]


@dataclass(frozen=True)
class Condition:
    kind: str
    value: str = ""
    attribute: str = ""

    @classmethod
    def parse(cls, text: str) -> "Condition":
        normalized = " ".join(text.split())
        for pattern, kind in _CONDITIONS:
            match = pattern.match(normalized)
            if match is None:
                continue
            if kind == "user_with":
                return cls(kind, value=match.group(1), attribute=match.group(2))
            if kind in ("in_owners", "not_in_owners"):
                return cls(kind, attribute=match.group(1))
            return cls(kind)
        raise ValueError(f"unknown condition '{text}'")

    def holds(self, user: User, resource: ProtectedResource) -> bool:
        owner = resource.owner_principal
        if self.kind == "user_with":
            return self.value in user.attributes.get(self.attribute, [])
        if self.kind == "is_owner":
            return bool(owner) and user.principal == owner
        if self.kind == "is_not_owner":
            return not (bool(owner) and user.principal == owner)
        if self.kind == "unowned":
            return not owner
        shared = _shares(user, resource, self.attribute)
        return shared if self.kind == "in_owners" else not shared


def _shares(user: User, resource: ProtectedResource, attribute: str) -> bool:
    required = (resource.owner_attributes or {}).get(attribute) or []
    if not required:
        return True
    return bool(set(required) & set(user.attributes.get(attribute, [])))


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    principal: str | None = None
    actions: list[Action] = Field(min_length=1)
    resource: str | None = None

    @field_validator("resource")
    @classmethod
    def _resource_form(cls, value: str | None) -> str | None:
        if value is None:
            return value
        kind, sep, identifier = value.partition("::")
        if not sep or not identifier or kind not in RESOURCE_TYPES:
            raise ValueError(
                f"resource '{value}' must be '<type>::<id>' or '<type>::*' with type one of {', '.join(RESOURCE_TYPES)}"
            )
        return value


class AccessRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    permit: Scope | None = None
    forbid: Scope | None = None
    when: str | list[str] | None = None
    unless: str | list[str] | None = None
    description: str = ""

    @model_validator(mode="after")
    def _one_effect(self) -> "AccessRule":
        if (self.permit is None) == (self.forbid is None):
            raise ValueError("a rule has exactly one of 'permit' or 'forbid'")
        if self.when is not None and self.unless is not None:
            raise ValueError("a rule has 'when' or 'unless', not both")
        for text in self._texts(self.when) + self._texts(self.unless):
            Condition.parse(text)
        return self

    @staticmethod
    def _texts(value: str | list[str] | None) -> list[str]:
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    @property
    def scope(self) -> Scope:
        return self.permit or self.forbid  # type: ignore[return-value]

    def applies(self, user: User, action: str, resource: ProtectedResource) -> bool:
        scope = self.scope
        if action not in scope.actions:
            return False
        if scope.principal is not None and scope.principal != user.principal:
            return False
        if scope.resource is not None:
            kind, _, identifier = scope.resource.partition("::")
            if kind != resource.type or not fnmatch.fnmatchcase(resource.identifier, identifier):
                return False
        when = [Condition.parse(text) for text in self._texts(self.when)]
        unless = [Condition.parse(text) for text in self._texts(self.unless)]
        if when and not all(condition.holds(user, resource) for condition in when):
            return False
        return not (unless and any(condition.holds(user, resource) for condition in unless))


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def parse_rules(raw: Sequence[Any], what: str = "access_policy") -> tuple[AccessRule, ...]:
    """Validate rules; an invalid one is a PolicyError naming its position and description."""
    if not isinstance(raw, list | tuple):
        raise PolicyError(f"{what} must be a list of rules.")
    rules = []
    for index, item in enumerate(raw, start=1):
        try:
            rules.append(AccessRule.model_validate(item))
        except ValidationError as exc:
            label = item.get("description") if isinstance(item, dict) else None
            name = f"{what} rule {index}" + (f" ('{label}')" if label else "")
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc']) + ': ' if error['loc'] else ''}{_message(error)}"
                for error in exc.errors()
            )
            raise PolicyError(f"{name} is invalid: {problems}") from exc
    return tuple(rules)


def default_allows(user: User, resource: ProtectedResource) -> bool:
    if not resource.owner_principal or user.principal == resource.owner_principal:
        return True
    owner_attributes = resource.owner_attributes or {}
    return any(
        set(owner_attributes.get(kind) or []) & set(user.attributes.get(kind) or []) for kind in ATTRIBUTE_KINDS
    )


def is_allowed(access: AccessContext | None, action: str, resource: ProtectedResource) -> bool:
    """Whether the caller may do `action` on `resource` (always, when authentication is off)."""
    if access is None:
        return True
    if not access.rules:
        return default_allows(access.user, resource)
    for rule in access.rules:
        if rule.applies(access.user, action, resource):
            return rule.permit is not None
    return False


class RouteRule(BaseModel):
    """`{permit|forbid: {paths: ["/v1/batches*"]}, when|unless: <condition on the user>}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    permit: dict[str, list[str]] | None = None
    forbid: dict[str, list[str]] | None = None
    when: str | list[str] | None = None
    unless: str | list[str] | None = None
    description: str = ""

    @model_validator(mode="after")
    def _valid(self) -> "RouteRule":
        if (self.permit is None) == (self.forbid is None):
            raise ValueError("a route rule has exactly one of 'permit' or 'forbid'")
        scope = self.permit or self.forbid or {}
        if set(scope) != {"paths"} or not scope["paths"]:
            raise ValueError("a route rule's scope is {paths: [<path pattern>, ...]}")
        for text in AccessRule._texts(self.when) + AccessRule._texts(self.unless):
            condition = Condition.parse(text)
            if condition.kind != "user_with":
                raise ValueError(f"route rules can only use 'user with <value> in <attribute>', not '{text}'")
        return self

    def applies(self, user: User | None, path: str) -> bool:
        scope = self.permit or self.forbid or {}
        if not any(fnmatch.fnmatchcase(path, pattern) for pattern in scope["paths"]):
            return False
        nobody = ProtectedResource("route", path)
        when = [Condition.parse(text) for text in AccessRule._texts(self.when)]
        unless = [Condition.parse(text) for text in AccessRule._texts(self.unless)]
        if user is None:
            return not when
        if when and not all(condition.holds(user, nobody) for condition in when):
            return False
        return not (unless and any(condition.holds(user, nobody) for condition in unless))


def parse_route_rules(raw: Sequence[Any]) -> tuple[RouteRule, ...]:
    if not isinstance(raw, list | tuple):
        raise PolicyError("route_policy must be a list of rules.")
    rules = []
    for index, item in enumerate(raw, start=1):
        try:
            rules.append(RouteRule.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(_message(error) for error in exc.errors())
            raise PolicyError(f"route_policy rule {index} is invalid: {problems}") from exc
    return tuple(rules)


def route_allowed(rules: Sequence[RouteRule], user: User | None, path: str) -> bool:
    for rule in rules:
        if rule.applies(user, path):
            return rule.permit is not None
    return True
