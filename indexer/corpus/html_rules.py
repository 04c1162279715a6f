"""The body rules that keep an entry's text text on the website: no raw HTML, no foreign loads.

An entry body is Markdown only. ``check_body`` reports, at the body's own lines:

* raw HTML (``<tag ...>``, ``</tag>``, ``<!DOCTYPE>``, ``<?...>``, ``<![CDATA[``): write it in
  Markdown, or ``\\<`` / ``&lt;`` for a literal ``<``. There is no allow-list: the corpus needs
  no inline tag, and each allowed tag would be one more thing to keep harmless. HTML comments
  are allowed (they are not shown), except an unterminated one (it would hide the rest of the
  page) and the site's own markers (``<!-- kb-source: ... -->``, ``<!-- material/tags -->``...);
* a link whose URL has a scheme other than ``http``, ``https`` and ``mailto`` (``javascript:``,
  ``data:``, ``vbscript:``, ``file:``...), inline or by reference definition; links to other
  hosts (``https://www.legislation.gov.uk/...``) are normal and allowed;
* an image that would load from another host (``![](https://...)``, ``![](//host/x)``) or from
  any URL scheme: the site promises that no request leaves its origin;
* an attribute list (``{: onclick=... }``) setting anything but ``#id`` and ``.class``;
* a link title with an HTML entity (``[a](url "&lt;img ...&gt;")``) and an abbreviation
  definition (``*[CAF]: ...``): both become ``title`` attributes, which the theme's tooltips
  show as HTML (abbreviations come from the glossary's terms);
* a snippet include (``--8<--``), which would paste another file into the page.

Code spans and fenced code are not looked at (their text is shown as written).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..problems import Problem, display_path
from .citations import mask_code
from .entries import Entry

#: URL schemes a link may use (a link without a scheme is relative to the site).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: comments the site's own renderers use; one written in a body would mislead them
RESERVED_COMMENTS = ("kb-source:", "kb:", "material/tags")

# what Python-Markdown and the browser treat as the start of markup: "<" then a letter, "/", "!" or "?"
_MARKUP_RE = re.compile(r"<(?P<open>[/!?]?)(?P<name>[A-Za-z][A-Za-z0-9:-]*|\[CDATA\[|--)?")
_AUTOLINK_RE = re.compile(r"<(?:(?:https?|ftp)://[^<>\s]*|[^<>\s!]+@[^@<>\s]+)>", re.I)
_TARGET_RE = re.compile(r"\]\([ \t]*\n?[ \t]*")
_REF_DEF_RE = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]\n^][^\]\n]*)\]:[ \t]*(?P<target><[^>\n]*>|\S+)", re.M)
_REF_IMAGE_RE = re.compile(r"!\[(?P<alt>[^\[\]\n]*)\](?:\[(?P<label>[^\]\n]*)\])?(?!\()")
_ATTR_LIST_RE = re.compile(r"\{:?(?P<body>[^{}\n]*)\}")
_ATTR_RE = re.compile(r"(?:^|\s)(?P<name>[^\s=#.{}\"']+)\s*=")
_TITLE_RE = re.compile(r"""[ \t]*\n?[ \t]+(?:"(?P<d>[^"\n]*)"|'(?P<s>[^'\n]*)'|\((?P<p>[^()\n]*)\))""")
_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
_ABBR_DEF_RE = re.compile(r"^[ ]{0,3}\*\[[^\]\n]+\]:", re.M)
_SNIPPET_RE = re.compile(r"^[ \t]*;?-{1,}8<-{1,}", re.M)
_SCHEME_RE = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*):", re.I)
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")


def url_scheme(target: str) -> str:
    """The scheme of a URL as a browser reads it (entities decoded, blanks and controls dropped).

    ``""`` for a relative URL; ``"//"`` for a protocol-relative one (another host)."""
    url = _INVISIBLE_RE.sub("", html.unescape(target.strip("<>")))
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return "//"
    match = _SCHEME_RE.match(url)
    return match.group("scheme").lower() if match else ""


def _escaped(text: str, pos: int) -> bool:
    """Whether the character at ``pos`` is escaped by an odd number of backslashes."""
    count = 0
    while pos - count - 1 >= 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _is_image(body: str, close: int) -> bool:
    """Whether the ``]`` at ``close`` ends the text of an image (``![...]``), brackets balanced."""
    depth = 0
    for pos in range(close - 1, -1, -1):
        char = body[pos]
        if char == "\n" and pos > 0 and body[pos - 1] == "\n":
            return False
        if char == "]" and not _escaped(body, pos):
            depth += 1
        elif char == "[" and not _escaped(body, pos):
            if depth == 0:
                return pos > 0 and body[pos - 1] == "!"
            depth -= 1
    return False


