"""The scoring functions API through the real router: the providers' own functions listed at start, functions
registered on them (checked by their provider), config apply/export, the admin."""

import pytest
import yaml
from django.contrib.auth.models import User
from django.test import Client

from apis.providers.services import registration_save, stack_config_apply, stack_config_export
from apis.scoring_functions.models import RegisteredScoringFunction
from providers.distribution import parse_distribution
from tests.apis.datasets.support import distribution, post

pytestmark = pytest.mark.django_db

LISTED = ["basic::equality", "basic::regex_parser_multiple_choice_answer", "basic::subset_of", "llm-as-judge::base"]
JUDGE_PARAMS = {
    "type": "llm_as_judge",
    "judge_model": "echo",
    "prompt_template": "Grade {generated_answer} against {expected_answer}.",
    "judge_score_regexes": [r"Score: (\d+)"],
    "aggregation_functions": ["average", "categorical_count"],
}


def register(client: Client, **body: object):
    return post(client, "/v1/scoring-functions", {"description": "mine", "return_type": {"type": "number"}, **body})


def test_the_providers_functions_are_listed_at_start(client: Client, eval_stack) -> None:
    listed = client.get("/v1/scoring-functions").json()["data"]
    assert [fn["identifier"] for fn in listed] == LISTED
    equality = client.get("/v1/scoring-functions/basic::equality").json()
    assert equality == {
        "identifier": "basic::equality",
        "provider_resource_id": "basic::equality",
        "provider_id": "basic",
        "type": "scoring_function",
        "description": "1 when the generated answer equals the expected answer exactly, else 0.",
        "metadata": {},
        "return_type": {"type": "number"},
        "params": {"type": "basic", "aggregation_functions": ["accuracy"]},
    }
    rows = RegisteredScoringFunction.objects.order_by("identifier")
    assert [(row.source, row.owner_principal) for row in rows] == [("listed_from_provider", "")] * 4
    # They come with their provider: unregistering one would last only until the providers start again.
    refused = client.delete("/v1/scoring-functions/basic::equality")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "Scoring function 'basic::equality' is provider 'basic''s own; it is listed while the provider is enabled."
    )
    # Listed once per provider stack, not at every request.
    RegisteredScoringFunction.objects.filter(identifier="basic::subset_of").delete()
    assert len(client.get("/v1/scoring-functions").json()["data"]) == 3


def test_a_disabled_provider_takes_its_functions_along(client: Client, eval_stack) -> None:
    assert "llm-as-judge::base" in [fn["identifier"] for fn in client.get("/v1/scoring-functions").json()["data"]]
    registration_save(
        api="scoring", provider_id="llm-as-judge", provider_type="inline::llm-as-judge", config={}, enabled=False
    )
    assert [fn["identifier"] for fn in client.get("/v1/scoring-functions").json()["data"]] == LISTED[:3]
    assert client.get("/v1/scoring-functions/llm-as-judge::base").status_code == 404


def test_register_a_judge_function_and_get_it(client: Client, eval_stack) -> None:
    created = register(
        client,
        scoring_fn_id="team/judge",
        provider_id="llm-as-judge",
        provider_scoring_fn_id="llm-as-judge::base",
        params=JUDGE_PARAMS,
    )
    assert created.status_code == 200, created.content
    expected = {
        "identifier": "team/judge",
        "provider_resource_id": "llm-as-judge::base",
        "provider_id": "llm-as-judge",
        "type": "scoring_function",
        "description": "mine",
        "metadata": {},
        "return_type": {"type": "number"},
        "params": JUDGE_PARAMS,
    }
    assert created.json() == expected
    assert client.get("/v1/scoring-functions/team/judge").json() == expected
    assert RegisteredScoringFunction.objects.get(identifier="team/judge").source == "api"
    deleted = client.delete("/v1/scoring-functions/team/judge")
    assert deleted.json() == {"identifier": "team/judge", "type": "scoring_function", "deleted": True}
    assert client.get("/v1/scoring-functions/team/judge").status_code == 404


def test_a_function_on_basic_runs_one_of_its_functions(client: Client, eval_stack) -> None:
    created = register(client, scoring_fn_id="exact", provider_id="basic", provider_scoring_fn_id="basic::equality")
    assert created.status_code == 200, created.content
    mine = {"input_rows": [{"expected_answer": "a", "generated_answer": "a"}], "scoring_functions": {"exact": None}}
    assert post(client, "/v1/scoring/score", mine).json()["results"]["exact"]["aggregated_results"]["accuracy"] == 1


