"""Stop sequences: text is cut at the first one, and text that may begin one is held back until decided."""

from providers.inline.inference.llama_cpp.generation import StopMatcher


def test_text_before_a_stop_sequence_is_released_and_the_rest_dropped():
    matcher = StopMatcher(("END",))
    assert matcher.feed("one two ") == "one two "
    assert matcher.feed("three END four") == "three "
    assert matcher.stopped


def test_a_possible_beginning_of_a_stop_sequence_is_held_until_decided():
    matcher = StopMatcher(("END",))
    assert matcher.feed("abc E") == "abc "
    assert matcher.feed("N") == ""
    assert matcher.feed("D and more") == ""
    assert matcher.stopped


def test_held_text_is_released_when_it_turns_out_not_to_be_a_stop_sequence():
    matcher = StopMatcher(("END",))
    assert matcher.feed("E") == ""
    assert matcher.feed("NTRY") == "ENTRY"
    assert not matcher.stopped


def test_the_earliest_of_several_stop_sequences_wins():
    matcher = StopMatcher(("world", "lo"))
    assert matcher.feed("hello world") == "hel"


def test_a_stop_sequence_split_over_many_pieces_is_found():
    matcher = StopMatcher(("\n\n",))
    released = [matcher.feed(piece) for piece in ["First", " line", "\n", "\n", "Second"]]
    assert "".join(released) == "First line"
    assert matcher.stopped


def test_flush_releases_what_is_still_held_at_the_end():
    matcher = StopMatcher(("STOP",))
    assert matcher.feed("the ST") == "the "
    assert matcher.flush() == "ST"
    assert not matcher.stopped


def test_without_stop_sequences_everything_passes_through():
    matcher = StopMatcher(())
    assert matcher.feed("anything") == "anything"
    assert matcher.flush() == ""
