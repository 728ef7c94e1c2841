"""`inline::builtin`: the calculator through the HTTP API, and the calculator's bounds and refusals."""

import random
import time

import pytest
from django.test import Client

from providers.inline.tool_runtime.builtin.calculator import FUNCTIONS, Calculator, CalculatorError
from tests.apis.tool_groups.conftest import register_builtin_provider, register_group


def calculate(client: Client, **kwargs: object) -> dict:
    response = client.post(
        "/v1/tool-runtime/invoke", {"tool_name": "calculator", "kwargs": kwargs}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_the_calculator_through_the_api(client: Client, builtin: str) -> None:
    created = register_group(client, toolgroup_id="builtin::calculator")
    assert created.status_code == 200
    tool = client.get("/v1/tools/calculator").json()
    assert (tool["toolgroup_id"], tool["provider_id"], tool["input_schema"]["required"]) == (
        "builtin::calculator", "builtin", ["expression"],
    )
    assert [(p["name"], p["parameter_type"], p["required"]) for p in tool["parameters"]] == [
        ("expression", "string", True)
    ]

    assert calculate(client, expression="(2 + 3) * 4 ** 2 // 3") == {
        "content": [{"type": "text", "text": "26"}],
        "error_message": None,
        "error_code": None,
        "metadata": {"tool": "calculator", "expression": "(2 + 3) * 4 ** 2 // 3", "result": "26"},
    }
    assert calculate(client, expression="9**9**9") == {
        "content": None,
        "error_message": "The result of 9**387420489 would have more than 1000 digits.",
        "error_code": 1,
        "metadata": {"tool": "calculator", "expression": "9**9**9"},
    }
    assert calculate(client, expression="__import__('os').system('true')")["error_message"] == (
        "Unknown function '__import__('os').system'. Functions: " + ", ".join(FUNCTIONS) + "."
    )
    assert calculate(client)["error_message"] == (
        "The calculator takes one argument, 'expression' (a string): 'expression' is missing."
    )
    assert calculate(client, expression="1", precision=3)["error_message"] == (
        "The calculator takes one argument, 'expression' (a string): unexpected arguments precision."
    )


@pytest.mark.django_db
def test_limits_come_from_the_provider_config(client: Client) -> None:
    register_builtin_provider(max_expression_length=10, max_integer_digits=5)
    assert register_group(client, toolgroup_id="calc").status_code == 200
    assert calculate(client, expression="99999 + 0")["content"] == [{"type": "text", "text": "99999"}]
    assert calculate(client, expression="99999 + 1")["error_message"] == "A number has more than 5 digits."
    assert calculate(client, expression="1 + 2 + 3 + 4")["error_message"] == (
        "The expression is longer than 10 characters."
    )


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("2 ** -2", 0.25),
        ("-3 ** 2", -9),
        ("--3", 3),
        ("+4", 4),
        ("1_000 + 0x10 + 1e3", 2016.0),
        ("sqrt(16) + abs(-2) + floor(2.7) + ceil(2.1)", 11.0),
        ("round(2.567, 2)", 2.57),
        ("round(1234, -2)", 1200),
        ("log(8, 2) + log10(1000) + log2(8)", 9.0),
        ("max(1, 5, 3) - min(4, 2)", 3),
        ("2 * pi - tau", 0.0),
        ("10 ** 999 // 10 ** 998", 10),
        ("1 ** 10 ** 100", 1),
        ("+".join(["1"] * 400), 400),
        ("-" * 900 + "1", 1),
    ],
)
def test_values(expression: str, value: float) -> None:
    assert Calculator().evaluate(expression) == pytest.approx(value)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "The expression is empty."),
        ("1 +", "The expression is not valid arithmetic: invalid syntax."),
        ("(" * 250 + "1" + ")" * 250, "The expression is not valid arithmetic: too many nested parentheses."),
        ("x" * 1001, "The expression is longer than 1000 characters."),
        ("9**9**9", "The result of 9**387420489 would have more than 1000 digits."),
        ("(10**999)**10**999", "The result of the power would have more than 1000 digits."),
        ("10**1000", "A number has more than 1000 digits."),
        ("10**999 * 10", "A number has more than 1000 digits."),
        ("1e308 * 10", "The result is too large."),
        ("1.5 ** 10 ** 999", "The result is too large."),
        ("exp(1000)", "The result of exp() is too large."),
        ("1 / 0", "Division by zero in '/'."),
        ("1 % 0", "Division by zero in '%'."),
        ("0 ** -1", "Zero cannot be raised to a negative power."),
        ("(-8) ** (1/3)", "A negative number cannot be raised to a fractional power."),
        ("sqrt(-1)", "sqrt() is not defined for -1."),
        ("round(5, -10**999)", "round()'s second argument must be an integer between -1000 and 1000."),
        ("round(5, 1.5)", "round()'s second argument must be an integer between -1000 and 1000."),
        ("sqrt(1, 2)", "sqrt() takes 1 argument, not 2."),
        ("log()", "log() takes 1 to 2 arguments, not 0."),
        ("max()", "max() takes at least 1 arguments, not 0."),
        ("max(*[1])", "max() takes plain arguments only."),
        ("abs(x=1)", "abs() takes plain arguments only."),
        ("True + 1", "Only numbers are allowed, not True."),
        ("'a' * 3", "Only numbers are allowed, not 'a'."),
        ("1j", "Only numbers are allowed, not 1j."),
        ("x + 1", "Unknown name 'x'. Constants: pi, e, tau; functions are called, e.g. sqrt(2)."),
        ("print(1)", "Unknown function 'print'. Functions: " + ", ".join(FUNCTIONS) + "."),
        ("().__class__", "'().__class__' is not allowed: use numbers, + - * / // % **, parentheses and the functions "
                         + ", ".join(FUNCTIONS) + "."),
        ("1 if 1 else 2", "'1 if 1 else 2' is not allowed: use numbers, + - * / // % **, parentheses and the functions "
                          + ", ".join(FUNCTIONS) + "."),
        ("[1][0]", "'[1][0]' is not allowed: use numbers, + - * / // % **, parentheses and the functions "
                   + ", ".join(FUNCTIONS) + "."),
        ("(lambda: 1)()", "Unknown function 'lambda: 1'. Functions: " + ", ".join(FUNCTIONS) + "."),
    ],
)
def test_refusals_say_why(expression: str, message: str) -> None:
    with pytest.raises(CalculatorError) as refused:
        Calculator().evaluate(expression)
    assert str(refused.value) == message


