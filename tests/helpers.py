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


def make_firm(session, town, name: str, **fields):
    """A firm of the test's own in `town`; its credit code follows from its name (18 characters,
    unique for distinct names in practice, the same in every run)."""
    import hashlib

    from programs.directory.models import Enterprise

    digits = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**16
    firm = Enterprise(
        name=name,
        credit_code=f"9T{digits:016d}",
        town_id=town.id,
        industry=fields.pop("industry", "manufacturing"),
        **fields,
    )
    session.add(firm)
    session.flush()
    return firm
