"""Synchronous evaluations through the real router: the echo model answers each row through our inference routing,
the benchmark's scoring functions grade the answers; scores checked against values computed by hand."""

import pytest
from django.test import Client

from tests.apis.datasets.support import post
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db

ECHO = {"type": "model", "model": "echo", "sampling_params": {"strategy": {"type": "greedy"}, "max_tokens": 50}}
GENERATIONS = [
    {"generated_answer": "echo: 2+2"},
    {"generated_answer": "echo: capital of France"},
    {"generated_answer": "echo: hello"},
    {"generated_answer": "echo: 3*3"},
]


def evaluate(client: Client, benchmark: str = "qa", **body: object):
    body = {"benchmark_config": {"eval_candidate": ECHO}, **body}
    return post(client, f"/v1alpha/eval/benchmarks/{benchmark}/evaluations", body)


def test_the_benchmark_rows_are_answered_and_scored(client: Client, benchmark: str, eval_stack: Upstream) -> None:
    response = evaluate(client)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "generations": GENERATIONS,
        "scores": {
            # qa_rows expects "echo: 2+2", "France", "echo: hello", "9".
            "basic::equality": {
                "score_rows": [{"score": 1.0}, {"score": 0.0}, {"score": 1.0}, {"score": 0.0}],
                "aggregated_results": {"accuracy": 0.5, "num_correct": 2.0, "num_total": 4},
            },
            "basic::subset_of": {
                "score_rows": [{"score": 1.0}, {"score": 1.0}, {"score": 1.0}, {"score": 0.0}],
                "aggregated_results": {"accuracy": 0.75, "num_correct": 3.0, "num_total": 4},
            },
        },
    }
    sent = [request["body"] for request in eval_stack.requests()]
    assert sorted(body["messages"][-1]["content"] for body in sent) == ["2+2", "3*3", "capital of France", "hello"]
    assert {(body["model"], body["temperature"], body["max_tokens"]) for body in sent} == {("echo-model", 0.0, 50)}


def test_rows_functions_and_sampling_of_the_request(client: Client, benchmark: str, eval_stack: Upstream) -> None:
    candidate = {
        "type": "model",
        "model": "echo",
        "sampling_params": {"strategy": {"type": "top_p", "temperature": 0.7, "top_p": 0.9}, "stop": ["\n"]},
        "system_message": {"role": "system", "content": "Answer briefly."},
    }
    rows = [
        {"question": "why", "answer": "echo: why"},
        {"messages": [{"role": "user", "content": "first"}, {"role": "user", "content": "second"}], "answer": "x"},
        {"chat_completion_input": '[{"role": "user", "content": "from csv"}]', "expected_answer": "csv"},
    ]
    response = post(client, "/v1alpha/eval/benchmarks/qa/evaluations", {
        "input_rows": rows,
        "scoring_functions": ["basic::subset_of"],
        "benchmark_config": {"eval_candidate": candidate},
    })
    assert response.status_code == 200, response.content
    assert response.json()["generations"] == [
        {"generated_answer": "echo: why"},
        {"generated_answer": "echo: second"},
        {"generated_answer": "echo: from csv"},
    ]
    assert list(response.json()["scores"]) == ["basic::subset_of"]
    assert response.json()["scores"]["basic::subset_of"]["aggregated_results"]["accuracy"] == 2 / 3
    sent = sorted((r["body"] for r in eval_stack.requests()), key=lambda body: body["messages"][-1]["content"])
    system = {"role": "system", "content": "Answer briefly."}
    assert sent[0]["messages"] == [system, {"role": "user", "content": "from csv"}]
    assert (sent[0]["temperature"], sent[0]["top_p"], sent[0]["stop"]) == (0.7, 0.9, ["\n"])
    assert len(sent[1]["messages"]) == 3
    # What the candidate's sampling params leave out is not sent (the model service's defaults apply).
    assert "max_tokens" not in sent[0] and "repetition_penalty" not in sent[0]