def test_random_expressions_end_quickly_in_a_value_or_a_refusal() -> None:
    """Deep random trees of huge, tiny and zero operands: nothing but a number or a CalculatorError, fast."""
    rng = random.Random(7)
    atoms = ["0", "1", "-1", "2", "9", "0.5", "3.7", "1e308", "1e-308", "pi", "10**999", "-(10**999)", "2**3000"]
    operators = ["+", "-", "*", "/", "//", "%", "**"]
    arity = {"round": 2, "log": 2, "min": 3, "max": 2}

    def expression(depth: int) -> str:
        roll = rng.random()
        if depth == 0 or roll < 0.25:
            return rng.choice(atoms)
        if roll < 0.65:
            return f"({expression(depth - 1)}{rng.choice(operators)}{expression(depth - 1)})"
        if roll < 0.75:
            return f"-{expression(depth - 1)}"
        name = rng.choice(list(FUNCTIONS))
        return f"{name}({', '.join(expression(depth - 1) for _ in range(arity.get(name, 1)))})"

    calculator = Calculator()
    outcomes = {"value": 0, "refused": 0}
    started = time.monotonic()
    for _ in range(1500):
        text = expression(5)
        try:
            value = calculator.evaluate(text)
        except CalculatorError:
            outcomes["refused"] += 1
        else:
            assert type(value) in (int, float), text
            outcomes["value"] += 1
    assert time.monotonic() - started < 10
    assert min(outcomes.values()) > 100
