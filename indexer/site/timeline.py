"""The timeline page: every event, by decade, oldest first, as a vertical timeline.

Each event shows its year large, its title (linked to its page), its type and
jurisdiction, its summary, and what it bears on (its related entries). Filter
buttons (one per event type present, with counts) are plain HTML; the small script
in ``docs/assets/kb.js`` makes them work, and without it every event stays visible.
"""

from __future__ import annotations

from collections import Counter

from ..corpus.entries import Entry
from .markup import attr, format_date, kind_label, link, md_text
from .pages import event_type_label, front_matter


def event_sort_key(entry: Entry) -> tuple[str, str]:
    return (str(entry.meta.get("date", "9999")), entry.title.casefold())


def decade_of(entry: Entry) -> int | None:
    year = entry.year
    return None if year is None else year - year % 10


def filter_buttons(events: list[Entry]) -> str:
    """The filter bar: 'All' and one button per event type, most frequent first."""
    counts = Counter(str(e.meta.get("event_type", "other")) for e in events)
    button = (
        '<button type="button" class="kb-filter-button" data-kind="{kind}" aria-pressed="{on}">'
        "{label} ({count})</button>"
    )
    buttons = [button.format(kind="all", on="true", label="All", count=len(events))]
    for kind, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        buttons.append(button.format(kind=attr(kind), on="false", label=attr(event_type_label(kind)), count=count))
    return (
        '<div class="kb-filter" role="group" aria-label="Show events of one type">'
        '<span class="kb-filter-label">Show:</span> ' + " ".join(buttons) + "</div>"
    )


def event_block(entry: Entry, by_id: dict[str, Entry]) -> list[str]:
    """One event of the timeline, as Markdown inside HTML (md_in_html)."""
    date = str(entry.meta.get("date", ""))
    kind = str(entry.meta.get("event_type", "other"))
    year = date[:4] or "?"
    lines = [
        f'<div class="kb-event" id="{attr(entry.id)}" data-kind="{attr(kind)}" markdown>',
        f'<span class="kb-event-year">{attr(year)}</span>',
        "",
        f"**{link(entry)}**",
        "{: .kb-event-title }",
        "",
    ]
    facts = [f'<span class="kb-badge kb-badge-{attr(kind)}">{attr(event_type_label(kind))}</span>']
    if date and len(date) > 4:
        facts.append(format_date(date))
    if entry.meta.get("jurisdiction"):
        facts.append(md_text(str(entry.meta["jurisdiction"])))
    lines += [" · ".join(facts), "{: .kb-event-facts }", ""]
    if entry.summary:
        lines += [md_text(entry.summary), ""]
    related = [by_id[r] for r in entry.related if r in by_id]
    if related:
        links = ", ".join(f"{link(r)} <small>({kind_label(r.kind).lower()})</small>" for r in related)
        lines += [f"Bears on: {links}", "{: .kb-event-related }", ""]
    lines += ["</div>", ""]
    return lines


def timeline_page(events: list[Entry], by_id: dict[str, Entry]) -> str:
    """The whole timeline page (Markdown with HTML blocks)."""
    ordered = sorted(events, key=event_sort_key)
    lines = [
        front_matter({"title": "Timeline"}),
        "# Timeline",
        "",
        "Acts, green and white papers, guidance, reports, inquiries and programmes that shaped "
        "multi-agency working with young children and families in England, oldest first. "
        "Each event links to its page and to the entries it bears on.",
        "",
    ]
    if not ordered:
        return "\n".join([*lines, "*No events yet.*", ""])
    lines += [filter_buttons(ordered), ""]
    decades: dict[int | None, list[Entry]] = {}
    for entry in ordered:
        decades.setdefault(decade_of(entry), []).append(entry)
    for decade, group in decades.items():
        title = f"{decade}s" if decade is not None else "Undated"
        anchor = f"decade-{decade}" if decade is not None else "undated"
        lines += [f"## {title} {{#{anchor} .kb-decade}}", "", '<div class="kb-timeline" markdown>', ""]
        for entry in group:
            lines += event_block(entry, by_id)
        lines += ["</div>", ""]
    return "\n".join(lines)


def event_label(entry: Entry) -> str:
    """Nav title of an event: ``1989: Children Act 1989``."""
    year = entry.year
    return f"{year}: {entry.title}" if year and str(year) not in entry.title else entry.title


__all__ = ["decade_of", "event_label", "event_sort_key", "timeline_page"]
