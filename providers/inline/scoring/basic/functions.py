"""The functions of `inline::basic`: each scores one row from its 'generated_answer' and 'expected_answer'."""

import re
from collections.abc import Callable
from typing import Any

from apis.common.errors import BadRequestError
from apis.scoring_functions.schemas import (
    BasicScoringFnParams,
    ProviderScoringFn,
    RegexParserScoringFnParams,
    ReturnType,
    ScoringFnParams,
)

EQUALITY = "basic::equality"
SUBSET_OF = "basic::subset_of"
REGEX_PARSER_MULTIPLE_CHOICE = "basic::regex_parser_multiple_choice_answer"

# How answers to multiple-choice questions usually state their letter.
MULTIPLE_CHOICE_REGEXES = [
    r"(?i)answer\s*(?:is)?\s*:?\s*\(?([A-J])\)?(?![A-Za-z])",
    r"(?i)\bthe (?:correct )?(?:answer|option|choice) is\s*\(?([A-J])\)?(?![A-Za-z])",
    r"^\s*\(?([A-J])\)?[.):]?\s*$",
]

RowScorer = Callable[[dict[str, Any], ScoringFnParams | None, int], dict[str, Any]]


def column(row: dict[str, Any], name: str, index: int, function: str) -> str:
    """A row's text column; a BadRequestError naming the row when it is missing."""
    if name not in row or row[name] is None:
        raise BadRequestError(
            f"Scoring function '{function}' needs '{name}' in every row; row {index} has none.", param="input_rows"
        )
    value = row[name]
    return value if isinstance(value, str) else str(value)


def equality(row: dict[str, Any], params: ScoringFnParams | None, index: int) -> dict[str, Any]:
    expected = column(row, "expected_answer", index, EQUALITY)
    generated = column(row, "generated_answer", index, EQUALITY)
    return {"score": 1.0 if generated == expected else 0.0}


def subset_of(row: dict[str, Any], params: ScoringFnParams | None, index: int) -> dict[str, Any]:
    expected = column(row, "expected_answer", index, SUBSET_OF)
    generated = column(row, "generated_answer", index, SUBSET_OF)
    return {"score": 1.0 if expected in generated else 0.0}


def regex_parser_multiple_choice(row: dict[str, Any], params: ScoringFnParams | None, index: int) -> dict[str, Any]:
    expected = column(row, "expected_answer", index, REGEX_PARSER_MULTIPLE_CHOICE).strip()
    generated = column(row, "generated_answer", index, REGEX_PARSER_MULTIPLE_CHOICE)
    regexes = (
        params.parsing_regexes
        if isinstance(params, RegexParserScoringFnParams) and params.parsing_regexes
        else MULTIPLE_CHOICE_REGEXES
    )
    for pattern in regexes:
        match = re.search(pattern, generated, flags=re.MULTILINE)
        if match:
            parsed = (match.group(1) if match.groups() else match.group(0)).strip()
            return {"score": 1.0 if parsed.upper() == expected.upper() else 0.0, "parsed_answer": parsed}
    return {"score": 0.0, "parsed_answer": None}


NUMBER = ReturnType(type="number")
FUNCTIONS: dict[str, tuple[ProviderScoringFn, RowScorer]] = {
    EQUALITY: (
        ProviderScoringFn(
            provider_scoring_fn_id=EQUALITY,
            description="1 when the generated answer equals the expected answer exactly, else 0.",
            return_type=NUMBER,
            params=BasicScoringFnParams(aggregation_functions=["accuracy"]),
        ),
        equality,
    ),
    SUBSET_OF: (
        ProviderScoringFn(
            provider_scoring_fn_id=SUBSET_OF,
            description="1 when the expected answer appears within the generated answer, else 0.",
            return_type=NUMBER,
            params=BasicScoringFnParams(aggregation_functions=["accuracy"]),
        ),
        subset_of,
    ),
    REGEX_PARSER_MULTIPLE_CHOICE: (
        ProviderScoringFn(
            provider_scoring_fn_id=REGEX_PARSER_MULTIPLE_CHOICE,
            description="1 when the choice parsed from the generated answer (the first parsing regex that matches, "
            "group 1) is the expected answer, else 0.",
            return_type=NUMBER,
            params=RegexParserScoringFnParams(
                parsing_regexes=MULTIPLE_CHOICE_REGEXES, aggregation_functions=["accuracy"]
            ),
        ),
        regex_parser_multiple_choice,
    ),
}
