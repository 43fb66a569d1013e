"""`ledger rules list/show` and GET /v1/rules, /v1/rules/{name}?on=DATE, on small test apps."""

from __future__ import annotations

import json

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.rules import rules_app
from api.routes.rules import router
from projections.rulebook import load_rulebook


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.state.rulebook = load_rulebook()
    app.include_router(router)
    return TestClient(app)


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(rules_app, name="rules")
    return app


def test_get_rules_lists_every_rule_set_with_hash_and_dates(client):
    response = client.get("/v1/rules")
    assert response.status_code == 200
    names = [item["name"] for item in response.json()]
    assert "shenyang-resident" in names and len(names) == 6
    first = response.json()[0]
    assert set(first) >= {"name", "edition", "first_on", "last_on"} and len(first["edition"]) == 64


def test_get_rule_set_on_a_date(client):
    response = client.get("/v1/rules/shenyang-resident", params={"on": "2026-03-01"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"name", "edition", "parameters"}
    threshold = next(item for item in body["parameters"] if item["name"] == "major_illness.threshold")
    assert threshold["value"] == "24800.00"
    assert threshold["reference"]["document"] == "沈医保发〔2025〕55号"
    assert threshold["reference"]["seed_file"] == "001_853a49ad2404f6b1.txt"
    assert threshold["assumption"] is True


def test_unknown_rule_set_is_a_404_problem(client):
    response = client.get("/v1/rules/nowhere", params={"on": "2026-03-01"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()) >= {"type", "title", "status", "detail"}


def test_bad_date_is_a_422(client):
    assert client.get("/v1/rules/shenyang-resident", params={"on": "2026-13-01"}).status_code == 422
    assert client.get("/v1/rules/shenyang-resident").status_code == 422
    assert client.get("/v1/rules/shenyang-resident", params={"on": "2020-01-01"}).status_code == 422


def test_cli_list_prints_one_line_per_rule_set(cli):
    result = CliRunner().invoke(cli, ["rules", "list"])
    assert result.exit_code == 0, result.output
    for name in (
        "shenyang-employee",
        "shenyang-resident",
        "bazhong-employee",
        "bazhong-resident",
        "anshan-remote",
        "liaoning-major-illness",
    ):
        assert sum(name in line for line in result.output.splitlines()) == 1


def test_cli_show_json_matches_the_api(cli, client):
    result = CliRunner().invoke(cli, ["rules", "show", "bazhong-resident", "--on", "2026-03-01", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown == client.get("/v1/rules/bazhong-resident", params={"on": "2026-03-01"}).json()
    threshold = next(item for item in shown["parameters"] if item["name"] == "major_illness.threshold")
    assert threshold["carried_forward"] is True


def test_cli_show_table_and_errors(cli):
    runner = CliRunner()
    assert runner.invoke(cli, ["rules", "show", "shenyang-employee", "--on", "2025-06-01"]).exit_code == 0
    assert runner.invoke(cli, ["rules", "show", "nowhere", "--on", "2025-06-01"]).exit_code == 2
    assert runner.invoke(cli, ["rules", "show", "shenyang-employee", "--on", "June"]).exit_code == 2


def test_cli_show_with_a_patch_file(cli, tmp_path):
    patch = tmp_path / "what-if.yaml"
    patch.write_text(
        "patch: keep-18000\nbase: shenyang-resident\nparameters:\n  major_illness.threshold:\n    values:\n"
        '      - {from: 2026-01-01, value: "18000", reference: {document: syyb-2024-13, section: what-if}}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["rules", "show", "shenyang-resident", "--on", "2026-03-01", "--json", "--edition-file", str(patch)]
    )
    assert result.exit_code == 0, result.output
    threshold = next(
        item for item in json.loads(result.output)["parameters"] if item["name"] == "major_illness.threshold"
    )
    assert threshold["value"] == "18000.00"
