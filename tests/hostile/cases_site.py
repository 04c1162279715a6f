"""Hostile cases of class "site content": what would run, load or hide on the website.

An entry body is Markdown only (``indexer/corpus/html_rules.py``): raw HTML, links with a scheme that
runs or embeds (``javascript:``, ``data:``...), images from another host, attribute lists setting
anything but ids and classes, and snippet includes are errors of ``kb check`` at their line,
and so of ``mkdocs build --strict`` (the plugin runs the same check). Text in front matter is
not an error: it is escaped where it is shown (checked by ``tests/site/test_hostile_browser.py`` and ``tests/site/test_hostile_fixture.py``).
"""

from __future__ import annotations

from harness import FINDING, Case

CHECK = ["check", "--no-notes", "--root", "{root}"]
KLASS = "site content"
LAST = "benefits too [see @gasper2010what; @mcinnes2007practitioners]."
RAW = "is not allowed in an entry body (write Markdown; \\< for a literal <)"
OK = "0 errors, 1 note (3 entries, 5 references)"


def _after_body(id: str, text: str, message: str, exit_code: int = 1, line: int = 18) -> Case:
    """``text`` appended to the finding's body as a new paragraph, which starts at line 18."""
    return Case(
        id=id,
        klass=KLASS,
        command=CHECK,
        exit_code=exit_code,
        edits=[(FINDING, LAST, f"{LAST}\n\n{text}")],
        message=message if exit_code == 0 else f"{FINDING}:{line}: {message}",
    )


def _raw(id: str, text: str, shown: str) -> Case:
    return _after_body(id, text, f"raw HTML {shown} {RAW}")


