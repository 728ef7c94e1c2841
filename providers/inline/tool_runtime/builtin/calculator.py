"""A safe calculator: arithmetic expressions parsed with `ast` and evaluated over a whitelist of nodes.

Numbers, + - * / // % **, unary + and -, parentheses, a few math functions and constants; anything
else (names, attributes, strings, comparisons...) is refused before evaluation. Every step is bounded:
the expression's length, the size of integers (an exponentiation is refused before it is computed
when its result would be too large, so that "9**9**9" answers at once) and floats that overflow.
The tree is walked with an explicit stack, so a long chain of operators cannot exhaust Python's.
"""

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

Number = int | float

BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}
# name -> (function, fewest arguments, most arguments; None for any number)
FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int | None]] = {
    "abs": (abs, 1, 1),
    "round": (round, 1, 2),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "sqrt": (math.sqrt, 1, 1),
    "exp": (math.exp, 1, 1),
    "log": (math.log, 1, 2),
    "log10": (math.log10, 1, 1),
    "log2": (math.log2, 1, 1),
    "sin": (math.sin, 1, 1),
    "cos": (math.cos, 1, 1),
    "tan": (math.tan, 1, 1),
    "asin": (math.asin, 1, 1),
    "acos": (math.acos, 1, 1),
    "atan": (math.atan, 1, 1),
    "min": (min, 1, None),
    "max": (max, 1, None),
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}

SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
}


class CalculatorError(ValueError):
    """An expression that cannot be evaluated; the message says why, for a person or a model."""


