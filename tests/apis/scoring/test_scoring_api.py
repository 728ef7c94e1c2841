"""The scoring API through the real router: basic functions and an LLM judge (the test upstream's echo model)
against hand-computed scores, score-batch over a dataset and its saved results."""

import pytest
from django.test import Client

from apis.datasets.models import RegisteredDataset
from tests.apis.datasets.support import post
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db

# Each row scored against its expected answer, by hand:   equality  subset_of
ROWS = [
    {"input_query": "2+2", "generated_answer": "4", "expected_answer": "4"},  # 1  1
    {"input_query": "capital", "generated_answer": "It is Paris.", "expected_answer": "Paris"},  # 0  1
    {"input_query": "3*3", "generated_answer": "6", "expected_answer": "9"},  # 0  0
    {"input_query": "color", "generated_answer": "blue", "expected_answer": "blue"},  # 1  1
]


def score(client: Client, rows: list[dict], functions: dict):
    return post(client, "/v1/scoring/score", {"input_rows": rows, "scoring_functions": functions})


def test_basic_functions_score_each_row_and_aggregate(client: Client, eval_stack) -> None:
    response = score(client, ROWS, {"basic::equality": None, "basic::subset_of": None})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "results": {
            "basic::equality": {
                "score_rows": [{"score": 1.0}, {"score": 0.0}, {"score": 0.0}, {"score": 1.0}],
                "aggregated_results": {"accuracy": 0.5, "num_correct": 2.0, "num_total": 4},
            },
            "basic::subset_of": {
                "score_rows": [{"score": 1.0}, {"score": 1.0}, {"score": 0.0}, {"score": 1.0}],
                "aggregated_results": {"accuracy": 0.75, "num_correct": 3.0, "num_total": 4},
            },
        }
    }


def test_request_params_choose_the_aggregations(client: Client, eval_stack) -> None:
    params = {"type": "basic", "aggregation_functions": ["average", "median", "categorical_count", "weighted_average"]}
    results = score(client, ROWS, {"basic::subset_of": params}).json()["results"]["basic::subset_of"]
    assert results["aggregated_results"] == {
        "average": 0.75,
        "median": 1.0,
        "categorical_count": {"1.0": 3, "0.0": 1},
        "weighted_average": 0.75,
    }


def test_multiple_choice_answers_are_parsed(client: Client, eval_stack) -> None:
    rows = [
        {"generated_answer": "Let me think. The answer is (B).", "expected_answer": "B"},
        {"generated_answer": "Answer: c", "expected_answer": "C"},
        {"generated_answer": "D", "expected_answer": "A"},
        {"generated_answer": "I do not know.", "expected_answer": "A"},
    ]
    function = "basic::regex_parser_multiple_choice_answer"
    result = score(client, rows, {function: None}).json()["results"][function]
    assert result["score_rows"] == [
        {"score": 1.0, "parsed_answer": "B"},
        {"score": 1.0, "parsed_answer": "c"},
        {"score": 0.0, "parsed_answer": "D"},
        {"score": 0.0, "parsed_answer": None},
    ]
    assert result["aggregated_results"]["accuracy"] == 0.5
    # Regexes of the request's own replace the function's.
    own = {"type": "regex_parser", "parsing_regexes": [r"choice #(\w)"]}
    mine = score(client, [{"generated_answer": "choice #A", "expected_answer": "A"}], {function: own})
    assert mine.json()["results"][function]["score_rows"] == [{"score": 1.0, "parsed_answer": "A"}]


def test_an_llm_judge_scores_through_the_inference_routing(client: Client, eval_stack: Upstream) -> None:
    """The echo model answers "echo: <prompt>": the prompt carries the score the regex reads back."""
    params = {
        "type": "llm_as_judge",
        "judge_model": "echo",
        "prompt_template": "Q: {input_query} | A: {generated_answer} | Score: {expected_answer}",
        "judge_score_regexes": [r"Score: (\d+)"],
        "aggregation_functions": ["average", "categorical_count"],
    }
    rows = [
        {"input_query": "a", "generated_answer": "x", "expected_answer": "4"},
        {"input_query": "b", "generated_answer": "y", "expected_answer": "2"},
        {"input_query": "c", "generated_answer": "z", "expected_answer": "none"},
    ]
    response = score(client, rows, {"llm-as-judge::base": params})
    assert response.status_code == 200, response.content
    result = response.json()["results"]["llm-as-judge::base"]
    assert result["score_rows"] == [
        {"score": 4.0, "judge_feedback": "echo: Q: a | A: x | Score: 4"},
        {"score": 2.0, "judge_feedback": "echo: Q: b | A: y | Score: 2"},
        {"score": None, "judge_feedback": "echo: Q: c | A: z | Score: none"},
    ]
    assert result["aggregated_results"] == {"average": 3.0, "categorical_count": {"4.0": 1, "2.0": 1, "None": 1}}
    sent = [request["body"] for request in eval_stack.requests()]
    assert sorted(body["messages"][0]["content"] for body in sent) == [
        "Q: a | A: x | Score: 4",
        "Q: b | A: y | Score: 2",
        "Q: c | A: z | Score: none",
    ]
    assert {(body["model"], body["temperature"], "max_tokens" in body) for body in sent} == {("echo-model", 0.0, False)}


