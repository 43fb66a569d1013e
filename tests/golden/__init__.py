"""Golden files: one JSON file per representation, compared whole.

Edition hashes are masked before comparing (they change with any rule edit, which is not what a
golden file of a representation watches). To rewrite the files after an intended change of a
representation, run the tests with ``LEDGER_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent
_EDITION_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_EDITION_HASH_SHORT = re.compile(r"\(edition [0-9a-f]{12}\)")


def masked(data: Any) -> Any:
    """The data with edition hashes replaced by a placeholder."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = _EDITION_HASH.sub("<edition-hash>", text)
    return json.loads(_EDITION_HASH_SHORT.sub("(edition <edition-hash>)", text))


def assert_golden(name: str, data: Any) -> None:
    """``data`` equals the golden file ``name`` (rewritten instead when LEDGER_UPDATE_GOLDEN=1)."""
    path = GOLDEN_DIR / name
    actual = masked(data)
    if os.environ.get("LEDGER_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if os.environ.get("LEDGER_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"golden file {name} was missing and has been written; review it and rerun")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"{name} differs from its golden file (LEDGER_UPDATE_GOLDEN=1 rewrites it)"
