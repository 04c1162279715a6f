"""Where citeproc-py departs from the CSL specification, and pandoc's citeproc does not: the
fixes ``indexer.cite.citestyle`` applies (small, idempotent, each named by the rule it restores)."""

from __future__ import annotations

import re
from typing import Any


def suppress_substituted_names() -> None:
    """Make citeproc-py follow two CSL rules it misses. First, a name variable that took the author's
    place (``<substitute>``: an edited book's editors) is not printed again ("... (eds) (2003)
    Title. Edited by ..."). citeproc-py records the substitution but checks it only for text
    variables; this patch checks it for names too. Second, a label's ``text-case`` (APA's
    "(Eds.)"), which citeproc-py skips for want of a language. Idempotent."""
    from citeproc.model import Names, VariableError

    if getattr(Names, "_kb_substitution_checked", False):
        return
    original = Names.process

    def process(self: Any, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
        variable = self.get("variable") or ""
        try:
            repressed = (context if context is not None else self).get_layout().repressed.get(self.tag, [])
        except (IndexError, AttributeError):
            repressed = []
        roles = [role for role in variable.split() if role not in repressed]
        if not repressed or len(roles) == len(variable.split()):
            return original(self, item, names_context, context, **kwargs)
        if not roles:
            raise VariableError
        self.set("variable", " ".join(roles))
        try:
            return original(self, item, names_context, context, **kwargs)
        finally:
            self.set("variable", variable)

    Names.process = process
    Names._kb_substitution_checked = True
    # and a label's text-case="title" ("(Eds.)" in APA): citeproc-py applies title case only
    # for a known English language, and passes none for labels (the locale's terms are English)
    from citeproc.model import Label

    label_case = Label.case
    Label.case = lambda self, text, language=None: label_case(self, text, language or "en")


#: a title's own ? or ! followed by the style's full stop ("Is It Feasible?." -> "Is It Feasible?")
_DOUBLE_PUNCT_RE = re.compile(r"([?!])((?:</[a-z]+>|[\'’”\"])*)\.")


def no_double_punctuation(fragment: str) -> str:
    """``?.`` and ``!.`` as ``?`` and ``!`` (CSL's rule, which pandoc applies and citeproc-py does not)."""
    return _DOUBLE_PUNCT_RE.sub(r"\1\2", fragment)


#: a pair of straight single quotes around words in the data ("as 'servant to the community'"),
#: not an apostrophe (a letter before the opening one or after the closing one)
_STRAIGHT_PAIR_RE = re.compile(r"(?<![\w'’])'(?=\S)([^'<>]*?[^\s'])'(?![\w'])")
#: the primary and the nested quotation marks of a language (CSL's open-quote / open-inner-quote)
_QUOTES = {"en-GB": ("‘", "’", "“", "”"), "en-US": ("“", "”", "‘", "’")}


def nested_quotes(fragment: str, locale: str) -> str:
    """Straight quotes in a title as the language's quotation marks, flipped inside the style's
    own quotes (CSL's rule: ``‘Interview ... as “servant to the community”’`` in British
    English; pandoc's citeproc does the same)."""
    open_, close, inner_open, inner_close = _QUOTES.get(locale, _QUOTES["en-GB"])

    def replace(match: re.Match[str]) -> str:
        before = fragment[: match.start()]
        opened = before.count(open_) > before.count(close + " ") + before.count(close + ",") + before.count(close + ".")
        return (inner_open + match.group(1) + inner_close) if opened else (open_ + match.group(1) + close)

    return _STRAIGHT_PAIR_RE.sub(replace, fragment)
