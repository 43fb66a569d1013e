"""The console in a real browser: sign in, a member's timeline and status as the API says, rules, an audit diff.

Each test opens a fresh browser context (no cookie), signs in through the page with a key of the
role it needs and saves screenshots as test artifacts (tests/browser/artifacts/).
"""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from projections.replay import create_job, edition_source, run_partition
from tests.browser.conftest import AS_OF, IDENTITY_NUMBER, Console, screenshot

#: A synthetic resident with a certified condition, a remote-care filing, a category, an end of coverage and claims.
MEMBER = "BZ-000012"
#: A synthetic resident who paid for 2024 only (a gap in coverage since 2025).
MEMBER_WITH_GAP = "BZ-000006"


def sign_in(page: Page, console: Console, path: str, key: str) -> None:
    """Open ``path``; the console sends the browser to its sign-in page, which returns there with the key set."""
    page.goto(f"{console.base_url}{path}")
    expect(page).to_have_url(re.compile(r"/console/sign-in\?next="))
    page.fill("#api-key", key)
    page.click("#sign-in")
    expect(page).to_have_url(re.compile(re.escape(path.split("?")[0])))


def test_member_page_shows_the_status_and_timeline_the_api_gives(page: Page, console: Console) -> None:
    path = f"/console/members/{MEMBER}?as_of={AS_OF.isoformat()}"
    sign_in(page, console, path, console.service_key)
    expect(page.locator("#role")).to_have_text("service")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#status h2")).to_contain_text("待遇状态")

    # The console's language is Chinese: the API answers the same explanations in Chinese with lang=zh.
    status = console.api(f"/v1/members/{MEMBER}/status?as_of={AS_OF.isoformat()}&lang=zh").json()
    figures = page.locator("#status")
    expect(figures.locator('[data-field="covered"]')).to_have_attribute("data-value", str(status["covered"]).lower())
    expect(figures.locator('[data-field="benefits_active"]')).to_have_attribute(
        "data-value", str(status["benefits_active"]).lower()
    )
    expect(figures.locator('[data-field="benefits_start"]')).to_contain_text(status["benefits_start"] or "无")
    expect(figures.locator('[data-field="continuity.consecutive_years"]')).to_have_text(
        str(status["continuity"]["consecutive_years"])
    )
    expect(figures.locator('[data-field="continuity.gap_years"]')).to_have_text(str(status["continuity"]["gap_years"]))
    assert status["caps"], "the member has cap balances on the date"
    for layer, balance in status["caps"].items():
        for name in ("cap", "used", "remaining"):
            expect(page.locator(f'#caps [data-field="caps.{layer}.{name}"]')).to_have_text(balance[name])
    if status["major_illness"]:
        for name in ("cap", "used", "remaining", "base_cap", "continuity_bonus"):
            value = status["major_illness"][name]
            expect(figures.locator(f'[data-field="major_illness.{name}"]')).to_have_text(value or "∞")

    # Every figure's explanation opens with its policy reference.
    why = page.locator('details[data-explains="benefits_start"]')
    why.locator("summary").click()
    benefits_start = next(e for e in status["explanations"] if e["field"] == "benefits_start")
    expect(why).to_contain_text(benefits_start["text"][:40])
    for parameter in benefits_start["parameters"]:
        expect(why).to_contain_text(parameter["reference"]["document"])

    # The timeline: one claim mark per claim the member submitted by then, coverage lanes, the filing and condition.
    history = console.api(f"/v1/members/{MEMBER}/events?to={AS_OF.isoformat()}").json()["events"]
    claim_ids = {e["data"]["claim_id"] for e in history if e["type"] == "ClaimSubmitted"}
    drawn = set(page.locator("#timeline circle.claim").evaluate_all("nodes => nodes.map(n => n.dataset.claimId)"))
    assert drawn == claim_ids
    benefits = page.locator('#timeline rect[data-lane="resident"][data-kind="benefits"]')
    # One bar per coverage spell; a resident's benefits_start is the start of the paid year's benefits
    # (001 医保待遇期; 002 ch.3 三问), so it lies inside the spell's bar, as does the as_of day.
    bars = benefits.evaluate_all("nodes => nodes.map(n => [n.dataset.from, n.dataset.until])")
    on = AS_OF.isoformat()
    assert any(start <= status["benefits_start"] < until and start <= on < until for start, until in bars), bars
    for lane in ("filings", "conditions", "categories"):
        expect(page.locator(f'#timeline rect[data-lane="{lane}"]').first).to_be_visible()
    page.locator("#timeline circle.claim").first.click()
    expect(page.locator("#timeline-detail")).to_contain_text(sorted(claim_ids)[0][:6])

    # Each claim's settlement per layer is the fold's.
    settled = page.locator("#claims tr.claim-row")
    assert settled.count() == len(claim_ids)
    screenshot(page, "member-zh")

    # English labels on request, remembered in a cookie.
    page.click("#language")
    expect(page.locator("#status h2")).to_contain_text("Status")
    page.goto(f"{console.base_url}/console/members/{MEMBER_WITH_GAP}?as_of={AS_OF.isoformat()}")
    expect(page.locator("#status h2")).to_contain_text("Status")
    expect(page.locator('#timeline rect[data-kind="gap"]').first).to_be_visible()
    screenshot(page, "member-with-gap-en")

    # The service role may not open the audit pages; signing out forgets the key.
    page.goto(f"{console.base_url}/console/audit")
    expect(page.locator("#error-status")).to_have_text("403")
    page.click("#sign-out")
    page.goto(f"{console.base_url}{path}")
    expect(page).to_have_url(re.compile(r"/console/sign-in"))


