"""Usable by everyone: every role's pages pass axe-core with no serious or critical violation,
a form can be filled and sent by keyboard alone, a rejected form's errors are announced and
tied to their fields, and the pages read well on a phone.

axe-core comes from the `axe-playwright-python` package (its bundled axe.min.js, evaluated in
the page through the DevTools protocol, which the pages' Content-Security-Policy does not
govern: the app's policy stays as it is). The pages are the same on either database, so these
run on SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from programs.accounts.models import User
from programs.directory.models import Consultant
from programs.friday import services as friday_services
from programs.friday.models import FridayRequest
from tests.browser.conftest import LIVE_DATABASES, log_in

pytestmark = pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
BLOCKING = ("serious", "critical")
ROLES = ["coordinator", "consultant", "mediator", "enterprise", "chamber", "school", "instructor"]

# One page of each kind of record a menu page links to, checked besides the menu pages.
RECORDS = {
    "study visit": re.compile(r"/study/visits/\d+$"),
    "study session": re.compile(r"/study/sessions/\d+$"),
    "dispute case": re.compile(r"/disputes/\d+$"),
    "check-up": re.compile(r"/checkups/\d+$"),
    "Friday visit": re.compile(r"/friday/visits/\d+$"),
    "Friday request": re.compile(r"/friday/requests/\d+$"),
    "decision": re.compile(r"/decisions/\d+$"),
    "directory entry": re.compile(r"/directory/\w+/\d+$"),
    "account": re.compile(r"/admin/users/\d+$"),
}


def axe_violations(page: Page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: {v['id']} ({v['impact']}) at {' '.join(node['target'])}: {v['help']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


@pytest.fixture(scope="module")
def signed_in(browser, live_server) -> Iterator[Callable[[str], Page]]:
    """A page signed in as a role, one browser context per role for the whole module."""
    pages: dict[str, Page] = {}

    def open_as(role: str) -> Page:
        if role not in pages:
            context = browser.new_context(base_url=live_server, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(10_000)
            log_in(page, role)
            pages[role] = page
        return pages[role]

    yield open_as
    for page in pages.values():
        page.context.close()


def menu_links(page: Page) -> list[str]:
    """The addresses of the page shell's menu."""
    return page.locator("header nav a").evaluate_all("links => links.map(a => a.href)")


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_page_and_its_records_pass_axe(signed_in, role):
    page = signed_in(role)
    page.goto("/")
    origin = page.url.split("/", 3)[:3]
    pages = [*menu_links(page), "/account", "/inbox"]
    records: dict[str, str] = {}
    problems: list[str] = []
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.ok, url
        problems += axe_violations(page)
        for href in page.locator("main a[href]").evaluate_all("links => links.map(a => a.href)"):
            if href.split("/", 3)[:3] != origin:
                continue
            for kind, pattern in RECORDS.items():
                if kind not in records and pattern.search(href.split("?")[0]):
                    records[kind] = href
    for url in records.values():
        response = page.goto(url)
        assert response is not None and response.ok, url
        problems += axe_violations(page)
    assert problems == [], "\n".join(problems)
    if role == "coordinator":  # sees every program: the main records were among the pages
        assert set(records) >= {"study visit", "dispute case", "check-up", "Friday visit"}


def test_public_pages_pass_axe(page):
    problems: list[str] = []
    for url in ["/login", "/signup", "/signup/enterprise", "/signup/school"]:
        page.goto(url)
        problems += axe_violations(page)
    page.goto("/login")
    page.get_by_label("用户名").fill("school")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    problems += axe_violations(page)
    page.goto("/signup/enterprise")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    problems += axe_violations(page)
    assert problems == [], "\n".join(problems)


# Forms sent empty, as each role meets them: the page that comes back with errors. (Only forms
# that refuse an empty sending: the live server's records are shared with the other tests.)
REJECTED = [
    ("school", "/study/request"),
    ("enterprise", "/friday/requests/new"),
    ("chamber", "/friday/requests/new"),
    ("enterprise", "/disputes/new"),
    ("mediator", "/disputes/new"),
    ("coordinator", "/calendar/closures/new"),
    ("coordinator", "/admin/users/new"),
    ("coordinator", "/admin/parameters/friday_pairing"),
]


def test_rejected_forms_pass_axe(signed_in):
    problems: list[str] = []
    for role, url in REJECTED:
        page = signed_in(role)
        page.goto(url)
        page.locator("main form[method=post] button[type=submit]").last.click()
        expect(page.locator("[data-error-summary]").first).to_be_visible()
        problems += axe_violations(page)
    assert problems == [], "\n".join(problems)


