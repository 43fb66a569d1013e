"""The console at its edges, in a real browser: the member list and prefix search, a phone-sized screen,
explanations that leave the claims table alone, page titles, Chinese status words and cap keys, the
reason a member is not covered, and the replay rate as the CLI prints it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from projections.entitlements import catch_up, open_projection
from tests.browser.conftest import AS_OF, BROWSER_TIMEOUT_MS, Console, screenshot
from tests.browser.test_console import MEMBER, MEMBER_WITH_GAP, sign_in

#: A phone's CSS width (an iPhone 12-15 in portrait).
PHONE_WIDTH_PX = 390


@pytest.fixture(scope="module")
def projected(console: Console) -> Console:
    """The live projection caught up once (the member list reads its member index and coverage tables)."""
    state = console.app.state
    projection = open_projection(str(state.read_engine.url), state.ledger, state.rulebook)
    try:
        catch_up(state.ledger, projection)
    finally:
        projection.view.engine.dispose()
    return console


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": PHONE_WIDTH_PX, "height": 844})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_partial_id_lists_the_matching_members_and_the_list_filters_and_pages(page: Page, projected: Console) -> None:
    sign_in(page, projected, "/console/", projected.service_key)
    page.fill("#member-search", "BZ-00001")  # no member has this id: the members whose id starts with it
    page.click("#member-search-go")
    expect(page).to_have_url(re.compile(r"/console/member-list\?prefix=BZ-00001"))
    rows = page.locator("#member-list tr.member-row")
    ids = rows.evaluate_all("rows => rows.map(r => r.dataset.memberId)")
    assert ids and all(i.startswith("BZ-00001") for i in ids) and ids == sorted(ids)
    expect(page).to_have_title(re.compile("BZ-00001"))
    page.locator(f'#member-list a:text-is("{ids[0]}")').click()
    expect(page.locator("#member-id")).to_have_text(ids[0])

    page.goto(f"{projected.base_url}/console/member-list?region=bazhong&status=not_covered&as_of={AS_OF}")
    not_covered = page.locator("#member-list tr.member-row")
    assert not_covered.count() > 0
    assert set(not_covered.evaluate_all("rows => rows.map(r => r.dataset.covered)")) == {"false"}
    assert MEMBER_WITH_GAP in not_covered.evaluate_all("rows => rows.map(r => r.dataset.memberId)")
    page.goto(f"{projected.base_url}/console/member-list?region=shenyang")
    expect(page.locator("#members-total")).to_have_text("0")
    expect(page.locator("#member-list")).to_contain_text("没有符合条件的参保人")


def test_the_member_list_pages_fifty_at_a_time(page: Page, projected: Console) -> None:
    sign_in(page, projected, "/console/member-list", projected.service_key)
    total = int(page.locator("#members-total").inner_text())
    shown = page.locator("#member-list tr.member-row").count()
    assert shown == min(total, 50)
    if total > 50:
        page.click("#page-next")
        expect(page.locator("#members-page")).to_have_text("2")


def test_opening_an_explanation_leaves_the_claims_table_as_it_was(page: Page, console: Console) -> None:
    sign_in(page, console, f"/console/members/{MEMBER}?as_of={AS_OF}", console.service_key)
    expect(page).to_have_title(re.compile(MEMBER))
    table = page.locator("#claims table.claims")
    header = page.locator("#claims table.claims tr").first
    widths_before = header.locator("th").evaluate_all(
        "cells => cells.map(c => Math.round(c.getBoundingClientRect().width))"
    )
    rows_before = page.locator("#claims tr.claim-row").count()
    page.locator("#claims tr.claim-why details summary").first.click()
    expect(page.locator("#claims tr.claim-why details").first).to_have_attribute("open", "")
    widths_after = header.locator("th").evaluate_all(
        "cells => cells.map(c => Math.round(c.getBoundingClientRect().width))"
    )
    assert widths_after == widths_before, "the columns keep their widths"
    assert page.locator("#claims tr.claim-row").count() == rows_before
    assert table.bounding_box()["width"] >= 600, "the table keeps the card's width"  # type: ignore[index]
    screenshot(page, "claims-explanation-open")


def test_status_words_and_cap_keys_are_chinese_with_disease_names(page: Page, console: Console) -> None:
    sign_in(page, console, f"/console/members/{MEMBER}?as_of={AS_OF}", console.service_key)
    flags = page.locator("#claims span.flag")
    words = set(flags.evaluate_all("flags => flags.map(f => f.textContent.trim())"))
    assert words and words <= {"已结算", "不予支付", "已冲销"}, words
    labels = page.locator("#caps .cap-label").evaluate_all("cells => cells.map(c => c.textContent.trim())")
    assert all(not re.fullmatch(r"[a-z_:.A-Z0-9]+", label) for label in labels), f"no raw keys: {labels}"
    chronic = [label for label in labels if label.startswith("门诊慢特病")]
    for label in chronic:
        assert re.search(r"M\d{5} \S", label), f"a condition code shows its disease name: {label}"


def test_a_member_without_coverage_shows_why(page: Page, console: Console) -> None:
    sign_in(page, console, f"/console/members/{MEMBER_WITH_GAP}?as_of={AS_OF}", console.service_key)
    reason = page.locator("#not-covered")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("最近一次参保期间已于以下日期结束")
    assert reason.get_attribute("data-reason") == "ended"
    expect(reason).to_contain_text("2024-12-31")


def test_pages_are_usable_at_390_pixels(phone: Page, console: Console) -> None:
    sign_in(phone, console, f"/console/members/{MEMBER}?as_of={AS_OF}", console.service_key)
    for path in (f"/console/members/{MEMBER}?as_of={AS_OF}", "/console/", "/console/rules", "/console/member-list"):
        phone.goto(f"{console.base_url}{path}")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    phone.goto(f"{console.base_url}/console/members/{MEMBER}?as_of={AS_OF}")
    expect(phone.locator("#show")).to_be_visible()
    expect(phone.locator("#status")).to_be_visible()
    screenshot(phone, "member-390px")


def test_audit_chart_labels_are_readable_and_the_replay_rate_reads_as_the_cli(page: Page, console: Console) -> None:
    sign_in(page, console, "/console/audit", console.auditor_key)
    expect(page).to_have_title(re.compile("稽核"))
    rate = page.locator("td.events-per-s").first.inner_text()
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", rate), f"whole events per second with separators, as the CLI: {rate}"
    page.locator(f'#audits tr[data-audit-id="{console.audit_job_id}"] a.audit-job').click()
    labels = page.locator('.chart-card[data-dimension="layer"] svg text.label')
    assert labels.count() > 0
    for index in range(labels.count()):
        box = labels.nth(index).bounding_box()
        assert box is not None and box["height"] >= 10, "chart text at least 10 px high on screen"
        chart = page.locator('.chart-card[data-dimension="layer"] svg').bounding_box()
        assert chart is not None and box["x"] + box["width"] <= chart["x"] + chart["width"] + 1, "labels are not cut"
    screenshot(page, "audit-diff-charts")
