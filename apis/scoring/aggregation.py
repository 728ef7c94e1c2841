"""Aggregation functions: how a scoring function's row scores are summed up into `aggregated_results`."""

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any


def _numbers(rows: Sequence[dict[str, Any]]) -> list[float]:
    """The scores that are numbers (booleans count as 0 and 1); a judge that gave no score is left out."""
    return [float(row["score"]) for row in rows if isinstance(row.get("score"), int | float)]


def accuracy(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    correct = sum(_numbers(rows))
    return {"accuracy": correct / len(rows) if rows else 0.0, "num_correct": correct, "num_total": len(rows)}


def average(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    numbers = _numbers(rows)
    return {"average": sum(numbers) / len(numbers) if numbers else None}


def weighted_average(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    scored = [row for row in rows if isinstance(row.get("score"), int | float)]
    weights = [float(row.get("weight", 1.0)) for row in scored]
    total = sum(weights)
    if not total:
        return {"weighted_average": None}
    weighted = sum(float(row["score"]) * weight for row, weight in zip(scored, weights, strict=True))
    return {"weighted_average": weighted / total}


def median(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    numbers = _numbers(rows)
    return {"median": statistics.median(numbers) if numbers else None}


def categorical_count(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"categorical_count": dict(Counter(str(row.get("score")) for row in rows))}


AGGREGATIONS: dict[str, Callable[[Sequence[dict[str, Any]]], dict[str, Any]]] = {
    "accuracy": accuracy,
    "average": average,
    "weighted_average": weighted_average,
    "median": median,
    "categorical_count": categorical_count,
}


def aggregate(rows: Sequence[dict[str, Any]], functions: Sequence[str]) -> dict[str, Any]:
    """Every requested aggregation of the rows, merged into one mapping."""
    results: dict[str, Any] = {}
    for name in functions:
        results.update(AGGREGATIONS[name](rows))
    return results
