"""Llama Guard 3's prompt and answer: its categories, the classification prompt, parsing the verdict."""

from dataclasses import dataclass

from apis.safety.schemas import Message

# The MLCommons hazard taxonomy that Llama Guard 3 is trained on, by code.
CATEGORIES = {
    "S1": "Violent Crimes",
    "S2": "Non-Violent Crimes",
    "S3": "Sex Crimes",
    "S4": "Child Exploitation",
    "S5": "Defamation",
    "S6": "Specialized Advice",
    "S7": "Privacy",
    "S8": "Intellectual Property",
    "S9": "Indiscriminate Weapons",
    "S10": "Hate",
    "S11": "Self-Harm",
    "S12": "Sexual Content",
    "S13": "Elections",
    "S14": "Code Interpreter Abuse",
}

# Llama Guard names the two sides of a conversation 'User' and 'Agent'.
ROLE_NAMES = {"user": "User", "assistant": "Agent"}

TEMPLATE = """Task: Check if there is unsafe content in '{role}' messages in conversations according our safety policy \
with the below categories.

<BEGIN UNSAFE CONTENT CATEGORIES>
{categories}
<END UNSAFE CONTENT CATEGORIES>

<BEGIN CONVERSATION>

{conversation}

<END CONVERSATION>

Provide your safety assessment for ONLY THE LAST {role} message in the above conversation:
 - First line must read 'safe' or 'unsafe'.
 - If unsafe, a second line must include a comma-separated list of violated categories."""


def conversation_turns(messages: list[Message]) -> list[tuple[str, str]]:
    """(role name, text) of the user and assistant messages: Llama Guard judges the conversation between them.

    System, developer and tool messages are not part of it. The conversation starts with the user,
    as Llama Guard expects: leading assistant messages are dropped.
    """
    turns = [(ROLE_NAMES[m.role], m.text()) for m in messages if m.role in ROLE_NAMES and m.text().strip()]
    while turns and turns[0][0] != "User":
        turns.pop(0)
    return turns


def build_prompt(turns: list[tuple[str, str]], excluded: list[str]) -> str:
    categories = "\n".join(f"{code}: {name}." for code, name in CATEGORIES.items() if code not in excluded)
    conversation = "\n\n".join(f"{role}: {text}" for role, text in turns)
    return TEMPLATE.format(role=turns[-1][0], categories=categories, conversation=conversation)


@dataclass(frozen=True)
class Verdict:
    """The guard model's answer: the violated category codes, none when safe."""

    codes: tuple[str, ...]

    @property
    def unsafe(self) -> bool:
        return bool(self.codes)


class UnexpectedAnswer(ValueError):
    """The guard model answered something other than Llama Guard's format."""


def parse_answer(answer: str, excluded: list[str]) -> Verdict:
    """'safe' -> no codes; 'unsafe\\nS1,S2' -> ('S1', 'S2'), less the excluded ones."""
    lines = [line.strip() for line in answer.strip().splitlines() if line.strip()]
    if lines and lines[0].lower() == "safe":
        return Verdict(())
    if not lines or lines[0].lower() != "unsafe":
        raise UnexpectedAnswer(f"expected 'safe' or 'unsafe', got {answer.strip()[:200]!r}")
    codes = [code.strip().upper() for code in (lines[1] if len(lines) > 1 else "").split(",") if code.strip()]
    unknown = [code for code in codes if code not in CATEGORIES]
    if not codes or unknown:
        raise UnexpectedAnswer(f"expected 'unsafe' then category codes, got {answer.strip()[:200]!r}")
    return Verdict(tuple(code for code in dict.fromkeys(codes) if code not in excluded))
