"""Split a Markdown file into YAML front matter and body, keeping line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

#: libyaml's parser where PyYAML was built with it (ten times faster), else the pure-Python one
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterError(ValueError):
    """The front matter is missing or does not parse; ``line`` is 1-based in the file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


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
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
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
