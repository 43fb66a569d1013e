"""Resident identity numbers (居民身份证号码) and their pseudonyms.

A member_id that is a mainland resident identity number — 18 characters, 17 digits and a check
character valid under GB 11643-1999 (ISO 7064 MOD 11-2) — is personal data. The ledger never
stores or logs it: at the edges (API, CLI) it is replaced by a keyed HMAC-SHA256 pseudonym, so
the same number always maps to the same member stream and a lookup by the number finds it,
while the number cannot be recovered from the store without the key.

Pure functions: the key is passed in by the caller (it comes from configuration).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

#: GB 11643-1999 weights of the first 17 digits.
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: The check character for each remainder of the weighted sum modulo 11.
CHECK_CHARACTERS = "10X98765432"
#: A pseudonym is this prefix and the first PSEUDONYM_HEX_DIGITS hex digits of the HMAC (160 bits).
PSEUDONYM_PREFIX = "pid-"
PSEUDONYM_HEX_DIGITS = 40
#: Shortest pseudonym key accepted (bytes).
PSEUDONYM_KEY_BYTES_MIN = 16

_SHAPE = re.compile(r"^[0-9]{17}[0-9Xx]$")
#: Candidates inside free text (paths, query strings): 18 characters not inside a longer digit run.
CANDIDATE_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def check_character(first_17_digits: str) -> str:
    """The check character of 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def is_resident_identity_number(text: str) -> bool:
    """18 characters, 17 digits then a digit or X, with a valid check character."""
    return bool(_SHAPE.match(text)) and check_character(text[:17]) == text[17].upper()


def pseudonym(identity_number: str, key: bytes) -> str:
    """The stable pseudonym of an identity number under ``key`` (upper- and lower-case X agree)."""
    if len(key) < PSEUDONYM_KEY_BYTES_MIN:
        raise ValueError(f"the pseudonym key must have at least {PSEUDONYM_KEY_BYTES_MIN} bytes")
    digest = hmac.new(key, identity_number.upper().encode("ascii"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_DIGITS]


def member_key(member_id: str, key: bytes) -> str:
    """What the ledger stores for ``member_id``: its pseudonym if it is an identity number, else itself."""
    return pseudonym(member_id, key) if is_resident_identity_number(member_id) else member_id


def pseudonymise_text(text: str, key: bytes) -> str:
    """``text`` with every valid identity number in it replaced by its pseudonym (for paths and queries)."""

    def replace(match: re.Match[str]) -> str:
        return member_key(match.group(0), key)

    return CANDIDATE_PATTERN.sub(replace, text)


def _is_member_field(name: str) -> bool:
    return name == "member_id" or name.endswith("_member_id")


#: JSON scalars other than strings: nothing in them is pseudonymised, they are kept as they are.
_SCALAR_TYPES = frozenset({int, float, bool, type(None)})


def pseudonymise_payload(value: Any, key: bytes) -> Any:
    """A copy of a raw JSON value with every ``member_id`` / ``*_member_id`` string pseudonymised.

    Applied to raw request bodies before validation, so neither the store nor an error message
    ever holds the number. Anything that is not a dict or list is returned unchanged. (Scalars are
    copied in place rather than through a call each: a batch holds hundreds of thousands of them.)
    """
    if isinstance(value, list):
        return [item if type(item) in _SCALAR_TYPES else pseudonymise_payload(item, key) for item in value]
    if isinstance(value, Mapping):
        copied: dict[Any, Any] = {}
        for name, item in value.items():
            if isinstance(item, str):
                copied[name] = member_key(item, key) if isinstance(name, str) and _is_member_field(name) else item
            elif type(item) in _SCALAR_TYPES:
                copied[name] = item
            else:
                copied[name] = pseudonymise_payload(item, key)
        return copied
    return value
