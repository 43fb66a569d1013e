"""``ledger status``, ``scenario`` and ``project``: entitlements, what-ifs, read models (audits: api/cli/audit.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import (
    LogFormatOption,
    Say,
    command_logs,
    console,
    edition_option,
    errors,
    parse_day,
    parse_moment,
    report_problems,
    stored_member_id,
)
from api.settings import Settings, sqlalchemy_url
from domain.errors import InvalidEvents, LedgerError
from projections.migrate import upgrade_to_head


def status(
    member_id: Annotated[str, typer.Argument(help="The member's id.")],
    as_of: Annotated[str, typer.Option("--as-of", help="Effective date, YYYY-MM-DD.")],
    known_at: Annotated[str | None, typer.Option("--known-at", help="Recorded-time horizon (ISO, with zone).")] = None,
    edition: Annotated[str | None, typer.Option(help="Rule-set name, edition hash, or an edition/patch file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status document as JSON.")] = False,
) -> None:
    """A member's entitlements on a date: coverage, waiting, continuity, caps — each figure explained."""
    from api.app import open_ledger
    from projections.queries import member_status
    from projections.rulebook import load_rulebook

    day = parse_day(as_of, "--as-of")
    horizon = parse_moment(known_at, "--known-at") if known_at else datetime.now(UTC)
    rulebook = load_rulebook()
    settings = Settings()
    member_id = stored_member_id(settings, member_id)
    ledger = open_ledger(settings)
    try:
        document = member_status(
            ledger, rulebook, member_id, as_of=day, known_at=horizon, edition=edition_option(rulebook, edition)
        )
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    if as_json:
        console.print_json(json.dumps(document, ensure_ascii=False, sort_keys=True))
        return
    print_status(document)


def shown(value: Any) -> str:
    """A document value as a person reads it: yes / no, "—" for none, never a Python repr."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _cap(balance: dict[str, Any]) -> str:
    if balance.get("cap") is None:
        return f"no yearly cap; {balance['used']} used"
    return f"{balance['remaining']} left of {balance['cap']} ({balance['used']} used)"


def print_status(document: dict[str, Any]) -> None:
    edition = document["edition"]["name"] if document["edition"] else "none"
    table = Table(title=f"member {document['member_id']} on {document['as_of']} ({edition})", show_header=False)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key in ("region", "scheme", "covered", "benefits_active", "benefits_start", "suspended"):
        table.add_row(key.replace("_", " "), shown(document[key]))
    if document["waiting"]:
        waiting = document["waiting"]
        state = "running" if waiting.get("running") else "over"
        table.add_row(
            "waiting", f"{waiting['total_months']} month(s), {waiting['reason']}, until {waiting['ends_on']} ({state})"
        )
    if document.get("spell"):
        spell = document["spell"]
        until = spell["covered_until"] or "open-ended"
        table.add_row("spell", f"{spell['scheme']} {spell['covered_from']} – {until}, {spell['periods']} payment(s)")
    continuity = document["continuity"]
    table.add_row(
        "continuity",
        f"{continuity['consecutive_years']} consecutive year(s), {continuity['gap_years']} gap year(s)",
    )
    console.print(table)
    if document["caps"] or document["major_illness"]:
        caps = Table(title="yearly caps", show_header=True)
        caps.add_column("cap", no_wrap=True)
        caps.add_column("left / cap / used", overflow="fold")
        for layer, balance in document["caps"].items():
            caps.add_row(layer, _cap(balance))
        illness = document["major_illness"]
        if illness:
            caps.add_row("major illness (大病保险)", _cap(illness))
            caps.add_row(
                "  of which",
                f"base {illness['base_cap']}, continuity +{illness['continuity_bonus']}, "
                f"zero-claim +{illness['zero_claim_bonus']}, gap −{illness['gap_penalty']}",
            )
        console.print(caps)
    if document.get("contributions"):
        _print_contributions(document["contributions"])
    if document.get("personal_account"):
        _print_personal_account(document["personal_account"])
    if document.get("contribution_years"):
        _print_contribution_years(document["contribution_years"])
    if document.get("maternity"):
        _print_maternity(document["maternity"])
    account = document.get("personal_account")
    hidden = {
        f"personal_account.movements[{index}]"
        for index in range(len(account["movements"]) - LAST_MOVEMENTS if account else 0)
    }
    for item in document["explanations"]:
        if item["field"] in hidden:
            continue  # movements older than the last few are listed (and explained) by --json only
        names = ", ".join(p["name"] for p in item["parameters"])
        console.print(f"[bold]{item['field']}[/bold]: {item['text']}\n  [dim]{names}[/dim]")


#: How many of the latest personal-account movements ``ledger status`` lists (``--json`` has them all).
LAST_MOVEMENTS = 5


def _field_table(title: str) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    return table


def contribution_verdict(item: dict[str, Any]) -> str:
    """A contribution's verdict in words: the amount status, and what else the rules decided about it."""
    words = [item["amount_status"]]
    if not item["gives_coverage"]:
        words.append("no coverage")
    if item.get("refund") is not None:
        words.append(f"refund {item['refund']}")
    return ", ".join(words)


