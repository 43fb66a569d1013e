"""``ledger synth``: write a synthetic population as contract-v1 JSON Lines (docs/synthetic.md)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from synthetic import MEMBER_ID_PREFIX_BY_REGION, MEMBERS_MAX, YEARS_MAX, generate_population, json_line

#: ``ledger synth`` is one command (its usage reads ``ledger synth [OPTIONS]``), registered by api/cli/main.py.
SYNTH_HELP = "Generate a synthetic population: reproducible member histories as contract-v1 events (JSON Lines)."

_errors = Console(stderr=True, soft_wrap=True)


def synth(
    members: Annotated[int, typer.Option("--members", help=f"How many members (1..{MEMBERS_MAX}).")],
    years: Annotated[int, typer.Option("--years", help=f"Simulated calendar years (1..{YEARS_MAX}).")],
    region: Annotated[str, typer.Option("--region", help="shenyang or bazhong.")],
    seed: Annotated[int, typer.Option("--seed", help="The same seed and arguments give byte-identical output.")],
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False, help="JSON Lines file to write (default: stdout).")
    ] = None,
    start_year: Annotated[int, typer.Option("--start-year", help="First simulated coverage year.")] = 2025,
    scheme_mix: Annotated[
        float, typer.Option("--scheme-mix", help="Share of adults in the employee scheme at the start (0..1).")
    ] = 0.3,
    recorded_at_occurred: Annotated[
        bool,
        typer.Option(
            "--recorded-at-occurred",
            help="Set recorded_at to the occurred day at 00:00Z (for historical imports); the period must be over.",
        ),
    ] = False,
    first_member: Annotated[
        int, typer.Option("--first-member", help="Number of the first member (generate a partition alone).")
    ] = 1,
    through_today: Annotated[
        bool,
        typer.Option(
            "--through-today",
            help="Leave out events dated after today in China: ledger import stores only what has happened.",
        ),
    ] = False,
    correction_share: Annotated[
        float,
        typer.Option(
            "--correction-share", help="Share of members with a mistaken event and its EventRetracted (0..1)."
        ),
    ] = 0.0,
    move_share: Annotated[
        float,
        typer.Option("--move-share", help="Share of members moving to the other region after employment (0..1)."),
    ] = 0.0,
) -> None:
    """Stream members in number order, each member's events in effective-date order, one event a line."""
    _check_arguments(
        members=members,
        years=years,
        region=region,
        scheme_mix=scheme_mix,
        first_member=first_member,
        start_year=start_year,
        shares={"--correction-share": correction_share, "--move-share": move_share},
    )
    if recorded_at_occurred:
        last_day, today = date(start_year + years - 1, 12, 31), datetime.now(UTC).date()
        if last_day > today:
            raise typer.BadParameter(
                f"the period ends {last_day}, after today ({today} UTC): recorded_at would be in the future, which "
                "imports refuse; choose an earlier --start-year or fewer --years",
                param_hint="--recorded-at-occurred",
            )
    events = generate_population(
        members=members,
        years=years,
        region=region,
        seed=seed,
        start_year=start_year,
        scheme_mix=scheme_mix,
        recorded_at_occurred=recorded_at_occurred,
        first_member=first_member,
        correction_share=correction_share,
        move_share=move_share,
    )
    if through_today:
        from api.routes.status import today_in_china

        today = today_in_china().isoformat()
        events = (event for event in events if event["occurred_on"] <= today)
    if out is None:
        _write(events, sys.stdout, progress=None)
        return
    partial = out.with_name(out.name + ".partial")
    started = time.perf_counter()
    with (
        partial.open("w", encoding="utf-8", newline="\n") as handle,
        Progress(
            TextColumn("[bold]synth"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("members"),
            TimeRemainingColumn(),
            console=_errors,
        ) as progress,
    ):
        event_count = _write(events, handle, progress=(progress, progress.add_task("synth", total=members)))
    # Written beside the target and renamed, so an interrupted run never leaves a half population behind.
    partial.replace(out)
    seconds = max(time.perf_counter() - started, 1e-9)
    _errors.print(
        f"{out}: {members} members, {event_count} events in {seconds:.1f} s "
        f"({members / seconds:,.0f} members/s, {event_count / seconds:,.0f} events/s)"
    )


def _check_arguments(
    *,
    members: int,
    years: int,
    region: str,
    scheme_mix: float,
    first_member: int,
    start_year: int,
    shares: Mapping[str, float] | None = None,
) -> None:
    shares = shares or {}
    if not 1 <= members <= MEMBERS_MAX:
        raise typer.BadParameter(f"must be 1..{MEMBERS_MAX} (got {members})", param_hint="--members")
    if not 1 <= years <= YEARS_MAX:
        raise typer.BadParameter(f"must be 1..{YEARS_MAX} (got {years})", param_hint="--years")
    if region not in MEMBER_ID_PREFIX_BY_REGION:
        known = ", ".join(MEMBER_ID_PREFIX_BY_REGION)
        raise typer.BadParameter(f"must be one of {known} (got {region!r})", param_hint="--region")
    if not 0 <= scheme_mix <= 1:
        raise typer.BadParameter(f"must be a share between 0 and 1 (got {scheme_mix})", param_hint="--scheme-mix")
    for hint, share in shares.items():
        if not 0 <= share <= 1:
            raise typer.BadParameter(f"must be a share between 0 and 1 (got {share})", param_hint=hint)
    if first_member < 1:
        raise typer.BadParameter(f"must be at least 1 (got {first_member})", param_hint="--first-member")
    if not 1900 <= start_year <= 2200:
        raise typer.BadParameter(f"must be a year 1900..2200 (got {start_year})", param_hint="--start-year")


def _write(events: Iterable[Mapping[str, Any]], handle: TextIO, *, progress: tuple[Progress, TaskID] | None) -> int:
    """Write every event as a line; advance the bar once per member. Returns the number of events."""
    count, member_id = 0, None
    for event in events:
        if progress is not None and event["member_id"] != member_id:
            if member_id is not None:
                progress[0].advance(progress[1], 1)
            member_id = event["member_id"]
        handle.write(json_line(event))
        handle.write("\n")
        count += 1
    if progress is not None and member_id is not None:
        progress[0].advance(progress[1], 1)
    return count
