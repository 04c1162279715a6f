"""Hostile corpus folders: every file under corpus/ that is not an entry is reported, never read silently."""

from __future__ import annotations

import os
from pathlib import Path

from harness import TERM, Case

CHECK = ["check", "--no-notes", "--root", "{root}"]
INDEX = ["index", "--root", "{root}"]
KLASS = "corpus files"
ENTRY = (
    "---\nid: {id}\ntitle: A term\nkind: term\nsummary: A term.\nsources: [mcinnes2007practitioners]\n"
    "tags: [roles]\n---\n\nA term of the trade [@mcinnes2007practitioners].\n"
)
NOT_AN_ENTRY = "is not an entry (entries end in '.md'; the only other file is corpus/tags.yml)"


def entry(id: str) -> str:
    return ENTRY.replace("{id}", id)


def symlink(link: str, target: str) -> object:
    def setup(root: Path) -> None:
        os.symlink(target, root / link)

    return setup


def outside_file(root: Path) -> None:
    secret = root.parent / "secret.md"
    secret.write_text(entry("secret"), encoding="utf-8")
    os.symlink(secret, root / "corpus/glossary/secret.md")


def outside_folder(root: Path) -> None:
    folder = root.parent / "elsewhere"
    folder.mkdir()
    (folder / "x.md").write_text(entry("x"), encoding="utf-8")
    os.symlink(folder, root / "corpus/glossary/more")


CASES = [
    Case(
        id="extension-upper-case",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/key-worker.MD": entry("key-worker")},
        message="corpus/glossary/key-worker.MD:1: file extension '.MD' is not read: entries end in '.md' (lowercase)",
    ),
    Case(
        id="extension-markdown",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/key-worker.markdown": entry("key-worker")},
        message="corpus/glossary/key-worker.markdown:1: file extension '.markdown' is not read: entries end in '.md' "
        "(lowercase)",
    ),
    Case(
        id="extension-mixed-case-markdown",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/key-worker.Markdown": entry("key-worker")},
        message="corpus/glossary/key-worker.Markdown:1: file extension '.Markdown' is not read: entries end in '.md' "
        "(lowercase)",
    ),
    Case(
        id="file-named-dot-md",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/.md": entry("x")},
        message="corpus/glossary/.md:1: file is a hidden file (its name starts with '.'): not read",
    ),
    Case(
        id="file-named-dot-MD",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/.MD": entry("x")},
        message="corpus/glossary/.MD:1: file is a hidden file (its name starts with '.'): not read",
    ),
    Case(
        id="hidden-markdown-file",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/.draft.md": entry("draft")},
        message="corpus/glossary/.draft.md:1: file is a hidden file (its name starts with '.'): not read",
    ),
    Case(
        id="stray-text-file",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/notes.txt": "to do\n"},
        message=f"corpus/glossary/notes.txt:1: file {NOT_AN_ENTRY}",
    ),
    Case(
        id="editor-backup-file",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/lead-professional.md~": entry("lead-professional")},
        message=f"corpus/glossary/lead-professional.md~:1: file {NOT_AN_ENTRY}",
    ),
    Case(
        id="dangling-symlink",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=symlink("corpus/glossary/x.md", "gone.md"),
        message="corpus/glossary/x.md:1: file is a dangling symbolic link (to gone.md): not read",
    ),
    Case(
        id="dangling-symlink-kb-index",
        klass=KLASS,
        command=INDEX,
        exit_code=0,
        setup=symlink("corpus/glossary/x.md", "gone.md"),
        message="the corpus has 1 problem(s): run kb check",
    ),
    Case(
        id="symlink-leaving-the-corpus",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=outside_file,
        message="corpus/glossary/secret.md:1: file is a symbolic link leaving the corpus folder: not read",
    ),
    Case(
        id="symlink-to-folder-outside",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=outside_folder,
        message="corpus/glossary/more:1: file is a symbolic link to a folder: not followed, not read",
    ),
    Case(
        id="symlink-inside-the-corpus-is-read",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=symlink("corpus/glossary/lead-pro.md", "lead-professional.md"),
        message="corpus/glossary/lead-pro.md:2: id 'lead-professional' does not match the file name 'lead-pro'",
    ),
    Case(
        id="symlink-to-the-corpus-folder",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=symlink("corpus/glossary/loop", ".."),
        message="corpus/glossary/loop:1: file is a symbolic link to a folder: not followed, not read",
    ),
    Case(
        id="entry-outside-kind-folders",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/notes/key-worker.md": entry("key-worker")},
        message="corpus/notes/key-worker.md:1: entry is not in a kind folder (expected one of: case-studies, "
        "findings, glossary, procedures, sources, strategies, themes, timeline)",
    ),
    Case(
        id="entry-in-a-subfolder",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/glossary/old/key-worker.md": entry("key-worker")},
        message="corpus/glossary/old/key-worker.md:1: entry must sit directly in glossary/, not in a subfolder",
    ),
    Case(
        id="duplicate-id-in-two-folders",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/procedures/lead-professional.md": entry("lead-professional").replace("term", "procedure")},
        message=f"corpus/procedures/lead-professional.md:1: duplicate id 'lead-professional' (also {TERM})",
    ),
    Case(
        id="tags-file-missing",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/tags.yml": None},
        message="corpus/tags.yml:1: tag vocabulary file is missing",
    ),
    Case(
        id="tags-file-not-a-mapping",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/tags.yml": "- roles\n- legislation\n"},
        message="corpus/tags.yml:1: must be a mapping of tag: description",
    ),
    Case(
        id="tags-file-bad-yaml",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/tags.yml": "roles: Roles\n\tlegislation: Acts\n"},
        message="corpus/tags.yml:2: not valid YAML: found a tab character that violates indentation",
    ),
    Case(
        id="tags-file-not-utf8",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/tags.yml": b"roles: R\xf4les\n"},
        message="corpus/tags.yml:1: not valid YAML: 'utf-8' codec can't decode byte 0xf4 in position 8: invalid "
        "continuation byte",
    ),
]

TAGS_BOMB = "roles: R\nlegislation: L\nco-location: C\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}' if prev else 'lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f", "g", "h"], strict=True)
)
CASES.append(
    Case(
        id="tags-file-alias-bomb",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={"corpus/tags.yml": TAGS_BOMB},
        message="corpus/tags.yml:1: tag 'h' must be a lowercase-hyphen slug with a text description",
    )
)