def _target(body: str, start: int) -> str:
    """The link destination starting at ``start``: ``<...>``, or up to a blank or an unbalanced ``)``."""
    if body.startswith("<", start):
        end = body.find(">", start)
        return body[start : end + 1] if end >= 0 and "\n" not in body[start:end] else body[start:start]
    depth, pos = 0, start
    while pos < len(body) and not body[pos].isspace():
        char = body[pos]
        if char == "(" and not _escaped(body, pos):
            depth += 1
        elif char == ")" and not _escaped(body, pos):
            if depth == 0:
                break
            depth -= 1
        pos += 1
    return body[start:pos]


def _link_problem(target: str, image: bool) -> str | None:
    scheme = url_scheme(target)
    shown = target.strip("<>")
    if image:
        if scheme in ("//", "http", "https"):
            return f"image from another host: {shown} (the site makes no request to another host)"
        if scheme:
            return f"image with a {scheme}: URL: {shown} (images must be files of the site)"
        return None
    if scheme and scheme != "//" and scheme not in LINK_SCHEMES:
        return f"link with a {scheme}: URL: {shown} (links may be http, https, mailto or relative)"
    return None


def _title_problem(body: str, end: int, start: int) -> list[tuple[int, str]]:
    """A link title (after the destination ending at ``end``) holding an HTML entity."""
    match = _TITLE_RE.match(body, end)
    if match is None:
        return []
    title = match.group("d") or match.group("s") or match.group("p") or ""
    entity = _ENTITY_RE.search(title)
    if entity is None:
        return []
    return [(start, f"link title with an HTML entity ({entity.group(0)}): write the character itself")]


def _markup_problems(body: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    autolinks = {m.start() for m in _AUTOLINK_RE.finditer(body)}
    for match in _MARKUP_RE.finditer(body):
        start = match.start()
        if start in autolinks or _escaped(body, start) or (not match.group("open") and not match.group("name")):
            continue
        name = match.group("name") or ""
        if match.group("open") == "!" and name == "--":
            end = body.find("-->", match.end())
            if end < 0:
                found.append((start, "unterminated HTML comment (<!-- without -->) would hide the rest of the page"))
                continue
            text = body[match.end() : end].strip()
            if text.startswith(RESERVED_COMMENTS):
                found.append((start, f"comment <!-- {text.split()[0]} --> is reserved for the site's renderers"))
            continue
        shown = f"<{match.group('open')}{name}" + (">" if name[:1].isalpha() else "")
        found.append((start, f"raw HTML {shown} is not allowed in an entry body (write Markdown; \\< for a literal <)"))
    return found


def body_problems(body: str) -> list[tuple[int, str]]:
    """``(offset, message)`` for each rule ``body`` breaks (see the module docstring)."""
    masked = mask_code(body)
    found = _markup_problems(masked)
    for match in _TARGET_RE.finditer(masked):
        target = _target(masked, match.end())
        message = _link_problem(target, _is_image(masked, match.start()))
        if message:
            found.append((match.start(), message))
        found.extend(_title_problem(masked, match.end() + len(target), match.start()))
    definitions: dict[str, tuple[int, str]] = {}
    for match in _REF_DEF_RE.finditer(masked):
        definitions.setdefault(match.group("label").strip().casefold(), (match.start(), match.group("target")))
        message = _link_problem(match.group("target"), image=False)
        if message:
            found.append((match.start(), message))
        found.extend(_title_problem(masked, match.end(), match.start()))
    for match in _REF_IMAGE_RE.finditer(masked):
        label = (match.group("label") or match.group("alt")).strip().casefold()
        if label in definitions:
            message = _link_problem(definitions[label][1], image=True)
            if message:
                found.append((match.start(), message))
    for match in _ATTR_LIST_RE.finditer(masked):
        for attr in _ATTR_RE.finditer(match.group("body")):
            found.append(
                (match.start(), f"attribute list sets '{attr.group('name')}': only #id and .class are allowed")
            )
    for match in _ABBR_DEF_RE.finditer(masked):
        found.append((match.start(), "abbreviation definition in an entry body: abbreviations come from the glossary"))
    for match in _SNIPPET_RE.finditer(masked):
        found.append((match.start(), "snippet include (--8<--) is not allowed in an entry body"))
    return sorted(set(found))


def check_body(entry: Entry, display_root: Path) -> list[Problem]:
    """The body rules for one entry, as problems at the corpus file's lines."""
    shown = display_path(entry.path, display_root)
    return [
        Problem(shown, entry.body_line + entry.body.count("\n", 0, offset), message)
        for offset, message in body_problems(entry.body)
    ]


__all__ = ["LINK_SCHEMES", "body_problems", "check_body", "url_scheme"]