def test_a_rejected_form_is_announced_and_each_error_is_tied_to_its_field(signed_in):
    page = signed_in("school")
    page.goto("/study/request")
    page.get_by_label("学生人数").fill("")
    page.get_by_role("button", name="提交申请").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()  # a screen reader says it at once, keyboard starts there
    expect(summary).to_contain_text("请修改下方标出的项目")

    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 3
    for i in range(invalid.count()):
        control = invalid.nth(i)
        # The message beside the field is part of the field's description.
        error_id = next(
            name for name in control.get_attribute("aria-describedby").split() if "error" in name
        )
        beside = control.evaluate(
            "(el, id) => el.closest('.field').querySelector('#' + id)?.textContent", error_id
        )
        assert beside and beside.strip(), error_id
        expect(control).to_have_accessible_description(re.compile(re.escape(beside.strip())))
    # The group of choices is named by its legend, and its error is said at every choice.
    activities = page.get_by_role("group", name="活动（一到两项）")
    expect(activities.get_by_role("checkbox").first).to_have_accessible_description(
        re.compile("请选择一到两项活动")
    )
    expect(page.get_by_label("场次")).to_have_accessible_description(re.compile("请选择场次"))

    # Each line of the summary leads to its field.
    links = summary.get_by_role("link")
    assert links.count() == 3
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("场次")).to_be_focused()


def test_a_firm_files_a_friday_request_by_keyboard_alone(browser, live_server):
    with LIVE_DATABASES[live_server].transaction() as session:
        me = session.scalar(select(User).where(User.username == "consultant"))
        topic = session.get(Consultant, me.consultant_id).expertise[0]
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/login")
        # The first Tab reaches the skip link, which is shown; it leads into the content.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0
        page.keyboard.press("Enter")
        tab_to(page, "#username")
        page.keyboard.type("enterprise")
        tab_to(page, "#password")
        page.keyboard.type("demo1234")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/enterprise(#main)?$"))  # the skip link's #main stays

        tab_to(page, "header nav a[href$='/friday/']")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/friday/$"))
        tab_to(page, "main a[href$='/friday/requests/new']")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/friday/requests/new$"))

        tab_to(page, f"input[name=topics][value={topic}]")
        page.keyboard.press("Space")
        expect(page.locator(f"input[name=topics][value={topic}]")).to_be_checked()
        tab_to(page, "#description")
        page.keyboard.type("劳动合同到期后是否可以续签为无固定期限合同")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Shift+Tab")  # and back again, in order
        expect(page.locator("#counterparty")).to_be_focused()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/friday/requests/\d+$"))
        expect(page.locator(".flash-success")).to_contain_text("申请已提交")
        expect(page.locator("main")).to_contain_text("劳动合同到期后")
    finally:
        context.close()
        # The browser tests share one server: withdraw the request, so that the roster tests
        # find the firm as they expect it.
        with LIVE_DATABASES[live_server].transaction() as session:
            firm = session.scalar(select(User).where(User.username == "enterprise"))
            for request in session.scalars(
                select(FridayRequest).where(
                    FridayRequest.enterprise_id == firm.enterprise_id,
                    FridayRequest.description.like("劳动合同到期后%"),
                    FridayRequest.status == "open",
                )
            ):
                friday_services.cancel_request(session, firm, request.id, "测试结束")


def tab_to(page: Page, selector: str, presses: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus, and see the focus ring."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            ring = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth]; }"
            )
            assert ring[0] != "none" and ring[1] != "0px", (selector, ring)
            return
    raise AssertionError(f"{selector} is not reached by Tab in {presses} presses")


# On a phone: the page does not scroll sideways (a wide table may, inside its own box), the
# menu is there to tap, and no text is smaller than 14px (a chart's labels scale with it).
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
SMALL_TEXT = """() => {
  const small = new Map();  // one line for each kind of element, with how often it occurs
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || element.closest('svg, .visually-hidden')) continue;
    if (!element.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size >= 14) continue;
    const key = size + 'px ' + element.tagName.toLowerCase() + '.' + element.className;
    const seen = small.get(key) || {count: 0, text: walker.currentNode.textContent.trim()};
    seen.count += 1;
    small.set(key, seen);
  }
  return [...small].map(([key, seen]) => key + ' (' + seen.count + '×) ' + seen.text.slice(0, 20));
}"""


@pytest.mark.parametrize("role", ROLES)
def test_the_main_pages_read_well_on_a_phone(browser, live_server, role):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, role)
        menu = page.locator("header nav a")
        assert menu.count() >= 3
        for i in range(menu.count()):
            box = menu.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, i
            assert box["height"] >= 20  # big enough to tap
        problems = []
        for url in [*menu_links(page), "/account"]:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 391:
                problems.append(f"{url}: the page is {width}px wide")
            problems += [f"{url}: {text}" for text in page.evaluate(SMALL_TEXT)]
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
