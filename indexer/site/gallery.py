"""The case studies gallery: one card per case with place, setting, year and outcome.

Uses mkdocs-material's grid cards (``<div class="grid cards" markdown>``, attr_list and
md_in_html); fictional teaching scenarios are marked as such.
"""

from __future__ import annotations

from ..corpus.entries import Entry
from .markup import format_date, link, md_text
from .pages import page_head


def case_card(entry: Entry) -> list[str]:
    m = entry.meta
    where = " · ".join(md_text(str(m[k])) for k in ("place", "setting") if m.get(k))
    if m.get("year"):
        where += f" · {format_date(str(m['year']))}"
    lines = [f"-   **{link(entry)}**", "", "    ---", ""]
    if m.get("fictional"):
        lines += ['    <span class="kb-badge kb-fictional">Fictional teaching scenario</span>', ""]
    if where:
        lines += [f"    {where}", "    {: .kb-card-where }", ""]
    if m.get("outcome"):
        lines += [f"    **Outcome:** {md_text(str(m['outcome']))}", ""]
    return lines


def gallery_page(cases: list[Entry]) -> str:
    """The case studies index page."""
    real = sorted(
        (c for c in cases if not c.meta.get("fictional")),
        key=lambda e: (str(e.meta.get("place", "")).casefold(), e.title.casefold()),
    )
    fictional = sorted((c for c in cases if c.meta.get("fictional")), key=lambda e: e.title.casefold())
    lines = page_head("Case studies", (
        "Cases of services working together, as the sources describe them: where, in what "
        "setting, and what came of it. Fictional teaching scenarios are marked."
    ))
    if not cases:
        return "\n".join([*lines, "*No case studies yet.*", ""])
    for title, group in (("Cases from the sources", real), ("Teaching scenarios", fictional)):
        if not group:
            continue
        lines += [f"## {title}", "", '<div class="grid cards" markdown>', ""]
        for entry in group:
            lines += case_card(entry)
        lines += ["</div>", ""]
    return "\n".join(lines)


__all__ = ["gallery_page"]
