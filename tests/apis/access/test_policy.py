"""The access policy engine: every condition form, first match wins, the default policy, bad rules."""

import pytest

from apis.access.identity import AccessContext, User
from apis.access.policy import PolicyError, ProtectedResource, is_allowed, parse_route_rules, parse_rules, route_allowed

ALICE = User("alice", {"roles": ["admin"], "teams": ["ml"]})
BOB = User("bob", {"teams": ["web"]})
CAROL = User("carol", {"teams": ["ml", "web"], "projects": ["p1"]})
ALICES_MODEL = ProtectedResource("model", "m1", "alice", {"teams": ["ml"]})
UNOWNED = ProtectedResource("model", "shared")


def allowed(rules: list, user: User, action: str, resource: ProtectedResource) -> bool:
    return is_allowed(AccessContext(user, parse_rules(rules)), action, resource)


def test_no_authentication_allows_everything() -> None:
    assert is_allowed(None, "delete", ALICES_MODEL)


def test_default_policy_owner_and_shared_attributes_and_unowned() -> None:
    assert allowed([], ALICE, "read", ALICES_MODEL)
    assert allowed([], CAROL, "read", ALICES_MODEL)  # shares team ml
    assert not allowed([], BOB, "read", ALICES_MODEL)
    assert allowed([], BOB, "delete", UNOWNED)


def test_user_with_value_in_attribute() -> None:
    rules = [{"permit": {"actions": ["read"]}, "when": "user with admin in roles"}]
    assert allowed(rules, ALICE, "read", UNOWNED)
    assert not allowed(rules, BOB, "read", UNOWNED)
    assert not allowed(rules, ALICE, "delete", UNOWNED)  # no rule matches: denied


def test_user_is_owner_and_is_not_owner() -> None:
    owner_only = [{"permit": {"actions": ["delete"]}, "when": "user is owner"}]
    assert allowed(owner_only, ALICE, "delete", ALICES_MODEL)
    assert not allowed(owner_only, CAROL, "delete", ALICES_MODEL)
    others = [{"forbid": {"actions": ["read"]}, "when": "user is not owner"}, {"permit": {"actions": ["read"]}}]
    assert allowed(others, ALICE, "read", ALICES_MODEL)
    assert not allowed(others, BOB, "read", ALICES_MODEL)


def test_user_in_and_not_in_owners_attribute() -> None:
    rules = [{"permit": {"actions": ["read"]}, "when": "user in owners teams"}]
    assert allowed(rules, CAROL, "read", ALICES_MODEL)
    assert not allowed(rules, BOB, "read", ALICES_MODEL)
    rules = [{"forbid": {"actions": ["read"]}, "when": "user not in owners teams"}, {"permit": {"actions": ["read"]}}]
    assert allowed(rules, CAROL, "read", ALICES_MODEL)
    assert not allowed(rules, BOB, "read", ALICES_MODEL)


def test_resource_is_unowned() -> None:
    rules = [{"permit": {"actions": ["read", "delete"]}, "when": "resource is unowned"}]
    assert allowed(rules, BOB, "delete", UNOWNED)
    assert not allowed(rules, BOB, "delete", ALICES_MODEL)


def test_unless_and_condition_lists() -> None:
    rules = [{"permit": {"actions": ["read"]}, "unless": ["user with web in teams"]}]
    assert allowed(rules, ALICE, "read", UNOWNED)
    assert not allowed(rules, CAROL, "read", UNOWNED)
    both = [{"permit": {"actions": ["read"]}, "when": ["user with ml in teams", "user with p1 in projects"]}]
    assert allowed(both, CAROL, "read", UNOWNED)
    assert not allowed(both, ALICE, "read", UNOWNED)


def test_a_forbid_rule_overrides_a_later_permit() -> None:
    rules = [
        {"forbid": {"actions": ["delete"], "resource": "model::m1"}, "description": "m1 is precious"},
        {"permit": {"actions": ["create", "read", "update", "delete"]}},
    ]
    assert not allowed(rules, ALICE, "delete", ALICES_MODEL)
    assert allowed(rules, ALICE, "read", ALICES_MODEL)
    assert allowed(rules, ALICE, "delete", ProtectedResource("model", "m2", "alice"))


def test_principal_and_resource_scopes_with_wildcards() -> None:
    rules = [{"permit": {"principal": "bob", "actions": ["read"], "resource": "model::*"}}]
    assert allowed(rules, BOB, "read", ALICES_MODEL)
    assert not allowed(rules, BOB, "read", ProtectedResource("file", "file-1", "alice"))
    assert not allowed(rules, ALICE, "read", ALICES_MODEL)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"permit": {"actions": ["read"]}, "when": "user likes cake", "description": "odd"}],
         "access_policy rule 1 ('odd') is invalid: unknown condition 'user likes cake'"),
        ([{"permit": {"actions": ["read"]}}, {"permit": {"actions": ["fly"]}}], "access_policy rule 2 is invalid"),
        ([{"permit": {"actions": ["read"]}, "forbid": {"actions": ["read"]}}], "exactly one of 'permit' or 'forbid'"),
        ([{"permit": {"actions": ["read"], "resource": "planet::earth"}}], "must be '<type>::<id>'"),
        ("not a list", "must be a list"),
    ],
)
def test_invalid_rules_are_rejected_naming_the_rule(rules: list, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_rules(rules)


def test_route_policy_permits_and_forbids_paths_by_attribute() -> None:
    rules = parse_route_rules([
        {"permit": {"paths": ["/v1/batches*"]}, "when": "user with admin in roles"},
        {"forbid": {"paths": ["/v1/batches*"]}},
    ])
    assert route_allowed(rules, ALICE, "/v1/batches/batch_1")
    assert not route_allowed(rules, BOB, "/v1/batches")
    assert route_allowed(rules, BOB, "/v1/models")
    with pytest.raises(PolicyError, match="route_policy rule 1"):
        parse_route_rules([{"permit": {"paths": ["/x"]}, "when": "user is owner"}])
