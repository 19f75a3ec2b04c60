"""Near misses: what "did you mean" offers, and what it must not (another bed's number)."""

from __future__ import annotations

from bot.services.picker import Candidate, near_misses

WARD = [Candidate(1, "Bed 4 AB", None), Candidate(2, "Bed 12", None), Candidate(3, "Cot 7", None)]


def offered(typed: str) -> list[str]:
    return [c.label for c in near_misses(typed, WARD)]


def test_a_typo_is_offered() -> None:
    assert offered("Bde 4 AB") == ["Bed 4 AB"]
    assert offered("cto 7") == ["Cot 7"]


def test_a_fragment_inside_the_label_is_offered() -> None:
    assert offered("4 AB") == ["Bed 4 AB"]


def test_another_number_is_another_bed() -> None:
    assert offered("Bed 7") == []
    assert offered("Bed 44") == []


def test_nothing_alike_offers_nothing() -> None:
    assert offered("Zimmer") == []
    assert near_misses("Bed 4", []) == ()
