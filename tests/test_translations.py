"""Every message a user can see has a Chinese translation, and the catalog compiles."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from programs import i18n

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"N_": None, "_": None, "_l": None, "gettext": None, "ngettext": (1, 2)}


def _source_messages() -> set[str]:
    found = set()
    method_map = [
        ("rules/**.py", "python"),
        ("calendars/**.py", "python"),
        ("programs/**.py", "python"),
        ("reports/**.py", "python"),
        ("webapp/**.py", "python"),
        ("webapp/templates/**.html", "jinja2"),
        ("reports/templates/**.html", "jinja2"),
    ]
    options = {"webapp/templates/**.html": {"extensions": "jinja2.ext.do"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map=options, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog():
    path = i18n.TRANSLATIONS_DIR / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale="zh_Hans")


def test_every_source_message_is_translated_to_chinese():
    catalog = _catalog()
    untranslated = []
    for msgid in sorted(_source_messages()):
        message = catalog.get(msgid)
        strings = (
            []
            if message is None
            else ([message.string] if isinstance(message.string, str) else list(message.string))
        )
        if not strings or not all(strings) or (message is not None and message.fuzzy):
            untranslated.append(msgid)
    assert untranslated == [], f"{len(untranslated)} untranslated; run `make update-messages`"


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")
    for message in _catalog():
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else message.string[0]
        # A Chinese text may use the Chinese form of a name (`{holiday_zh}` for `{holiday}`).
        wanted = {p.replace("_zh}", "}") for p in pattern.findall(string)}
        assert set(pattern.findall(msgid)) == wanted, msgid


def test_catalog_compiles_and_translates():
    i18n.compile_catalogs(force=True)
    assert i18n.translate("Welcome to Fengqiao", "zh_Hans") == "欢迎使用枫桥"
    assert i18n.translate("Welcome to Fengqiao", "en") == "Welcome to Fengqiao"


def test_translate_renders_dates_and_nested_messages_for_the_reader():
    msg = "Your sign-up for {username} was not approved: {reason}"
    nested = {"msgid": "Tax", "params": {}}
    assert i18n.translate(msg, "zh_Hans", {"username": "a", "reason": nested}).endswith("税务")
    assert i18n.format_date(__import__("datetime").date(2026, 10, 1), "zh_Hans") == "2026年10月1日"
