"""The parts of text generation that do not touch llama.cpp: sampling settings and stop sequences."""

from dataclasses import dataclass, field
from typing import Literal

FinishReason = Literal["stop", "length"]


@dataclass(frozen=True)
class Sampling:
    """How one request samples: resolved from the request and the model entry's defaults."""

    temperature: float
    top_p: float
    max_tokens: int | None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """How one generated choice ended and how many tokens it took."""

    finish_reason: FinishReason
    completion_tokens: int


@dataclass
class StopMatcher:
    """Cuts generated text at the first stop sequence, holding back text that may begin one.

    Streaming must not send a stop sequence's first characters before knowing whether the rest
    follows, so the tail that is a prefix of some stop sequence stays pending until it is decided.
    """

    stops: tuple[str, ...]
    pending: str = ""
    stopped: bool = field(default=False, init=False)

    def feed(self, text: str) -> str:
        """The text that is now safe to send; sets `stopped` when a stop sequence was reached."""
        if self.stopped:
            return ""
        self.pending += text
        cuts = [self.pending.find(stop) for stop in self.stops if stop and stop in self.pending]
        if cuts:
            released, self.pending, self.stopped = self.pending[: min(cuts)], "", True
            return released
        held = self._held_length()
        released = self.pending[: len(self.pending) - held]
        self.pending = self.pending[len(self.pending) - held :]
        return released

    def flush(self) -> str:
        """What is still held when generation ends without reaching a stop sequence."""
        released, self.pending = self.pending, ""
        return released

    def _held_length(self) -> int:
        longest = max((len(stop) for stop in self.stops), default=0)
        for size in range(min(len(self.pending), longest - 1), 0, -1):
            tail = self.pending[-size:]
            if any(stop.startswith(tail) for stop in self.stops):
                return size
        return 0