def test_a_registered_judge_function_uses_its_own_params(client: Client, eval_stack: Upstream) -> None:
    registered = post(client, "/v1/scoring-functions", {
        "scoring_fn_id": "judge",
        "description": "judged",
        "return_type": {"type": "number"},
        "provider_id": "llm-as-judge",
        "provider_scoring_fn_id": "llm-as-judge::base",
        "params": {"type": "llm_as_judge", "judge_model": "echo", "prompt_template": "rate {generated_answer}: 5/5",
                   "judge_score_regexes": [r"(\d)/5"]},
    })
    assert registered.status_code == 200, registered.content
    result = score(client, [{"generated_answer": "fine"}], {"judge": None}).json()["results"]["judge"]
    assert result == {
        "score_rows": [{"score": 5.0, "judge_feedback": "echo: rate fine: 5/5"}],
        "aggregated_results": {"average": 5.0},
    }


@pytest.mark.parametrize(
    ("rows", "functions", "status", "message"),
    [
        (
            [{"generated_answer": "4"}],
            {"basic::equality": None},
            400,
            "Scoring function 'basic::equality' needs 'expected_answer' in every row; row 0 has none.",
        ),
        ([{"x": 1}], {"nope": None}, 404, "Scoring function 'nope' not found."),
        (
            [{"x": 1}],
            {"llm-as-judge::base": None},
            400,
            "Scoring function 'llm-as-judge::base' needs params of type 'llm_as_judge' with a judge_model; it got "
            "no params.",
        ),
        (
            [{"generated_answer": "g"}],
            {"llm-as-judge::base": {"type": "llm_as_judge", "judge_model": "echo"}},
            400,
            "The judge's prompt of 'llm-as-judge::base' needs column 'input_query'; row 0 has none.",
        ),
        (
            [{"input_query": "q", "generated_answer": "g", "expected_answer": "e"}],
            {"llm-as-judge::base": {"type": "llm_as_judge", "judge_model": "missing"}},
            404,
            "Model 'missing' not found.",
        ),
        ([{"x": 1}], {}, 400, "Invalid value for 'scoring_functions'"),
    ],
)
def test_scoring_errors(client: Client, eval_stack, rows: list, functions: dict, status: int, message: str) -> None:
    response = score(client, rows, functions)
    assert response.status_code == status, response.content
    assert response.json()["error"]["message"].startswith(message)


def test_too_many_rows_are_refused(client: Client, eval_stack, settings) -> None:
    settings.STACK_SCORING_MAX_ROWS = 3
    response = score(client, ROWS, {"basic::equality": None})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "At most 3 rows are scored in one request; got 4."


def test_score_batch_reads_the_dataset_and_saves_the_scored_rows(client: Client, eval_stack, settings) -> None:
    settings.STACK_DATASETIO_PAGE_SIZE = 3  # the dataset is read over two pages
    created = post(client, "/v1beta/datasets", {
        "dataset_id": "answers", "purpose": "eval/question-answer", "source": {"type": "rows", "rows": ROWS[:2]}
    })
    assert created.status_code == 200
    post(client, "/v1beta/datasetio/append-rows/answers", {"rows": ROWS[2:]})
    functions = {"basic::equality": None, "basic::subset_of": None}
    plain = post(client, "/v1/scoring/score-batch", {"dataset_id": "answers", "scoring_functions": functions})
    assert plain.status_code == 200, plain.content
    assert plain.json()["dataset_id"] is None
    assert plain.json()["results"]["basic::equality"]["aggregated_results"]["accuracy"] == 0.5
    assert plain.json()["results"]["basic::subset_of"]["aggregated_results"]["accuracy"] == 0.75
    assert RegisteredDataset.objects.count() == 1

    saved = post(client, "/v1/scoring/score-batch", {
        "dataset_id": "answers", "scoring_functions": functions, "save_results_dataset": True
    }).json()
    assert saved["dataset_id"].startswith("answers-scores-")
    dataset = client.get(f"/v1beta/datasets/{saved['dataset_id']}").json()
    assert dataset["metadata"] == {"scored_dataset_id": "answers", "scoring_functions": list(functions)}
    first = client.get(f"/v1beta/datasetio/iterrows/{saved['dataset_id']}").json()
    rest = client.get(f"/v1beta/datasetio/iterrows/{saved['dataset_id']}?start_index=3").json()
    rows = first["data"] + rest["data"]
    assert [row["input_query"] for row in rows] == [row["input_query"] for row in ROWS]
    assert rows[1] == {**ROWS[1], "basic::equality": {"score": 0.0}, "basic::subset_of": {"score": 1.0}}

    missing = post(client, "/v1/scoring/score-batch", {"dataset_id": "nope", "scoring_functions": functions})
    assert missing.status_code == 404
    settings.STACK_SCORING_MAX_ROWS = 3
    too_big = post(client, "/v1/scoring/score-batch", {"dataset_id": "answers", "scoring_functions": functions})
    assert too_big.status_code == 400
    assert too_big.json()["error"]["message"] == (
        "Dataset 'answers' has more than 3 rows, the most scored in one request."
    )
