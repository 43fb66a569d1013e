"""Resident identity numbers: GB 11643 check characters and keyed pseudonyms."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.identity import (
    PSEUDONYM_PREFIX,
    check_character,
    is_resident_identity_number,
    member_key,
    pseudonym,
    pseudonymise_text,
)

KEY = b"unit-test-key-0123456789"
seventeen_digits = st.text(alphabet="0123456789", min_size=17, max_size=17)


def test_the_standard_s_worked_example() -> None:
    assert check_character("11010519491231002") == "X"
    assert is_resident_identity_number("11010519491231002X")
    assert is_resident_identity_number("11010519491231002x")
    assert not is_resident_identity_number("110105194912310021")
    assert not is_resident_identity_number("11010519491231002")  # 17 characters
    assert not is_resident_identity_number("M-11010519491231002X")


@given(seventeen_digits, st.sampled_from("0123456789X"))
def test_exactly_one_check_character_is_valid(first: str, last: str) -> None:
    assert is_resident_identity_number(first + last) == (last == check_character(first))


@given(seventeen_digits)
def test_pseudonyms_are_stable_keyed_and_hide_the_number(first: str) -> None:
    number = first + check_character(first)
    alias = pseudonym(number, KEY)
    assert alias == pseudonym(number.lower(), KEY) == member_key(number, KEY)
    assert alias.startswith(PSEUDONYM_PREFIX) and len(alias) <= 64
    assert alias != pseudonym(number, KEY + b"!"), "another key, another pseudonym"
    assert number not in alias
    assert pseudonymise_text(f"/v1/members/{number}/status", KEY) == f"/v1/members/{alias}/status"


def test_other_ids_and_longer_digit_runs_are_left_alone() -> None:
    assert member_key("M-0001", KEY) == "M-0001"
    text = "/v1/members/911010519491231002X/events?member=11010519491231002X1"
    assert pseudonymise_text(text, KEY) == text
