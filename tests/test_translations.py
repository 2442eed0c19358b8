"""Every message catalogue under locale/ is complete, and the compiled one is in use.

The .po files are read with a small parser of their own (Django does not bundle polib):
entries are separated by blank lines; an entry has msgctxt, msgid, msgid_plural, msgstr or
msgstr[n] keywords whose C-style strings may continue on following lines; "#," lines carry
flags such as fuzzy. The header (empty msgid) and obsolete "#~" entries are not messages.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
STRING = re.compile(r'^(".*")\s*$')
ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


class PoSyntaxError(ValueError):
    pass


@dataclass
class Entry:
    line: int
    flags: set = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict = field(default_factory=dict)

    @property
    def is_header(self):
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self):
        return "fuzzy" in self.flags

    @property
    def is_untranslated(self):
        if self.msgid_plural is not None:
            return not self.msgstr_plural or any(not text for text in self.msgstr_plural.values())
        return not self.msgstr

    def describe(self):
        context = f" [{self.msgctxt}]" if self.msgctxt is not None else ""
        return f"{self.msgid!r}{context}"


def unquote(literal, line):
    """The text of one C-style string literal as written in a .po file."""
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise PoSyntaxError(f"line {line}: not a quoted string: {literal}")
    body, text, i = literal[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == '"':
            raise PoSyntaxError(f"line {line}: unescaped quote in {literal}")
        if char != "\\":
            text.append(char)
            i += 1
            continue
        if i + 1 >= len(body):
            raise PoSyntaxError(f"line {line}: string ends with a backslash: {literal}")
        escaped = body[i + 1]
        if escaped in ESCAPES:
            text.append(ESCAPES[escaped])
            i += 2
        elif escaped in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i + 1 :]).group()
            text.append(chr(int(digits, 8)))
            i += 1 + len(digits)
        elif escaped == "x":
            digits = re.match(r"[0-9A-Fa-f]+", body[i + 2 :])
            if digits is None:
                raise PoSyntaxError(f"line {line}: bad \\x escape in {literal}")
            text.append(chr(int(digits.group(), 16)))
            i += 2 + len(digits.group())
        else:
            raise PoSyntaxError(f"line {line}: unknown escape \\{escaped} in {literal}")
    return "".join(text)


def parse_entry(lines):
    """One entry from its (line number, text) pairs, or None for an obsolete or empty block."""
    if all(text.startswith("#~") for _, text in lines):
        return None
    entry = Entry(line=lines[0][0])
    target = None  # (attribute, plural index) that a continuation line extends
    for number, text in lines:
        if text.startswith("#~"):
            continue
        if text.startswith("#,"):
            entry.flags.update(flag.strip() for flag in text[2:].split(",") if flag.strip())
            continue
        if text.startswith("#"):
            continue  # translator, extracted, reference and previous-msgid comments
        keyword = KEYWORD.match(text)
        if keyword:
            name, index, literal = keyword.groups()
            value = unquote(literal, number)
            if index is not None:
                entry.msgstr_plural[int(index)] = value
                target = ("msgstr_plural", int(index))
            else:
                if getattr(entry, name) is not None:
                    raise PoSyntaxError(f"line {number}: {name} given twice in one entry")
                setattr(entry, name, value)
                target = (name, None)
            continue
        continuation = STRING.match(text)
        if continuation and target is not None:
            value = unquote(continuation.group(1), number)
            name, index = target
            if name == "msgstr_plural":
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise PoSyntaxError(f"line {number}: cannot read {text!r}")
    if entry.msgid is None:
        if entry.msgstr is None and not entry.msgstr_plural:
            return None  # a block of comments only
        raise PoSyntaxError(f"line {entry.line}: entry without msgid")
    if entry.msgstr is None and not entry.msgstr_plural:
        raise PoSyntaxError(f"line {entry.line}: entry without msgstr")
    return entry


def parse_po(text):
    """The entries of a .po file's text, the header and obsolete entries included."""
    entries, block = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            block.append((number, line))
            continue
        if block:
            entries.append(parse_entry(block))
            block = []
    if block:
        entries.append(parse_entry(block))
    return [entry for entry in entries if entry is not None]


def messages(path):
    """The entries of a .po file that are messages: neither the header nor obsolete."""
    return [entry for entry in parse_po(path.read_text(encoding="utf-8")) if not entry.is_header]


def po_files():
    return sorted(
        path for locale_path in settings.LOCALE_PATHS for path in Path(locale_path).rglob("*.po")
    )


def test_every_message_is_translated_and_none_is_fuzzy():
    files = po_files()
    assert files, f"no .po file under {settings.LOCALE_PATHS}"
    problems = []
    for path in files:
        for entry in messages(path):
            if entry.is_untranslated:
                problems.append(f"{path}:{entry.line}: untranslated: {entry.describe()}")
            if entry.is_fuzzy:
                problems.append(f"{path}:{entry.line}: fuzzy: {entry.describe()}")
    assert not problems, f"{len(problems)} message(s) to translate:\n" + "\n".join(problems)


def test_the_compiled_chinese_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Dashboard") == "工作台", (
            "the Chinese catalogue is not compiled or not found: run "
            "`python manage.py compilemessages --ignore=.venv`"
        )


SAMPLE = r"""# A translator's comment.
#, fuzzy
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: app/views.py:1
msgid "Saved."
msgstr "已保存。"

#. A note for translators.
#: app/views.py:2
#, python-format
msgid ""
"A long message about %(name)s that "
"goes on over \"two\" lines.\n"
msgstr ""

#, fuzzy, python-format
#| msgid "Old %(n)d"
msgid "One %(n)d"
msgid_plural "Many %(n)d"
msgstr[0] "%(n)d 个"

msgid "Plural left empty"
msgid_plural "Plurals left empty"
msgstr[0] ""

msgctxt "month"
msgid "May"
msgstr "五月"

#~ msgid "Gone"
#~ msgstr ""
"""


def test_the_parser_reads_a_catalogue_as_gettext_does():
    entries = parse_po(SAMPLE)
    assert [entry.msgid for entry in entries] == [
        "",
        "Saved.",
        'A long message about %(name)s that goes on over "two" lines.\n',
        "One %(n)d",
        "Plural left empty",
        "May",
    ]
    header, saved, long_one, fuzzy_one, empty_plural, month = entries
    assert header.is_header and header.is_fuzzy and "Plural-Forms" in header.msgstr
    assert not saved.is_untranslated and not saved.is_fuzzy and saved.msgstr == "已保存。"
    assert long_one.is_untranslated and long_one.flags == {"python-format"}
    assert fuzzy_one.is_fuzzy and not fuzzy_one.is_untranslated
    assert fuzzy_one.msgid_plural == "Many %(n)d" and fuzzy_one.msgstr_plural == {0: "%(n)d 个"}
    assert empty_plural.is_untranslated
    assert month.msgctxt == "month" and not month.is_header and month.describe() == "'May' [month]"
