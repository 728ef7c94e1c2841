"""Llama Guard's answer parsing and conversation selection, on their own."""

import pytest

from apis.safety.schemas import Message
from providers.inline.safety.llama_guard.prompt import UnexpectedAnswer, conversation_turns, parse_answer


@pytest.mark.parametrize(
    ("answer", "codes"),
    [
        ("safe", ()),
        ("  Safe\n", ()),
        ("unsafe\nS1", ("S1",)),
        ("unsafe\nS1,S10", ("S1", "S10")),
        ("unsafe\n s2 , S2,S3 ", ("S2", "S3")),
        ("\nunsafe\n\nS14\n", ("S14",)),
    ],
)
def test_answers_in_llama_guard_format(answer: str, codes: tuple[str, ...]) -> None:
    assert parse_answer(answer, excluded=[]).codes == codes


def test_excluded_codes_are_dropped_and_an_all_excluded_answer_is_safe() -> None:
    assert parse_answer("unsafe\nS1,S2", excluded=["S1"]).codes == ("S2",)
    assert not parse_answer("unsafe\nS1", excluded=["S1"]).unsafe


@pytest.mark.parametrize("answer", ["", "maybe", "unsafe", "unsafe\nS99", "unsafe\nviolence", "safety first"])
def test_other_answers_are_refused(answer: str) -> None:
    with pytest.raises(UnexpectedAnswer):
        parse_answer(answer, excluded=[])


def test_the_conversation_is_the_user_and_agent_turns_starting_with_the_user() -> None:
    messages = [
        Message(role="assistant", content="Welcome!"),
        Message(role="system", content="rules"),
        Message(role="user", content=[{"type": "text", "text": "hi"}, {"type": "image_url"}]),
        Message(role="tool", content="42"),
        Message(role="assistant", content=""),
        Message(role="assistant", content="hello"),
    ]
    assert conversation_turns(messages) == [("User", "hi"), ("Agent", "hello")]