def _print_contributions(contributions: list[dict[str, Any]]) -> None:
    """Each payment against its standard (缴费核对): period, scheme, paid, standard, difference, verdict."""
    table = Table(title="contributions (缴费核对)")
    for column in ("period", "scheme", "paid", "standard", "difference", "verdict"):
        money = column in ("paid", "standard", "difference")
        table.add_column(column, no_wrap=column != "verdict", overflow="fold", justify="right" if money else "left")
    for item in contributions:
        table.add_row(
            str(item.get("period", item["year"])),
            item.get("scheme", "resident"),
            item["amount"],
            shown(item["standard"]),
            shown(item["difference"]),
            contribution_verdict(item),
        )
    console.print(table)


def _print_personal_account(account: dict[str, Any]) -> None:
    """Balance on the date as known at the horizon, the latest movements and every refused one with its reason."""
    table = _field_table(f"personal account (个人账户) on {account['as_of']}, as known at {account['known_at']}")
    table.add_row("balance", account["balance"])
    table.add_row("credited", account["credited"])
    table.add_row("spent", account["spent"])
    table.add_row("family mutual aid (家庭共济)", account["family_aid"])
    table.add_row("paid out", account["paid_out"])
    console.print(table)
    movements = account["movements"]
    if movements:
        shown = movements[-LAST_MOVEMENTS:]
        latest = Table(title=f"last {len(shown)} of {len(movements)} movement(s)")
        for column in ("date", "movement", "amount", "balance after"):
            latest.add_column(column, no_wrap=column != "movement", overflow="fold")
        for movement in shown:
            sign = "+" if movement["direction"] == "credit" else "-"
            kind = movement["kind"]
            if movement.get("relative_member_id"):
                kind += f" to {movement['relative_member_id']} ({movement.get('relationship')})"
            latest.add_row(movement["date"], kind, f"{sign}{movement['amount']}", movement["balance_after"])
        console.print(latest)
    if account["refused"]:
        refused = Table(title=f"{len(account['refused'])} refused movement(s): no money moved")
        for column in ("date", "movement", "amount", "reason"):
            refused.add_column(column, no_wrap=column in ("date", "amount"), overflow="fold")
        for item in account["refused"]:
            refused.add_row(item["date"], item["kind"], item["amount"], item["reason"])
        console.print(refused)


def _print_contribution_years(years: dict[str, Any]) -> None:
    """Actual and deemed years, the minimum that applies, the shortfall and when retiree benefits start."""
    table = _field_table(f"contribution years (缴费年限) in {years['region']}")
    table.add_row("total", f"{years['total_years']} year(s) ({years['total_months']} month(s))")
    table.add_row("actual (实际缴费)", f"{years['actual_years']} year(s) ({years['actual_months']} month(s))")
    table.add_row("paid locally", f"{years['local_months']} month(s)")
    table.add_row("paid elsewhere / transferred in", f"{years['outside_months']} month(s)")
    deemed = ", ".join(f"{basis} {months}" for basis, months in years["deemed_months"].items()) or "none"
    table.add_row("deemed (视同缴费)", f"{deemed} month(s)" if years["deemed_months"] else deemed)
    table.add_row("bought at retirement", f"{years['settled_months']} month(s)")
    minimum = f"{years['required_total_years'] or 'unknown'} year(s) in all"
    if years["required_actual_years"] is not None:
        minimum += f", {years['required_actual_years']} actual"
    table.add_row("minimum", minimum)
    if years["shortfall_months"] is None:
        table.add_row("shortfall", "unknown (no minimum could be read)")
    else:
        table.add_row("shortfall", f"{years['shortfall_years']} year(s) ({years['shortfall_months']} month(s))")
    if years["retired_on"] is not None:
        table.add_row(
            "retired on", f"{years['retired_on']}, shortfall then {years['shortfall_at_retirement_months']} month(s)"
        )
        table.add_row("minimum met on", str(years["completed_on"]))
        table.add_row("retiree benefits from", str(years["retiree_benefits_from"]))
    for payment in years["shortfall_payments"]:
        table.add_row(
            f"one-off payment {payment['date']}",
            f"{payment['months']} month(s): due {payment['due']}, paid {payment['paid']}, "
            + ("accepted" if payment["accepted"] else "refused (less than due)"),
        )
    console.print(table)


