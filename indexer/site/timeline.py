"""The timeline page: every event, by decade, oldest first, as a vertical timeline.

Each event shows its year large, its title (linked to its page), its type and
jurisdiction, its summary, and what it bears on (its related entries). Above them, an
overview by decade (each decade's span and number of events, linked to its heading), and
filter buttons (one per event type present, with counts), plain HTML; the small script in
``docs/assets/kb.js`` makes the buttons work, keeps the chosen type in the address
(``timeline/?type=act``), and makes the overview's counts and the table of contents follow
the filter. Without it every event stays visible.
"""

from __future__ import annotations

from collections import Counter

from ..corpus.entries import Entry
from .markup import attr, format_date, kind_label, link, md_text
from .pages import event_type_label, page_head


def event_sort_key(entry: Entry) -> tuple[str, str]:
    return (str(entry.meta.get("date", "9999")), entry.title.casefold())


def decade_of(entry: Entry) -> int | None:
    year = entry.year
    return None if year is None else year - year % 10


def decade_anchor(decade: int | None) -> str:
    return f"decade-{decade}" if decade is not None else "undated"


def decade_title(decade: int | None) -> str:
    return f"{decade}s" if decade is not None else "Undated"


def by_decade(events: list[Entry]) -> dict[int | None, list[Entry]]:
    """Events (already sorted) grouped by decade, oldest first."""
    decades: dict[int | None, list[Entry]] = {}
    for entry in events:
        decades.setdefault(decade_of(entry), []).append(entry)
    return decades


def overview(decades: dict[int | None, list[Entry]]) -> str:
    """The compact overview: one link per decade with its number of events and the kinds of
    the most frequent types in it."""
    items = []
    for decade, group in decades.items():
        count = len(group)
        kinds = Counter(event_type_label(str(e.meta.get("event_type", "other"))).lower() for e in group)
        top = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:2])
        items.append(
            f'<li><a href="#{decade_anchor(decade)}"><span class="kb-overview__decade">{decade_title(decade)}</span> '
            f'<span class="kb-overview__count">{count}</span> '
            f'<span class="kb-overview__unit">{"event" if count == 1 else "events"}</span></a>'
            f'<span class="kb-overview__kinds">{attr(top)}</span></li>'
        )
    return '<nav class="kb-overview" aria-label="Decades of the timeline"><ol>' + "".join(items) + "</ol></nav>"


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
        '<span class="kb-filter-label">Show:</span> ' + " ".join(buttons) + "</div>\n"
        '<p class="kb-filter-status" role="status" aria-live="polite"></p>'
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
    lines = page_head("Timeline", (
        "Acts, green and white papers, guidance, reports, inquiries and programmes that shaped "
        "multi-agency working with young children and families in England, oldest first. "
        "Each event links to its page and to the entries it bears on."
    ))
    if not ordered:
        return "\n".join([*lines, "*No events yet.*", ""])
    decades = by_decade(ordered)
    lines += [overview(decades), "", filter_buttons(ordered), ""]
    for decade, group in decades.items():
        lines += [f"## {decade_title(decade)} {{#{decade_anchor(decade)} .kb-decade}}", ""]
        lines += ['<div class="kb-timeline" markdown>', ""]
        for entry in group:
            lines += event_block(entry, by_id)
        lines += ["</div>", ""]
    return "\n".join(lines)


def event_label(entry: Entry) -> str:
    """Nav title of an event: ``1989: Children Act 1989``."""
    year = entry.year
    return f"{year}: {entry.title}" if year and str(year) not in entry.title else entry.title


__all__ = ["by_decade", "decade_of", "event_label", "event_sort_key", "overview", "timeline_page"]