def test_top_k_and_scoring_params(client: Client, benchmark: str, eval_stack: Upstream) -> None:
    candidate = {"type": "model", "model": "echo", "sampling_params": {"strategy": {"type": "top_k", "top_k": 5}}}
    config = {
        "eval_candidate": candidate,
        "num_examples": 2,
        "scoring_params": {"basic::equality": {"type": "basic", "aggregation_functions": ["categorical_count"]}},
    }
    response = post(client, "/v1alpha/eval/benchmarks/qa/evaluations", {"benchmark_config": config})
    assert response.status_code == 200, response.content
    assert response.json()["generations"] == GENERATIONS[:2]
    scores = response.json()["scores"]
    assert scores["basic::equality"]["aggregated_results"] == {"categorical_count": {"1.0": 1, "0.0": 1}}
    assert scores["basic::subset_of"]["aggregated_results"]["accuracy"] == 1.0
    assert {request["body"]["top_k"] for request in eval_stack.requests()} == {5}


def test_more_rows_than_the_cap_are_refused(client: Client, benchmark: str, eval_stack: Upstream, settings) -> None:
    settings.STACK_EVAL_SYNC_MAX_ROWS = 3
    refused = evaluate(client)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "At most 3 rows are evaluated within a request; run a job (POST /v1alpha/eval/benchmarks/qa/jobs) for more."
    )
    assert refused.json()["error"]["param"] == "benchmark_config.num_examples"
    too_many = evaluate(client, input_rows=[{"question": str(i)} for i in range(4)])
    assert too_many.json()["error"]["param"] == "input_rows"
    assert eval_stack.requests() == []
    allowed = post(client, "/v1alpha/eval/benchmarks/qa/evaluations",
                   {"benchmark_config": {"eval_candidate": ECHO, "num_examples": 3}})
    assert allowed.status_code == 200
    assert allowed.json()["generations"] == GENERATIONS[:3]


@pytest.mark.parametrize(
    ("candidate", "extra", "status", "message", "param"),
    [
        ({**ECHO, "model": "nope"}, {}, 400, "Model 'nope' not found.", "benchmark_config.eval_candidate.model"),
        (
            {**ECHO, "model": "embed"},
            {},
            400,
            "Model 'embed' is of type 'embedding'; a candidate must be an LLM.",
            "benchmark_config.eval_candidate.model",
        ),
        ({**ECHO, "type": "agent"}, {}, 400, "Invalid value for 'benchmark_config.eval_candidate.type'", None),
        (
            ECHO,
            {"scoring_params": {"basic::nope": {"type": "basic"}}},
            400,
            "scoring_params names 'basic::nope', not among the scoring functions of this evaluation: "
            "basic::equality, basic::subset_of.",
            "benchmark_config.scoring_params",
        ),
        ({**ECHO, "model": "fail-400"}, {}, 400, "The test upstream rejects this request.", "model"),
    ],
)
def test_evaluation_errors(
    client: Client, benchmark: str, candidate: dict, extra: dict, status: int, message: str, param: str | None
) -> None:
    response = post(client, "/v1alpha/eval/benchmarks/qa/evaluations",
                    {"benchmark_config": {"eval_candidate": candidate, **extra}})
    assert response.status_code == status, response.content
    assert response.json()["error"]["message"].startswith(message)
    if param is not None:
        assert response.json()["error"]["param"] == param


def test_rows_without_a_question_and_unknown_benchmarks(client: Client, benchmark: str) -> None:
    no_question = evaluate(client, input_rows=[{"expected_answer": "x"}])
    assert no_question.status_code == 400
    assert no_question.json()["error"]["message"] == (
        "Row 0 has none of the columns the candidate answers: messages, chat_completion_input, input_query, question."
    )
    missing = evaluate(client, benchmark="nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Benchmark 'nope' not found."