CASES = [
    _raw("html-script", "<script>alert(1)</script>", "<script>"),
    _raw("html-script-closing-tag", "<script>alert(1)</script>", "</script>"),
    _raw("html-script-uppercase", "<SCRIPT SRC=//other.host/x.js></SCRIPT>", "<SCRIPT>"),
    _raw("html-iframe", '<iframe src="https://other.host/"></iframe>', "<iframe>"),
    _raw("html-style", "<style>body { display: none }</style>", "<style>"),
    _raw("html-embed", '<embed src="https://other.host/x.swf">', "<embed>"),
    _raw("html-svg-onload", "<svg onload=alert(1)>", "<svg>"),
    _raw("html-div-markdown", '<div markdown="1">Boxed text.</div>', "<div>"),
    _raw("html-closing-tag-alone", "</div>", "</div>"),
    _raw("html-tag-over-lines", "<img\nsrc=x\nonerror=alert(1)>", "<img>"),
    _raw("html-tag-unclosed", "A picture <img src=x onerror=alert(1)", "<img>"),
    _raw("html-doctype", "<!DOCTYPE html>", "<!DOCTYPE>"),
    _raw("html-processing-instruction", "<?php echo 1; ?>", "<?php>"),
    _raw("html-cdata", "<![CDATA[ x ]]>", "<![CDATA["),
    _raw("html-innocent-angle-brackets", "Co-location for children <under five> & families.", "<under>"),
    Case(
        id="html-img-onerror-inline",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, "makes informal", "makes <img src=x onerror=alert(1)> informal")],
        message=f"{FINDING}:14: raw HTML <img> {RAW}",
    ),
    _after_body(
        "html-comment-unterminated",
        "<!-- the rest is hidden",
        "unterminated HTML comment (<!-- without -->) would hide the rest of the page",
    ),
    _after_body(
        "html-comment-reserved-marker",
        "<!-- kb-source: corpus/other.md:1 -->",
        "comment <!-- kb-source: --> is reserved for the site's renderers",
    ),
    _after_body(
        "link-javascript",
        "[click here](javascript:alert(1))",
        "link with a javascript: URL: javascript:alert(1) (links may be http, https, mailto or relative)",
    ),
    _after_body(
        "link-javascript-entity-and-case",
        "[click here](JaVaScRiPt&#58;alert(1))",
        "link with a javascript: URL: JaVaScRiPt&#58;alert(1) (links may be http, https, mailto or relative)",
    ),
    _after_body(
        "link-javascript-tab-entity",
        "[click here](java&#9;script:alert(1))",
        "link with a javascript: URL: java&#9;script:alert(1) (links may be http, https, mailto or relative)",
    ),
    _after_body(
        "link-data-url",
        "[open](data:text/html;base64,PHNjcmlwdD4=)",
        "link with a data: URL: data:text/html;base64,PHNjcmlwdD4= (links may be http, https, mailto or relative)",
    ),
    _after_body(
        "link-vbscript",
        "[open](vbscript:msgbox(1))",
        "link with a vbscript: URL: vbscript:msgbox(1) (links may be http, https, mailto or relative)",
    ),
    Case(
        id="link-reference-definition-javascript",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, LAST, f"{LAST} See [the act][act].\n\n[act]: javascript:alert(1)")],
        message=f"{FINDING}:18: link with a javascript: URL: javascript:alert(1) "
        "(links may be http, https, mailto or relative)",
    ),
    _after_body(
        "image-other-host",
        "![chart](https://other.host/chart.png)",
        "image from another host: https://other.host/chart.png (the site makes no request to another host)",
    ),
    _after_body(
        "image-protocol-relative",
        "![chart](//other.host/chart.png)",
        "image from another host: //other.host/chart.png (the site makes no request to another host)",
    ),
    _after_body(
        "image-inside-link",
        "[![chart](https://other.host/chart.png)](https://example.org/)",
        "image from another host: https://other.host/chart.png (the site makes no request to another host)",
    ),
    _after_body(
        "image-by-reference",
        "![chart][c]\n\n[c]: https://other.host/c.png",
        "image from another host: https://other.host/c.png (the site makes no request to another host)",
    ),
    _after_body(
        "image-data-url",
        "![chart](data:image/svg+xml;base64,PHN2Zz4=)",
        "image with a data: URL: data:image/svg+xml;base64,PHN2Zz4= (images must be files of the site)",
    ),
    _after_body(
        "attribute-list-onclick",
        'Click this paragraph.\n{: onclick="alert(1)" }',
        "attribute list sets 'onclick': only #id and .class are allowed",
        line=19,
    ),
    _after_body(
        "attribute-list-style",
        "[a link](https://example.org/){: style=\"position:fixed;inset:0\" }",
        "attribute list sets 'style': only #id and .class are allowed",
    ),
    _after_body(
        "link-title-entity",
        '[the act](https://example.org/ "&lt;img src=x onerror=alert(1)&gt;")',
        "link title with an HTML entity (&lt;): write the character itself",
    ),
    Case(
        id="link-reference-definition-title-entity",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, LAST, f'{LAST} See [the act][act].\n\n[act]: https://example.org/ "&#60;b&#62;"')],
        message=f"{FINDING}:18: link title with an HTML entity (&#60;): write the character itself",
    ),
    _after_body(
        "abbreviation-definition-in-body",
        "*[LP]: &lt;img src=x onerror=alert(1)&gt;",
        "abbreviation definition in an entry body: abbreviations come from the glossary",
    ),
    _after_body(
        "snippet-include",
        '--8<-- "mkdocs.yml"',
        "snippet include (--8<--) is not allowed in an entry body",
    ),
    # what stays allowed: links to sources on other hosts, mailto, markup shown as code, \<
    _after_body(
        "allowed-link-to-another-host",
        "The act is online [@gasper2010what]; see [the text](https://www.legislation.gov.uk/ukpga/1989/41).",
        OK,
        exit_code=0,
    ),
    _after_body(
        "allowed-code-and-escaped-angle",
        "Write `<script>` in code, \\<under five\\> escaped, and [mail](mailto:editors@example.org).",
        OK,
        exit_code=0,
    ),
    Case(
        id="allowed-markup-in-title-is-text",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        edits=[(FINDING, "title: What co-location achieves", "title: 'Co-location <img src=x onerror=alert(1)> & \"you\"'")],
        message=OK,
    ),
]
