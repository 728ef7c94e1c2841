"""Writes and lookups of access control: API keys, the access policy, quotas."""

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apis.access.identity import ATTRIBUTE_KINDS, AccessContext, User
from apis.access.models import AccessPolicy, ApiKey
from apis.access.policy import AccessRule, PolicyError, RouteRule, parse_route_rules, parse_rules
from apis.providers.models import RegistryState
from providers.resolver import get_stack

KEY_PREFIX = "sk-stack-"


def hash_key(key: str) -> str:
    # API keys are long random strings, so a fast unsalted hash is safe and allows lookup by hash.
    return hashlib.sha256(key.encode()).hexdigest()


def normalize_attributes(attributes: dict[str, Any]) -> dict[str, list[str]]:
    """Attributes as lists of strings by kind; unknown kinds are refused."""
    normalized: dict[str, list[str]] = {}
    for kind, values in attributes.items():
        if kind not in ATTRIBUTE_KINDS:
            raise ValueError(f"Unknown attribute '{kind}': use one of {', '.join(ATTRIBUTE_KINDS)}.")
        items = [values] if isinstance(values, str) else list(values)
        if not all(isinstance(item, str) and item for item in items):
            raise ValueError(f"Attribute '{kind}' must be a list of non-empty strings.")
        normalized[kind] = items
    return normalized


@dataclass(frozen=True)
class CreatedKey:
    api_key: ApiKey
    key: str


@transaction.atomic
def api_key_create(
    *, principal: str, attributes: dict[str, Any] | None = None, description: str = "",
    requests_per_minute: int | None = None, requests_per_day: int | None = None,
) -> CreatedKey:
    """Create a key; the plain key is returned here only, never stored."""
    if not principal:
        raise ValueError("A key needs a principal.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey.objects.create(
        principal=principal,
        attributes=normalize_attributes(attributes or {}),
        key_prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(key),
        description=description,
        requests_per_minute=requests_per_minute,
        requests_per_day=requests_per_day,
    )
    return CreatedKey(api_key=row, key=key)


def api_key_lookup(key: str) -> ApiKey | None:
    return ApiKey.objects.filter(key_hash=hash_key(key), revoked=False).first()


def user_of_key(row: ApiKey) -> User:
    return User(principal=row.principal, attributes=row.attributes or {})


@dataclass(frozen=True)
class Policy:
    rules: tuple[AccessRule, ...]
    route_rules: tuple[RouteRule, ...]


# Every request needs the policy, so it is kept per process and the registry version behind it is
# checked at most once per POLICY_RECHECK_SECONDS: an edit reaches every process within that time.
POLICY_RECHECK_SECONDS = 1.0
_policy_cache: tuple[int, Policy, float] | None = None
# Set while a thread re-checks the policy: requests arriving meanwhile may keep using the last one.
_policy_rechecking = False


def fresh_policy(*, while_rechecking: bool = False) -> Policy | None:
    """The policy in force if it was checked recently, without touching the database.

    With `while_rechecking`, also the last policy while another request is re-checking it, so that
    the requests of a busy process do not all queue for the database at once when it goes stale.
    """
    cached = _policy_cache
    if cached is not None and (
        time.monotonic() - cached[2] < POLICY_RECHECK_SECONDS or (while_rechecking and _policy_rechecking)
    ):
        return cached[1]
    return None


def current_policy() -> Policy:
    """The access and route rules in force, re-read when the registry version moves."""
    global _policy_cache
    cached = fresh_policy()
    if cached is not None:
        return cached
    # The stack of this process: building it applies the distribution config, and with it the policy.
    version = get_stack().version
    if _policy_cache is not None and _policy_cache[0] == version:
        _policy_cache = (version, _policy_cache[1], time.monotonic())
        return _policy_cache[1]
    row = AccessPolicy.objects.filter(pk=AccessPolicy.SINGLETON_ID).first()
    policy = Policy(
        rules=parse_rules(row.rules) if row else (),
        route_rules=parse_route_rules(row.route_rules) if row else (),
    )
    _policy_cache = (version, policy, time.monotonic())
    return policy


async def arecheck_policy() -> Policy:
    """current_policy(), from async code; requests asking fresh_policy(while_rechecking=True) meanwhile
    get the last policy instead of queueing for the same re-check."""
    global _policy_rechecking
    _policy_rechecking = True
    try:
        return await sync_to_async(current_policy)()
    finally:
        _policy_rechecking = False


def forget_policy() -> None:
    global _policy_cache
    _policy_cache = None


@transaction.atomic
def access_policy_save(*, rules: list[Any], route_rules: list[Any], source: str = AccessPolicy.Source.ADMIN) -> None:
    """Validate and store the policy (PolicyError names the bad rule); every process picks it up."""
    parse_rules(rules)
    parse_route_rules(route_rules)
    AccessPolicy.objects.update_or_create(
        pk=AccessPolicy.SINGLETON_ID, defaults={"rules": rules, "route_rules": route_rules, "source": source}
    )
    RegistryState.bump()
    # This process sees its own edit at once.
    transaction.on_commit(forget_policy)


def access_policy_apply_config(*, rules: list[Any], route_rules: list[Any]) -> bool:
    """Seed the policy from the config, unless ops edited it in the admin. True when it changed."""
    row = AccessPolicy.objects.filter(pk=AccessPolicy.SINGLETON_ID).first()
    if row is not None and (row.source == AccessPolicy.Source.ADMIN or (row.rules, row.route_rules) == (
        rules, route_rules
    )):
        return False
    if row is None and not rules and not route_rules:
        return False
    access_policy_save(rules=rules, route_rules=route_rules, source=AccessPolicy.Source.CONFIG)
    return True


def access_for_owner(*, owner_principal: str, owner_attributes: dict[str, list[str]]) -> AccessContext | None:
    """The access context of a resource's owner, for work done on their behalf (a batch's requests)."""
    if not owner_principal:
        return None
    return AccessContext(User(owner_principal, owner_attributes or {}), current_policy().rules)


@dataclass(frozen=True)
class QuotaVerdict:
    allowed: bool
    retry_after: int = 0
    limit: str = ""


def quota_consume(*, subject: str, per_minute: int | None, per_day: int | None) -> QuotaVerdict:
    """Count one request for `subject` in the shared cache; refuse it past a limit."""
    now = time.time()
    windows = [(per_minute, 60, "minute"), (per_day, 86400, "day")]
    for limit, seconds, name in windows:
        if not limit:
            continue
        window = int(now // seconds)
        key = f"quota:{subject}:{name}:{window}"
        cache.add(key, 0, timeout=seconds + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds + 5)
            count = 1
        if count > limit:
            retry_after = max(1, int((window + 1) * seconds - now) + 1)
            return QuotaVerdict(False, retry_after, f"{limit} requests per {name}")
    return QuotaVerdict(True)


def quota_record_hit(*, api_key_id: int) -> None:
    ApiKey.objects.filter(pk=api_key_id).update(quota_hits=F("quota_hits") + 1, last_quota_hit_at=timezone.now())


__all__ = [
    "CreatedKey", "Policy", "PolicyError", "QuotaVerdict", "access_for_owner", "access_policy_apply_config",
    "access_policy_save",
    "api_key_create", "api_key_lookup", "current_policy", "quota_consume", "quota_record_hit",
]
