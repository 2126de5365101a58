"""Small helpers shared by the tests."""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, url: str) -> str:
    """GET `url` and return the CSRF token of its first form."""
    html = client.get(url).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """POST `data` to `url` with a CSRF token taken from `page` (default: `url`)."""
    token = csrf_token(client, page or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)
