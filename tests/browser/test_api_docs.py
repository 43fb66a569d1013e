"""Swagger UI and ReDoc work on a closed network: their assets come from the served application itself."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Console, screenshot


def _block_everything_but(page: Page, console: Console) -> list[str]:
    """Abort every request to another host than the ledger's (as on a network without internet); list them."""
    served = urlparse(console.base_url).netloc
    blocked: list[str] = []

    def route(request_route: Route) -> None:
        url = request_route.request.url
        if urlparse(url).netloc == served or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(f"{request_route.request.resource_type} {url}")
            request_route.abort()

    page.route("**/*", route)
    return blocked


def test_swagger_ui_lists_the_operations_with_the_network_blocked(page: Page, console: Console) -> None:
    blocked = _block_everything_but(page, console)
    page.goto(f"{console.base_url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/v1/members/{member_id}/status").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/fhir/metadata").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/v1/claims").first).to_be_visible()
    screenshot(page, "api-docs-swagger")
    assert blocked == [], f"the docs page asked another host for {blocked}"


def test_redoc_renders_with_the_network_blocked(page: Page, console: Console) -> None:
    blocked = _block_everything_but(page, console)
    page.goto(f"{console.base_url}/redoc")
    expect(page.locator("h2", has_text="A member's entitlements on a date").first).to_be_visible()
    expect(page.locator("h2", has_text="A settlement as a FHIR ExplanationOfBenefit").first).to_be_visible()
    # ReDoc's bundle links its "powered by" logo from its CDN; that image alone may fail, no script or style.
    assert all(item.startswith("image ") for item in blocked), f"ReDoc needed another host for {blocked}"