@dataclass(frozen=True)
class Calculator:
    max_expression_length: int = 1000
    max_integer_digits: int = 1000

    @cached_property
    def integer_limit(self) -> int:
        """The smallest integer with too many digits."""
        return 10**self.max_integer_digits

    @cached_property
    def max_integer_bits(self) -> int:
        """An integer with more bits than this has more than max_integer_digits digits."""
        return math.ceil(self.max_integer_digits * math.log2(10))

    def evaluate(self, expression: str) -> Number:
        """The expression's value; a CalculatorError names what is wrong."""
        expression = expression.strip()
        if not expression:
            raise CalculatorError("The expression is empty.")
        if len(expression) > self.max_expression_length:
            raise CalculatorError(f"The expression is longer than {self.max_expression_length} characters.")
        try:
            tree = ast.parse(expression, mode="eval")
        except SyntaxError as exc:
            raise CalculatorError(f"The expression is not valid arithmetic: {exc.msg}.") from None
        except (RecursionError, MemoryError):
            raise CalculatorError("The expression is nested too deeply.") from None
        return self._evaluate(tree.body)

    def _evaluate(self, root: ast.expr) -> Number:
        # Post-order walk: a node is pushed once to visit its children, then again to compute it.
        pending: list[tuple[ast.expr, bool]] = [(root, False)]
        values: list[Number] = []
        while pending:
            node, ready = pending.pop()
            if not ready:
                pending.append((node, True))
                pending.extend((child, False) for child in reversed(self._children(node)))
                continue
            if isinstance(node, ast.Constant):
                values.append(node.value)
            elif isinstance(node, ast.Name):
                values.append(CONSTANTS[node.id])
            elif isinstance(node, ast.UnaryOp):
                values.append(self._checked(UNARY[type(node.op)](values.pop())))
            elif isinstance(node, ast.BinOp):
                right, left = values.pop(), values.pop()
                values.append(self._binary(node.op, left, right))
            else:
                assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                count = len(node.args)
                arguments = values[len(values) - count :]
                del values[len(values) - count :]
                values.append(self._call(node.func.id, arguments))
        return values.pop()

    def _children(self, node: ast.expr) -> list[ast.expr]:
        """The node's operands, once the node is known to be allowed."""
        if isinstance(node, ast.Constant):
            # bool is an int subclass, and True + 1 is no arithmetic a person means.
            if type(node.value) not in (int, float):
                raise CalculatorError(f"Only numbers are allowed, not {node.value!r}.")
            self._checked(node.value)
            return []
        if isinstance(node, ast.Name):
            if node.id not in CONSTANTS:
                raise CalculatorError(
                    f"Unknown name '{node.id}'. Constants: {', '.join(CONSTANTS)}; functions are called, e.g. sqrt(2)."
                )
            return []
        if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
            return [node.operand]
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return [node.left, node.right]
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)[:40]
                raise CalculatorError(f"Unknown function '{name}'. Functions: {', '.join(FUNCTIONS)}.")
            if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
                raise CalculatorError(f"{node.func.id}() takes plain arguments only.")
            _, fewest, most = FUNCTIONS[node.func.id]
            if len(node.args) < fewest or (most is not None and len(node.args) > most):
                if most is None:
                    expected = f"at least {fewest} arguments"
                else:
                    expected = f"{fewest} argument" if fewest == most == 1 else f"{fewest} to {most} arguments"
                raise CalculatorError(f"{node.func.id}() takes {expected}, not {len(node.args)}.")
            return list(node.args)
        raise CalculatorError(
            f"'{ast.unparse(node)[:40]}' is not allowed: use numbers, + - * / // % **, parentheses and "
            f"the functions {', '.join(FUNCTIONS)}."
        )

    def _binary(self, op: ast.operator, left: Number, right: Number) -> Number:
        if isinstance(op, ast.Pow):
            self._check_power(left, right)
        try:
            return self._checked(BINARY[type(op)](left, right))
        except ZeroDivisionError:
            raise CalculatorError(f"Division by zero in '{SYMBOLS[type(op)]}'.") from None
        except OverflowError:
            raise CalculatorError("The result is too large.") from None

    def _check_power(self, base: Number, exponent: Number) -> None:
        """Refuse, before computing it, a power whose integer result would pass the size limit."""
        if (
            isinstance(base, int)
            and isinstance(exponent, int)
            and exponent > 0
            # A lower bound of the result's bits, in integers (a float product could overflow); a power that
            # passes it has at most twice the limit's bits, cheap to compute and then checked like any result.
            and exponent * (abs(base).bit_length() - 1) > self.max_integer_bits
        ):
            shown = f"{base}**{exponent}" if len(str(base)) + len(str(exponent)) < 40 else "the power"
            raise CalculatorError(f"The result of {shown} would have more than {self.max_integer_digits} digits.")
        if base == 0 and exponent < 0:
            raise CalculatorError("Zero cannot be raised to a negative power.")
        # Python would answer with a complex number.
        if base < 0 and isinstance(exponent, float) and not exponent.is_integer():
            raise CalculatorError("A negative number cannot be raised to a fractional power.")

    def _call(self, name: str, arguments: list[Number]) -> Number:
        function = FUNCTIONS[name][0]
        if name == "round" and len(arguments) == 2:
            # round(x, -n) computes 10**n.
            digits = arguments[1]
            if not isinstance(digits, int) or abs(digits) > self.max_integer_digits:
                raise CalculatorError(
                    f"round()'s second argument must be an integer between -{self.max_integer_digits} "
                    f"and {self.max_integer_digits}."
                )
        try:
            return self._checked(function(*arguments))
        except (ValueError, ZeroDivisionError):
            shown = ", ".join(text if len(text := repr(value)) <= 30 else text[:27] + "..." for value in arguments)
            raise CalculatorError(f"{name}() is not defined for {shown}.") from None
        except OverflowError:
            raise CalculatorError(f"The result of {name}() is too large.") from None

    def _checked(self, value: Number) -> Number:
        """The value, if within bounds: an integer's size, a float's finiteness."""
        if isinstance(value, int):
            if abs(value) >= self.integer_limit:
                raise CalculatorError(f"A number has more than {self.max_integer_digits} digits.")
        elif not math.isfinite(value):
            raise CalculatorError("The result is too large.")
        return value


def format_number(value: Number) -> str:
    return str(value) if isinstance(value, int) else repr(value)
