"""The pages obey their own Content-Security-Policy: every page of every menu, for each role,
loads with no violation (an inline script or style, or anything from another site, would be
blocked and reported)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.mark.parametrize("role", ["coordinator", "mediator", "enterprise", "school"])
def test_every_menu_page_keeps_to_the_policy(page, role):
    page.add_init_script(WATCH)
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, role)
    links = page.locator("header nav a").evaluate_all("links => links.map(a => a.href)")
    assert len(links) >= 3
    seen = []
    for url in [page.url, *links, "/account", "/api/v1/docs"]:
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert "default-src 'none'" in response.headers["content-security-policy"]
        seen.append((url, page.evaluate("window.__violations")))
    assert [(url, v) for url, v in seen if v] == []
    assert [text for text in console if "Content Security Policy" in text] == []