def _print_maternity(state: dict[str, Any]) -> None:
    """Consecutive paid months, and each maternity event's qualification, days and allowance."""
    table = _field_table("maternity allowance (生育津贴)")
    needed = state["required_months"]
    table.add_row(
        "consecutive paid months",
        f"{state['consecutive_paid_months']}" + (f" of {needed} needed" if needed is not None else ""),
    )
    for allowance in state["allowances"]:
        label = f"{allowance['kind']} on {allowance['date']}"
        if allowance["status"] == "not_qualified" or allowance["monthly_base"] is None:
            table.add_row(label, f"{allowance['status']}: " + "; ".join(allowance["reasons"]))
            continue
        table.add_row(
            label,
            f"{allowance['status']}, {allowance['days']} day(s) at {allowance['monthly_base']} a month: "
            f"{allowance['gross']} gross, {allowance['unemployment_benefit_deducted']} unemployment benefit "
            f"deducted, {allowance['net']} net; {allowance['payment']}"
            + (f" from {allowance['payable_from']}" if allowance["payable_from"] else ""),
        )
        for instalment in allowance["instalments"]:
            month = f" for {instalment['month']}" if instalment["month"] else ""
            table.add_row(
                "  instalment",
                f"{instalment['amount']}{month} ({instalment['days']} day(s)), {instalment['status']}, "
                f"payable on {instalment['payable_on']}",
            )
    console.print(table)


def scenario(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Scenario JSON.")],
    edition: Annotated[str | None, typer.Option(help="Rule-set name, edition hash, or an edition/patch file.")] = None,
) -> None:
    """Run a scenario in memory (no database, no server) and print one document per query, as JSON.

    FILE is {"events": [...], "queries": [{"member_id", "as_of", "known_at"?} | {"claim_id", ...}], "edition"?}.
    """
    from pydantic import ValidationError

    from domain.scenario import Scenario, run_scenario
    from projections.rulebook import load_rulebook

    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
        parsed = Scenario.model_validate(raw)
    except ValidationError as error:
        for item in error.errors():
            errors.print(f"[red]{file}: {'.'.join(str(p) for p in item['loc'])}: {item['msg']}[/red]")
        raise typer.Exit(1) from None
    except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or a 4,300+ digit integer
        errors.print(f"[red]{file}: not JSON the ledger reads: {error}[/red]")
        raise typer.Exit(1) from None
    rulebook = load_rulebook()
    try:
        answers = run_scenario(parsed, rulebook, override=edition_option(rulebook, edition))
    except InvalidEvents as error:
        report_problems(file, error.problems, [])
        raise typer.Exit(1) from None
    except LedgerError as error:
        errors.print(f"[red]{file}: {error}[/red]")
        raise typer.Exit(1) from None
    typer.echo(json.dumps(answers, ensure_ascii=False, sort_keys=True, indent=2))


def project(
    once: Annotated[bool, typer.Option("--once", help="Catch up, deliver the outbox, and exit.")] = False,
    interval_s: Annotated[
        float,
        typer.Option(
            "--interval", min=0.1, max=3600, help="Seconds between polls (SQLite); longest wait (PostgreSQL)."
        ),
    ] = 2.0,
    show_failures: Annotated[
        bool, typer.Option("--failures", help="List the members isolated because their fold fails, and exit.")
    ] = False,
    retry_failures: Annotated[
        bool, typer.Option("--retry-failures", help="Refold every isolated member now, and exit.")
    ] = False,
    log_format: LogFormatOption = "json",
) -> None:
    """Keep the entitlement read models current and deliver their outbox: one active runner, restarts, lag, watchdog.

    A member whose fold fails is isolated (the others go on): `--failures` lists them with the
    failing event and error; they are retried when their events, the code or the rules change.

    On PostgreSQL new events arrive by LISTEN/NOTIFY; SQLite is polled every --interval seconds.
    Outbox ids go to the `outbox` queue (Redis with LEDGER_REDIS_URL, else in-process), and this
    process runs a dramatiq worker for that queue. Logs are JSON lines on stderr (docs/operations.md)
    unless `--log-format text`.
    """
    settings = Settings()
    if show_failures or retry_failures:
        upgrade_to_head(sqlalchemy_url(settings.database_url))
        _isolated_members(settings, retry=retry_failures)
        return
    with command_logs(log_format, "ledger.projection") as say:
        _run_projection(settings, once=once, interval_s=interval_s, say=say)


