"""Contracts of the tool runtime API: the tools a provider lists, and invoking one of them."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ToolParameter(BaseModel):
    """One argument of a tool, as older Llama Stack clients read it (derived from the input schema)."""

    name: str
    parameter_type: str = Field(description="The JSON Schema type of the argument ('string', 'integer'...).")
    description: str = ""
    required: bool = True
    items: dict[str, Any] | None = Field(default=None, description="The schema of the items of an array argument.")
    title: str | None = None
    default: Any | None = None


def parameters_from_schema(schema: dict[str, Any] | None) -> list[ToolParameter]:
    """The top-level properties of a JSON Schema object as ToolParameters, in the schema's order."""
    if not schema:
        return []
    required = set(schema.get("required") or [])
    parameters = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type")
        if isinstance(kind, list):
            # ["string", "null"]: an optional value of the first real type.
            kind = next((item for item in kind if item != "null"), "null")
        elif kind is None:
            # anyOf/oneOf or $ref without a type: the caller must read the input schema.
            kind = "object" if "$ref" in prop else "any"
        parameters.append(
            ToolParameter(
                name=name,
                parameter_type=str(kind),
                description=prop.get("description") or "",
                required=name in required,
                items=prop.get("items"),
                title=prop.get("title"),
                default=prop.get("default"),
            )
        )
    return parameters


class ToolDef(BaseModel):
    """A tool as its provider describes it."""

    toolgroup_id: str | None = Field(default=None, description="The tool group that provides the tool.")
    name: str = Field(description="The tool's name, unique on the server.")
    description: str | None = None
    input_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema of the tool's arguments.")
    output_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema of its structured result.")
    parameters: list[ToolParameter] = Field(
        default_factory=list, description="The arguments, from input_schema (for clients of the older shape)."
    )
    metadata: dict[str, Any] | None = Field(default=None, description="Provider details (title, annotations...).")


class ListToolDefsResponse(BaseModel):
    data: list[ToolDef]


class ListRuntimeToolsRequest(BaseModel):
    tool_group_id: str | None = Field(
        default=None, min_length=1, description="The tool group to ask; all the groups the caller can see when absent."
    )


class InvokeToolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool_name: str = Field(min_length=1, description="A registered tool (see /v1/tools).")
    kwargs: dict[str, Any] = Field(description="The tool's arguments, as its input schema describes them.")


class TextContentItem(BaseModel):
    type: Literal["text"] = "text"
    text: str


class ImageSource(BaseModel):
    data: str | None = Field(default=None, description="The image, base64-encoded.")
    url: str | None = None


class ImageContentItem(BaseModel):
    type: Literal["image"] = "image"
    image: ImageSource


ContentItem = Annotated[TextContentItem | ImageContentItem, Field(discriminator="type")]


class ToolInvocationResult(BaseModel):
    content: str | list[ContentItem] | None = Field(default=None, description="What the tool returned.")
    error_message: str | None = Field(default=None, description="Set when the tool failed: why, for the model.")
    error_code: int | None = Field(default=None, description="Set (non-zero) when the tool failed.")
    metadata: dict[str, Any] | None = Field(default=None, description="Provider details (structured content...).")