@pytest.mark.parametrize(
    ("body", "status", "message", "param"),
    [
        (
            {"scoring_fn_id": "x", "provider_id": "basic", "provider_scoring_fn_id": "basic::nope"},
            400,
            "Scoring function 'x' names 'basic::nope', which provider 'basic' does not have; its functions: "
            "basic::equality, basic::subset_of, basic::regex_parser_multiple_choice_answer.",
            "provider_scoring_fn_id",
        ),
        (
            {"scoring_fn_id": "x", "provider_id": "basic", "provider_scoring_fn_id": "basic::equality",
             "params": JUDGE_PARAMS},
            400,
            "Scoring function 'x' (basic::equality) takes params of type 'basic', not 'llm_as_judge'.",
            "params",
        ),
        (
            {"scoring_fn_id": "x", "provider_id": "llm-as-judge", "provider_scoring_fn_id": "llm-as-judge::base",
             "params": {"type": "basic"}},
            400,
            "Scoring function 'x' needs params of type 'llm_as_judge' with a judge_model; it got params of type "
            "'basic'.",
            "params",
        ),
        (
            {"scoring_fn_id": "x", "provider_id": "llm-as-judge", "provider_scoring_fn_id": "llm-as-judge::base",
             "params": {**JUDGE_PARAMS, "prompt_template": "{generated_answer.__class__}"}},
            400,
            "Invalid prompt_template field '{generated_answer.__class__}': use column names such as "
            "{generated_answer}.",
            "params.prompt_template",
        ),
        (
            {"scoring_fn_id": "x"},
            400,
            "provider_id is required when several scoring providers exist: basic, llm-as-judge.",
            "provider_id",
        ),
        (
            {"scoring_fn_id": "x", "provider_id": "llm-as-judge",
             "params": {**JUDGE_PARAMS, "judge_score_regexes": ["(unclosed"]}},
            400,
            "Invalid value for 'params.llm_as_judge.judge_score_regexes': Value error, invalid regular expression "
            "'(unclosed': missing ), unterminated subpattern at position 0",
            "params.llm_as_judge.judge_score_regexes",
        ),
        (
            {"scoring_fn_id": "basic::equality", "provider_id": "basic", "provider_scoring_fn_id": "basic::subset_of"},
            409,
            None,
            "scoring_fn_id",
        ),
    ],
)
def test_functions_their_provider_cannot_run_are_refused(
    client: Client, eval_stack, body: dict, status: int, message: str | None, param: str
) -> None:
    response = register(client, **body)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["param"] == param
    if message is not None:
        assert error["message"] == message
    assert not RegisteredScoringFunction.objects.filter(identifier="x").exists()


CONFIG = """
  scoring_functions:
    - scoring_fn_id: judge
      provider_id: llm-as-judge
      provider_scoring_fn_id: "llm-as-judge::base"
      description: from config
      return_type: {type: number}
      params: {type: llm_as_judge, judge_model: echo}
    - {scoring_fn_id: typo, provider_id: basic, description: d, return_type: {type: numeric}}
"""


def test_config_functions_are_applied_and_exported(client: Client, stack_config) -> None:
    text = distribution(resources=CONFIG)
    stack_config(text)
    judge = client.get("/v1/scoring-functions/judge").json()
    assert (judge["description"], judge["params"]["judge_model"]) == ("from config", "echo")
    result = stack_config_apply(config=parse_distribution(text), force=True)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("registered_resources.scoring_functions[1] ('typo'): return_type.type: Input")
    register(client, scoring_fn_id="mine", provider_id="basic", provider_scoring_fn_id="basic::subset_of")
    exported = yaml.safe_load(stack_config_export())["registered_resources"]["scoring_functions"]
    # The providers' own functions are listed again at start: they are not exported.
    assert exported == [
        {
            "scoring_fn_id": "judge",
            "provider_id": "llm-as-judge",
            "provider_scoring_fn_id": "llm-as-judge::base",
            "description": "from config",
            "return_type": {"type": "number"},
            "params": {
                "type": "llm_as_judge",
                "judge_model": "echo",
                "prompt_template": None,
                "judge_score_regexes": [],
                "aggregation_functions": [],
            },
        },
        {
            "scoring_fn_id": "mine",
            "provider_id": "basic",
            "provider_scoring_fn_id": "basic::subset_of",
            "description": "mine",
            "return_type": {"type": "number"},
        },
    ]


def test_the_admin_lists_the_providers_functions_and_registers_new_ones(client: Client, eval_stack) -> None:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    listing = client.get("/admin/scoring_functions/registeredscoringfunction/").content.decode()
    for identifier in LISTED:
        assert identifier in listing
    added = client.post(
        "/admin/scoring_functions/registeredscoringfunction/add/",
        {
            "identifier": "judge",
            "provider_id": "llm-as-judge",
            "provider_resource_id": "llm-as-judge::base",
            "description": "d",
            "return_type": '{"type": "number"}',
            "params": '{"type": "llm_as_judge", "judge_model": "echo"}',
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert RegisteredScoringFunction.objects.get(identifier="judge").params["judge_model"] == "echo"
    refused = client.post(
        "/admin/scoring_functions/registeredscoringfunction/add/",
        {
            "identifier": "wrong",
            "provider_id": "basic",
            "provider_resource_id": "basic::equality",
            "description": "d",
            "return_type": '{"type": "number"}',
            "params": '{"type": "llm_as_judge", "judge_model": "echo"}',
        },
    )
    assert refused.status_code == 200
    assert "takes params of type &#x27;basic&#x27;, not &#x27;llm_as_judge&#x27;" in refused.content.decode()
