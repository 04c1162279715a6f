"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Dates stay text (the YAML timestamp resolver is off), so that the schema validates a date
field as its own type and an impossible date such as ``2004-02-30`` is a message at its
line, never an exception. Aliases (``*name``) are refused: they are of no use in front
matter and an alias bomb would otherwise expand to gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """libyaml's parser where PyYAML was built with it (ten times faster); no timestamps."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


class FrontMatterError(ValueError):
    """The front matter is missing or does not parse; ``line`` is 1-based in the file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def load_yaml(text: str) -> Any:
    """One YAML document, loaded safely with libyaml where available, dates kept as text."""
    return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader


def _first_alias(node: yaml.Node, seen: set[int]) -> yaml.Node | None:
    """The first node reached twice (an alias), walking each node once."""
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return current
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack.extend((value, key))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return None


def _refuse_aliases(node: yaml.Node) -> None:
    """Raise at the first top-level field whose value repeats a node (an alias)."""
    seen: set[int] = set()
    if not isinstance(node, yaml.MappingNode):
        if _first_alias(node, seen) is not None:
            raise FrontMatterError("front matter uses a YAML alias (*name): aliases are not allowed", 2)
        return
    for key, value in node.value:
        if _first_alias(key, seen) is not None or _first_alias(value, seen) is not None:
            raise FrontMatterError(
                f"field {_quote(str(key.value))} uses a YAML alias (*name): aliases are not allowed in front matter",
                key.start_mark.line + 2,
            )


def _quote(text: str, limit: int = 60) -> str:
    """``'text'`` for a message, cut to ``limit`` characters."""
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter: the mapping, the line of each top-level key, where the body starts."""

    data: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    duplicate_keys: tuple[tuple[str, int], ...] = ()


def split(text: str) -> FrontMatter:
    """Parse ``---``-delimited YAML front matter at the top of ``text``."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("no front matter: the file must start with a line '---'", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FrontMatterError("front matter is not closed: no second '---' line", 1)
    source = "".join(lines[1:end])
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_aliases(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problem = problem if len(problem) <= 100 else problem[:99] + "…"
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from None
    finally:
        loader.dispose()
    if data is None:
        raise FrontMatterError("front matter is empty", 1)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise FrontMatterError("front matter must be a mapping of field: value", 2)
    key_lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    for key_node, _value in node.value:
        name, line = str(key_node.value), key_node.start_mark.line + 2
        if name in key_lines:
            duplicates.append((name, line))
        key_lines.setdefault(name, line)
    return FrontMatter(
        data={str(k): v for k, v in data.items()},
        key_lines=key_lines,
        body="".join(lines[end + 1 :]),
        body_line=end + 2,
        duplicate_keys=tuple(duplicates),
    )
