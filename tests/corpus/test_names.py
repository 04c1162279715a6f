"""bibtexparser's name splitting gives what the hand-written grammar it replaced gave, on
every name of the real bibliography (the old grammar is kept here as the reference)."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.cite.csl import csl_name
from indexer.corpus.bibliography import clean, family_name, load_bibliography, person_name, split_names

REPO_BIB = Path(__file__).resolve().parents[2] / "bibliography.bib"
_PARTICLE_RE = re.compile(r"^[a-z]")


def old_split_names(value: str) -> list[str]:
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for token in re.split(r"(\s+and\s+|[{}])", value):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", token or ""):
            names.append("".join(current))
            current = []
        else:
            current.append(token)
    names.append("".join(current))
    return [n.strip() for n in names if n.strip()]


def old_csl_name(name: str) -> dict[str, str]:
    if name.startswith("{") and name.endswith("}"):
        return {"literal": clean(name)}
    out: dict[str, str] = {}
    if "," in name:
        parts = [clean(p) for p in name.split(",")]
        family_words, out["given"] = parts[0].split(), parts[-1]
        if len(parts) == 3:
            out["suffix"] = parts[1]
    else:
        words = clean(name).split()
        if len(words) < 2:
            return {"literal": clean(name)}
        first_lower = next((i for i, w in enumerate(words[:-1]) if _PARTICLE_RE.match(w)), len(words) - 1)
        out["given"] = " ".join(words[:first_lower])
        family_words = words[first_lower:]
    particle = []
    while len(family_words) > 1 and _PARTICLE_RE.match(family_words[0]):
        particle.append(family_words.pop(0))
    out["family"] = " ".join(family_words)
    if particle:
        out["non-dropping-particle"] = " ".join(particle)
    return {k: v for k, v in out.items() if v}


def _name_lists() -> list[str]:
    bib = load_bibliography(REPO_BIB)
    return [ref.fields[f] for ref in bib.references.values() for f in ("author", "editor") if ref.fields.get(f)]


def test_every_name_of_the_bibliography_splits_as_before() -> None:
    lists = _name_lists()
    names = [name for value in lists for name in split_names(value)]
    assert len(names) > 200  # the real bibliography: every author and editor
    for value in lists:
        assert split_names(value) == old_split_names(value), value
    for name in names:
        assert csl_name(name) == old_csl_name(name), name


def test_parts_as_bibtex_defines_them() -> None:
    assert person_name("van der Berg, Jr, Anna").family == "van der Berg"
    assert csl_name("van der Berg, Jr, Anna") == {
        "family": "Berg", "given": "Anna", "non-dropping-particle": "van der", "suffix": "Jr"}
    assert csl_name("Jean de la Fontaine") == {"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"}
    assert csl_name("{Barnardo's Policy and Research Unit}") == {"literal": "Barnardo's Policy and Research Unit"}
    assert split_names("{Department for Education and Skills} and {HM Treasury}") == [
        "{Department for Education and Skills}", "{HM Treasury}"]
    assert family_name("Ailsa Cameron") == "Cameron" and family_name("{DfES}") == "DfES"