def test_member_search_by_id_or_identity_number_and_a_refused_key(page: Page, console: Console) -> None:
    page.goto(f"{console.base_url}/console/")
    page.fill("#api-key", "lk_not-a-key")
    page.click("#sign-in")
    expect(page.locator("#refused")).to_be_visible()
    page.fill("#api-key", console.service_key)
    page.click("#sign-in")
    page.fill("#member-search", MEMBER)
    page.click("#member-search-go")
    expect(page.locator("#member-id")).to_have_text(MEMBER)

    # An identity number finds the member under the pseudonym the API stored; the page never shows the number.
    page.goto(f"{console.base_url}/console/")
    page.fill("#member-search", IDENTITY_NUMBER)
    page.click("#member-search-go")
    expect(page.locator("#member-id")).to_have_text(re.compile(r"^\S+$"))
    stored = page.locator("#member-id").inner_text()
    assert stored != IDENTITY_NUMBER and IDENTITY_NUMBER not in page.url and IDENTITY_NUMBER not in page.content()
    assert console.api(f"/v1/members/{IDENTITY_NUMBER}/status?as_of=2025-06-01").json()["member_id"] == stored


def test_rules_show_parameters_and_what_changes_between_dates_and_editions(page: Page, console: Console) -> None:
    sign_in(page, console, "/console/rules", console.service_key)
    rule_sets = console.api("/v1/rules").json()
    expect(page.locator("#rule-sets tr[data-rule-set]")).to_have_count(len(rule_sets))
    page.click('#rule-sets a:text("bazhong-resident")')
    on = page.locator('input[name="on"]').input_value()
    parameters = console.api(f"/v1/rules/bazhong-resident?on={on}").json()["parameters"]
    expect(page.locator("#parameters tr[data-parameter]")).to_have_count(len(parameters))
    page.click("#compare")
    expect(page.locator("h1")).to_contain_text("变化")
    a_on = page.locator('#compare-form input[name="a_on"]').input_value()
    b_on = page.locator('#compare-form input[name="b_on"]').input_value()
    side_a, side_b = (
        {p["name"]: p for p in console.api(f"/v1/rules/bazhong-resident?on={day}").json()["parameters"]}
        for day in (a_on, b_on)
    )
    changed = {
        name
        for name in set(side_a) | set(side_b)
        if name not in side_a
        or name not in side_b
        or (side_a[name]["value"], side_a[name]["reference"]) != (side_b[name]["value"], side_b[name]["reference"])
    }
    drawn = page.locator("#changes tr[data-parameter]").evaluate_all("rows => rows.map(r => r.dataset.parameter)")
    assert set(drawn) == changed and changed, f"{a_on} → {b_on}"
    screenshot(page, "rules-compare")

    # Two editions on one date: the replayed what-if patch against its base changes exactly the patched parameter.
    page.goto(
        f"{console.base_url}/console/rules/compare?a=bazhong-resident&a_on={AS_OF}"
        f"&b=job:{console.replay_job_id}&b_on={AS_OF}"
    )
    expect(page.locator("#changes tr[data-parameter]")).to_have_count(1)
    expect(page.locator('#changes tr[data-parameter="outpatient_pooling.flat_ratio"]')).to_contain_text("0.60")


