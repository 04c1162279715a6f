"""The hostile fixture project: the site fixture (tests/fixtures/site) with markup and script in
every text it shows, made at test time (one fixture corpus; this is its hostile variant).

``make_hostile(dest)`` copies the site fixture's corpus, docs and bibliography to ``dest`` and adds:

- ``PAYLOAD`` (``<script>``, ``<img onerror>`` loading from another host, ``</title>``, quotes,
  an unknown element ``<kbx-evil>``, ``&``) to every free-text field of every entry's front
  matter (title, summary, place, setting, outcome, jurisdiction, heading, applies_to), as one
  more item of ``also_known_as`` and ``partners``, and to every tag's description;
- a last paragraph to every body with the same markup as code and as escaped text (which
  ``kb check`` allows);
- ``BIB_TITLE`` to every title in the bibliography, ``BIB_NAME`` to every publisher,
  institution and journal.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SITE_FIXTURE = REPO / "tests" / "fixtures" / "site"
PAYLOAD = (
    "<under five> & \"q\" </title><script>alert('kbx')</script>"
    "<img src=https://other.host.invalid/x.png onerror=alert('kbx')><kbx-evil>el</kbx-evil>"
)
BODY_LINE = "Shown as text: `<script>alert('kbx')</script>`, \\<kbx-evil\\> and &lt;kbx-evil&gt;."
BIB_TITLE = " <kbx-evil>el</kbx-evil> <img src=https://other.host.invalid/b.png onerror=alert('kbx')> \\& \"q\""
BIB_NAME = " <kbx-evil>p</kbx-evil>"
#: the front-matter fields that hold text shown to readers
TEXT_FIELDS = ("title", "summary", "place", "setting", "outcome", "jurisdiction", "heading", "applies_to")
LIST_FIELDS = ("also_known_as", "partners")
_FIELD_RE = re.compile(r"^([a-z_]+): (.*)$")
_BIB_RE = re.compile(r"^(\s*(title|publisher|institution|journal)\s*=\s*\{)(.*?)(\}+)(,?)$")


def _field(key: str, value: object) -> str:
    """``key: value`` as one line of YAML (a list in flow style, ``[a, b]``)."""
    listed = value if isinstance(value, list) else [value]
    shown = yaml.safe_dump(listed, allow_unicode=True, width=1 << 20, default_flow_style=True).strip()
    return f"{key}: {shown if isinstance(value, list) else shown[1:-1]}"


def hostile_entry(text: str) -> str:
    """One corpus entry with the payload in its front matter's texts and a last paragraph."""
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    lines = []
    for line in text[4:end].split("\n"):
        match = _FIELD_RE.match(line)
        if match and match.group(1) in TEXT_FIELDS:
            value = yaml.safe_load(match.group(2))
            line = _field(match.group(1), f"{value} {PAYLOAD}")
        elif match and match.group(1) in LIST_FIELDS:
            line = _field(match.group(1), [*yaml.safe_load(match.group(2)), PAYLOAD])
        lines.append(line)
    body = text[end + 5:].rstrip("\n")
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n\n" + BODY_LINE + "\n"


def hostile_tags(text: str) -> str:
    """``tags.yml`` with the payload in every description."""
    tags = yaml.safe_load(text)
    return "".join(_field(tag, f"{description} {PAYLOAD}") + "\n" for tag, description in tags.items())


def hostile_bibliography(text: str) -> str:
    """The bibliography with markup in every title, publisher, institution and journal."""

    def line(match: re.Match[str]) -> str:
        extra = BIB_TITLE if match.group(2) == "title" else BIB_NAME
        return match.group(1) + match.group(3) + extra + match.group(4) + match.group(5)

    return "\n".join(_BIB_RE.sub(line, row) for row in text.split("\n"))


def make_hostile(dest: Path) -> Path:
    """The hostile project at ``dest`` (corpus/, docs/, bibliography.bib); returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SITE_FIXTURE / "docs", dest / "docs")
    for path in sorted((SITE_FIXTURE / "corpus").rglob("*")):
        if not path.is_file():
            continue
        target = dest / "corpus" / path.relative_to(SITE_FIXTURE / "corpus")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        target.write_text(hostile_tags(text) if path.name == "tags.yml" else hostile_entry(text), encoding="utf-8")
    bib = (SITE_FIXTURE / "bibliography.bib").read_text(encoding="utf-8")
    (dest / "bibliography.bib").write_text(hostile_bibliography(bib), encoding="utf-8")
    return dest
