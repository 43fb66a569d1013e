"""domain/ is pure (style §1): no infrastructure imports, no environment, no file I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN_MODULES = (
    "sqlalchemy",
    "redis",
    "dramatiq",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "alembic",
    "eventsourcing.application",
    "eventsourcing.persistence",
    "eventsourcing.sqlite",
    "eventsourcing.postgres",
    "api",
    "projections",
    "workers",
    "requests",
    "httpx",
    "socket",
    "subprocess",
)
FORBIDDEN_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "getenv", "today", "now", "utcnow"}


def domain_files() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


@pytest.mark.parametrize("path", domain_files(), ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES), (
                f"{path}: imports {name}"
            )
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert not (node.value.id == "os" and node.attr in {"environ", "getenv"}), f"{path}: reads the environment"
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            assert called not in FORBIDDEN_CALLS, f"{path}:{node.lineno}: calls {called}() (I/O or the clock)"


def test_the_check_sees_the_domain() -> None:
    assert len(domain_files()) >= 5