def _run_projection(settings: Settings, *, once: bool, interval_s: float, say: Say) -> None:
    import signal

    import dramatiq

    from api.app import open_ledger
    from projections.entitlements import catch_up, lag, open_projection
    from projections.heap import freeze_startup_heap
    from projections.outbox import dispatch_pending
    from projections.rulebook import load_rulebook
    from projections.runner import Cycle, SupervisedRunner
    from workers.actors import close_resources, use_settings
    from workers.broker import install_broker
    from workers.outbox import OUTBOX_QUEUE, OUTBOX_WORKER_THREADS, deliver_outbox

    upgrade_to_head(sqlalchemy_url(settings.database_url))
    broker = install_broker(settings.redis_url)
    use_settings(settings)
    ledger = open_ledger(settings)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    engine = projection.view.engine
    freeze_startup_heap()
    worker = dramatiq.Worker(broker, worker_threads=OUTBOX_WORKER_THREADS, queues={OUTBOX_QUEUE})
    worker.start()

    def dispatch() -> int:
        return dispatch_pending(engine, deliver_outbox.send)

    def position() -> int | None:
        """The notification id the read model has applied up to (its tracking position); None when unreadable.

        Only a log field: a database hiccup here must not stop the runner (its next cycle reports it).
        """
        try:
            return projection.view.max_tracking_id(projection.ledger.name) or 0
        except Exception:
            return None

    if once:
        try:
            applied = catch_up(ledger, projection)
            dispatched = dispatch()
            broker.join(OUTBOX_QUEUE)
            worker.join()
            behind = lag(ledger, projection.view)
            say.info(
                f"entitlements: applied {applied} notification(s), lag {behind}, outbox: {dispatched} delivered",
                projection=projection.name,
                applied=applied,
                lag=behind,
                position=position(),
                outbox_delivered=dispatched,
            )
        finally:
            worker.stop()
            ledger.close()
            close_resources()
            engine.dispose()
        return
    ledger.close()

    def report(cycle: Cycle) -> None:
        if cycle.error:
            say.error(f"entitlements: {cycle.error}; restarting", projection=projection.name, error=cycle.error)
        elif cycle.stalled:
            say.warning(
                f"entitlements: lag {cycle.lag} not moving; reconnecting", projection=projection.name, lag=cycle.lag
            )
        elif cycle.applied or cycle.dispatched:
            say.info(
                f"entitlements: applied {cycle.applied} notification(s), lag {cycle.lag}, "
                f"outbox: {cycle.dispatched} dispatched",
                projection=projection.name,
                applied=cycle.applied,
                lag=cycle.lag,
                position=position(),
                outbox_dispatched=cycle.dispatched,
            )

    runner = SupervisedRunner(
        projection, lambda: open_ledger(settings), interval_s=interval_s, report=report, dispatch=dispatch
    )
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    try:
        runner.run()
    except KeyboardInterrupt:
        runner.stop()
    finally:
        worker.stop()
        close_resources()
        engine.dispose()
        say.info("entitlements: stopped", projection=projection.name)


def _isolated_members(settings: Settings, *, retry: bool) -> None:
    """``ledger project --failures`` / ``--retry-failures``: the isolated members as JSON lines."""
    from api.app import open_ledger
    from projections.entitlements import open_projection
    from projections.isolation import failures, retry_live
    from projections.rulebook import load_rulebook

    ledger = open_ledger(settings)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    try:
        if retry:
            members = [row["member_id"] for row in failures(projection.view.engine)]
            back, still = retry_live(projection, members)
            errors.print(
                f"entitlements: {len(members)} isolated member(s) retried: {back} back, {still} still isolated"
            )
        rows = failures(projection.view.engine)
        for row in rows:
            console.print_json(json.dumps(row, ensure_ascii=False))
        errors.print(f"entitlements: {len(rows)} isolated member(s)")
    finally:
        ledger.close()
        projection.view.engine.dispose()


def register(app: typer.Typer) -> None:
    """Add these commands to the ``ledger`` app."""
    app.command()(status)
    app.command()(scenario)
    app.command()(project)
