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
    pseudonymise_payload,
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


# --------------------------------------------------------------------------- payloads


def _identity_numbers() -> st.SearchStrategy[str]:
    return seventeen_digits.map(lambda first: first + check_character(first))


_json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
_names = st.sampled_from(["member_id", "relative_member_id", "other", "data", "member", "x_member_id_not"])
_json = st.recursive(
    _json_scalars | _identity_numbers(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_names | st.text(max_size=4), inner, max_size=5),
    max_leaves=30,
)


def _each_value_replaced_where_named(value: object, key: bytes) -> object:
    """What pseudonymising a payload means, spelled out: a member field's string becomes its member key."""
    if isinstance(value, list):
        return [_each_value_replaced_where_named(item, key) for item in value]
    if isinstance(value, dict):
        return {
            name: member_key(item, key)
            if isinstance(item, str) and (name == "member_id" or name.endswith("_member_id"))
            else _each_value_replaced_where_named(item, key)
            for name, item in value.items()
        }
    return value


@given(_json)
def test_a_payload_s_member_fields_and_only_they_are_pseudonymised_in_a_copy(value: object) -> None:
    before = repr(value)
    assert pseudonymise_payload(value, KEY) == _each_value_replaced_where_named(value, KEY)
    assert repr(value) == before  # the caller's value is not changed


def test_an_identity_number_in_a_nested_member_field_is_replaced() -> None:
    number = "11010519491231002X"
    payload = [{"member_id": number, "data": {"relative_member_id": number, "note": number, "n": [1, None, 2.5]}}]
    (copied,) = pseudonymise_payload(payload, KEY)
    assert copied["member_id"] == copied["data"]["relative_member_id"] == pseudonym(number, KEY)
    assert copied["data"]["note"] == number and copied["data"]["n"] == [1, None, 2.5]
