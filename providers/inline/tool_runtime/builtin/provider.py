"""`inline::builtin`: tools that run in the server process. A builtin group provides every builtin tool.

The tools: `calculator` (see calculator.py). A tool's own failure (a bad expression) is a result
with an error_message, which a model can read and correct.
"""

from typing import Any

from apis.common.errors import BadRequestError
from apis.tool_groups.schemas import ToolGroup
from apis.tool_runtime.schemas import TextContentItem, ToolDef, ToolInvocationResult, parameters_from_schema
from providers.inline.tool_runtime.builtin.calculator import Calculator, CalculatorError, format_number
from providers.inline.tool_runtime.builtin.config import BuiltinToolRuntimeConfig

CALCULATOR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "expression": {
            "type": "string",
            "description": "An arithmetic expression, e.g. '(2 + 3) * 4 ** 2 / sqrt(2)'. Numbers, + - * / // % **, "
            "parentheses, the constants pi, e, tau and the functions abs, round, floor, ceil, sqrt, exp, log, "
            "log10, log2, sin, cos, tan, asin, acos, atan, min, max.",
        }
    },
    "required": ["expression"],
}
CALCULATOR = ToolDef(
    name="calculator",
    description="Evaluate an arithmetic expression exactly (integers of any size within limits, floats otherwise).",
    input_schema=CALCULATOR_SCHEMA,
    output_schema=None,
    parameters=parameters_from_schema(CALCULATOR_SCHEMA),
    metadata={"builtin": True},
)


class BuiltinToolRuntime:
    def __init__(self, config: BuiltinToolRuntimeConfig) -> None:
        self.config = config
        self.calculator = Calculator(
            max_expression_length=config.max_expression_length, max_integer_digits=config.max_integer_digits
        )

    async def register_tool_group(self, group: ToolGroup) -> None:
        if group.mcp_endpoint is not None:
            raise BadRequestError(
                "A builtin tool group has no MCP endpoint; register it with a remote::model-context-protocol "
                "provider instead.",
                param="mcp_endpoint",
            )
        if group.args:
            raise BadRequestError(
                f"Builtin tool groups take no args (got: {', '.join(sorted(group.args))}).", param="args"
            )

    async def list_runtime_tools(self, group: ToolGroup) -> list[ToolDef]:
        await self.register_tool_group(group)
        return [CALCULATOR]

    async def invoke_tool(self, group: ToolGroup, tool_name: str, kwargs: dict[str, Any]) -> ToolInvocationResult:
        if tool_name != CALCULATOR.name:
            # Only reachable through a tool row this provider never listed (a changed provider type).
            return ToolInvocationResult(error_message=f"Unknown builtin tool '{tool_name}'.", error_code=1)
        expression = kwargs.get("expression")
        unexpected = sorted(set(kwargs) - {"expression"})
        if not isinstance(expression, str) or unexpected:
            problem = f"unexpected arguments {', '.join(unexpected)}" if unexpected else "'expression' is missing"
            return ToolInvocationResult(
                error_message=f"The calculator takes one argument, 'expression' (a string): {problem}.",
                error_code=1,
                metadata={"tool": tool_name},
            )
        try:
            value = self.calculator.evaluate(expression)
        except CalculatorError as exc:
            return ToolInvocationResult(
                error_message=str(exc), error_code=1, metadata={"tool": tool_name, "expression": expression}
            )
        text = format_number(value)
        return ToolInvocationResult(
            content=[TextContentItem(text=text)],
            metadata={"tool": tool_name, "expression": expression, "result": text},
        )

    async def health(self) -> dict[str, str]:
        return {"status": "OK", "message": "calculator"}