def test_audit_diff_of_a_replayed_edition_drills_down_and_downloads(page: Page, console: Console) -> None:
    sign_in(page, console, "/console/audit", console.auditor_key)
    replay = page.locator(f'#replays tr[data-job-id="{console.replay_job_id}"]')
    expect(replay.locator(".job-status")).to_have_attribute("data-status", "done")
    progress = console.api(f"/v1/replays/{console.replay_job_id}").json()
    expect(replay.locator(".members-done")).to_have_text(f"{progress['members_done']} / {progress['members_total']}")
    screenshot(page, "audit-replays")

    # A replay still running is followed by the page (its script polls GET /v1/replays/{id} with the cookie).
    state = console.app.state
    running = create_job(
        state.read_engine,
        state.ledger,
        state.rulebook["bazhong-resident"],
        source=edition_source(state.rulebook["bazhong-resident"], file=None),
        partitions=1,
        as_of=AS_OF,
    )
    page.reload()
    following = page.locator(f'#replays tr[data-job-id="{running}"]')
    expect(following.locator(".job-status")).to_have_attribute("data-status", "running")
    run_partition(state.read_engine, state.ledger, state.rulebook, job_id=running, partition=0)
    expect(following.locator(".job-status")).to_have_attribute("data-status", "done")
    expect(following.locator(".members-done")).to_have_text(re.compile(r"^(\d+) / \1$"))

    # The stored audit job of the same patch gives the same differences as the audit the page runs.
    stored = page.locator(f'#audits tr[data-audit-id="{console.audit_job_id}"]')
    expect(stored.locator(".job-status")).to_have_attribute("data-status", "done")
    stored.locator("a.audit-job").click()
    expect(page.locator("#audit-job")).to_have_attribute("data-job-id", console.audit_job_id)
    expect(page.locator("#audit-side-a")).to_contain_text("outpatient-60.yaml")
    stored_changed = page.locator("#members-changed").inner_text()
    stored_rows = page.locator("#differences tr.difference").evaluate_all("rows => rows.map(r => r.innerText)")
    page.go_back()

    replay.locator("a.audit-replay").click()
    expect(page.locator("#audit-side-a")).to_have_attribute("data-reference", f"job:{console.replay_job_id}")
    expect(page.locator("#audit-side-a")).to_contain_text("bazhong-resident @")
    changed = int(page.locator("#members-changed").inner_text())
    assert changed > 0, "outpatient pooling at 60 % pays some claims differently"
    assert str(changed) == stored_changed
    rows_now = page.locator("#differences tr.difference").evaluate_all("rows => rows.map(r => r.innerText)")
    assert rows_now == stored_rows
    expect(page.locator('.chart-card[data-dimension="layer"] a.drill')).not_to_have_count(0)
    screenshot(page, "audit-diff")

    with page.expect_download() as download_info:
        page.click("#csv")
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    assert rows, "the CSV lists the differences"
    total = len(rows)
    expect(page.locator("#differences tr.difference")).to_have_count(total)
    assert all(row["kind"] == "payment" or row["kind"] == "entitlement" for row in rows)

    page.locator("#totals a.drill").first.click()
    expect(page).to_have_url(re.compile(r"d_layer="))
    drilled = page.locator("#differences tr.difference")
    expect(drilled.first).to_be_visible()
    assert drilled.count() <= total
    member = drilled.first.get_attribute("data-member-id")
    drilled.first.locator("a").first.click()
    expect(page.locator("#member-id")).to_have_text(member or "")
