"""How many references ``kb cite --format text`` formats as pandoc's citeproc does.

    python scripts/cite_agreement.py [--root .] [--show N]

For each style (Harvard, APA), pandoc (``--citeproc``, an independent CSL processor) reads
our own CSL-JSON export (as ``for_style`` adapts it: APA drops a publisher that repeats the
author) and the repository's CSL file; each of its references is compared
with ours (plain text, white space folded). Prints ``STYLE: agree/total`` and, with
``--show``, the first N differences side by side. Needs pandoc on the PATH.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.cite.csl import for_style
from indexer.cite.export import STYLES, csl_export_item, formatted_references
from indexer.corpus.bibliography import load_bibliography

#: the language each style is written for (as ``kb cite`` renders it)
LANG = {"harvard": "en-GB", "apa": "en-US"}
_DIV_RE = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>(?P<body>.*?)</div>', re.S)


@dataclass(frozen=True)
class Agreement:
    style: str
    total: int
    differences: dict[str, tuple[str, str]]  # key -> (ours, pandoc's)

    @property
    def agree(self) -> int:
        return self.total - len(self.differences)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", text)))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def pandoc_references(csljson: str, style: Path, lang: str) -> dict[str, str]:
    """pandoc's references (plain text) by key, for every item of ``csljson``."""
    with tempfile.TemporaryDirectory() as tmp:
        items = Path(tmp) / "items.json"
        items.write_text(csljson, encoding="utf-8")
        doc = f"---\nnocite: '@*'\nlang: {lang}\n---\n"
        done = subprocess.run(
            ["pandoc", "--citeproc", "--bibliography", str(items), "--csl", str(style), "-f", "markdown",
             "-t", "html", "--wrap=none"],
            input=doc, capture_output=True, text=True, check=True, timeout=300,
        )
    return {m.group("key"): normalise(m.group("body")) for m in _DIV_RE.finditer(done.stdout)}


def agreement(root: Path, style: str) -> Agreement:
    bib = load_bibliography(root / "bibliography.bib")
    refs = list(bib.references.values())
    # pandoc gets the items our renderer gets: the export's, with the style's own rules (for_style)
    items = [for_style(csl_export_item(ref), style) for ref in refs]
    theirs = pandoc_references(json.dumps(items, ensure_ascii=False), STYLES[style], LANG[style])
    ours = {key: normalise(text) for key, text in formatted_references(refs, bib, style, "text")}
    differences = {k: (ours[k], theirs.get(k, "")) for k in ours if ours[k] != theirs.get(k, "")}
    return Agreement(style, len(ours), differences)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--show", type=int, default=0, help="print the first N differences")
    parser.add_argument("--json", action="store_true", help="one JSON line per style")
    args = parser.parse_args()
    for style in ("harvard", "apa"):
        result = agreement(args.root, style)
        if args.json:
            print(json.dumps({"style": style, "agree": result.agree, "total": result.total,
                              "differences": sorted(result.differences)}))
        else:
            print(f"{style}: {result.agree}/{result.total} references as pandoc's citeproc formats them")
        for key, (ours, theirs) in list(result.differences.items())[: args.show]:
            print(f"  {key}\n    kb:     {ours}\n    pandoc: {theirs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
