"""Student text is inert in every output a person reads: terminal, Markdown, HTML, a Markdown cell.

The payloads are what a hostile class sends: tags with event handlers, a javascript: link, escape
sequences that move the cursor and clear a line, a carriage return, a right-to-left override.
Each output is rendered the way its reader renders it (report.md and Markdown cells with the Markdown
renderer nbconvert and the formgrader use, sanitising off) and searched for anything live.
"""
from __future__ import annotations

import json
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from autograder import escape
from autograder.feedback import write_feedback
from autograder.report import summary_text, write_report

from .test_feedback_report import ASSIGNMENT, NOTEBOOK, SOURCE, STUDENTS, _graded_notebook, _ledger

PAYLOADS = ["<svg onload=alert(1)>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "\x1b[2K\x1b[1A", "\r", "\u202e"]
HOSTILE = "evil " + " ".join(PAYLOADS[3:] + PAYLOADS[:3]) + " end"   # controls first: reports cut long messages
ACTIVE_TAGS = {"script", "svg", "math", "iframe", "object", "embed", "form", "base", "meta", "link"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


class _LiveParts(HTMLParser):
    """Collects what a browser would run: active tags, on* handlers, script URLs."""

    def __init__(self):
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.live.append(f"<{tag}>")
        for name, value in attrs:
            target = "".join((value or "").split()).lower()
            if name.startswith("on") or target.startswith(UNSAFE_SCHEMES):
                self.live.append(f"<{tag} {name}={value}>")


def live_html(page: str) -> list[str]:
    parser = _LiveParts()
    parser.feed(page)
    return parser.live


def raw_controls(text: str, keep: str = "\n") -> list[str]:
    """Control, bidi and other format characters left in an output (what rewrites a terminal or a line)."""
    return sorted({repr(c) for c in text if c not in keep and unicodedata.category(c) in escape.UNSAFE_CATEGORIES})


# ----------------------------------------------------------------------------- the functions


@pytest.mark.parametrize("payload", PAYLOADS)
def test_terminal_text_has_no_control_characters_and_stays_readable(payload):
    out = escape.terminal(f"ada {payload} ok\nnext line")
    assert not raw_controls(out, keep="") and "\n" not in out
    assert out.startswith("ada ") and out.endswith(" ok next line")
    assert raw_controls(escape.terminal(payload + "\nline", single_line=False)) == []
    assert "\\x1b[2K" in escape.terminal("\x1b[2K") and "\\u202e" in escape.terminal("\u202e")


def test_a_lone_surrogate_prints_without_crashing():
    assert escape.terminal("a\ud800b").encode("utf-8") == b"a\\ud800b"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_text_renders_as_text(payload):
    text = escape.markdown_text(f"got {payload} from n_samples * 2 | `x`")
    rendered = markdown2html_mistune(f"| a | b |\n|---|---|\n| 1 | {text} |")
    assert live_html(rendered) == [] and "<a " not in rendered and not raw_controls(rendered)
    assert rendered.count("<td>") == 2          # the | inside did not open a new cell
    assert "n_samples * 2" in rendered          # and the text reads as written


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_holds_no_tags(payload):
    out = str(escape.html(f"{payload}\nsecond line"))
    assert "<" not in out and live_html(out) == [] and not raw_controls(out) and "\nsecond line" in out


def test_a_markdown_answer_keeps_its_markdown_and_loses_its_live_html():
    answer = ("# My answer\n\nThe loss is **convex** <b>so</b> $a<b$ and x < y & z; H<sub>2</sub>O.\n\n"
              "> a quote\n\n```python\nif a<b: print('<img src=x onerror=alert(1)>')\n```\n\n"
              "See [the docs](https://numpy.org) and ![plot](attachment:plot.png).\n\n" + "\n\n".join(PAYLOADS) +
              "\n\n<a href=\"javascript:alert(1)\">click</a> <details><summary>more</summary>text</details>"
              "\n\n[ref]: javascript:alert(1)\n[j](JaVaScRiPt&#58;alert(1)) <script>alert(1)</script>")
    clean = escape.sanitise_markdown_cell(answer)
    rendered = markdown2html_mistune(clean.replace("attachment:", ""))  # (this renderer wants the real file)
    assert live_html(rendered) == [], clean
    assert not raw_controls(clean, keep="\n") and "<script" not in clean
    for kept in ("# My answer", "**convex**", "<b>so</b>", "$a< b$", "x < y & z", "H<sub>2</sub>O", "> a quote",
                 "```python", "[the docs](https://numpy.org)", "![plot](attachment:plot.png)",
                 "<details><summary>more</summary>text</details>"):
        assert kept in clean, kept


# ----------------------------------------------------------------------------- the outputs

EVE = "eve\x1b[2K\u202e<svg onload=alert(1)>"   # a folder name may hold all of it


@pytest.fixture
def hostile_course(tmp_path: Path) -> Path:
    """The feedback tests' course, plus a student whose every string is hostile."""
    source = tmp_path / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=SOURCE), source / NOTEBOOK)
    eve = {**STUDENTS["cy"], "answers": {**STUDENTS["cy"]["answers"], "double": f"def double(x):  # {HOSTILE}",
                                         "explain": HOSTILE},
           "failed": {**STUDENTS["cy"]["failed"], "double_public": f"double(2) raised ValueError: {HOSTILE}",
                      "checkpoint_q1_test": f"q1_answer {HOSTILE!r} is not the right choice."},
           "error": ("halve", "ValueError", HOSTILE), "notes": [f"the notebook printed {HOSTILE}"]}
    for name, student in {"ada": STUDENTS["ada"], EVE: eve, "=HYPERLINK(\"x\")": STUDENTS["ada"]}.items():
        folder = tmp_path / "autograded" / name / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(_graded_notebook(student), folder / NOTEBOOK)
        (folder / ".autograder.json").write_text(json.dumps(_ledger(student)))
    return tmp_path


def test_feedback_pages_show_hostile_text_inertly(hostile_course):
    pages = {p.stem: p.read_text() for p in write_feedback(hostile_course, ASSIGNMENT)}
    page = pages[EVE]
    assert live_html(page) == live_html(pages["ada"]) == ["<meta>", "<meta>"]   # the page's own, nothing more
    assert not raw_controls(page)
    assert "&lt;svg onload=alert(1)&gt;" in page and "\\x1b[2K" in page and "\\u202e" in page  # shown, not run


def test_the_class_report_and_summary_show_hostile_text_inertly(hostile_course):
    report = write_report(hostile_course, ASSIGNMENT)
    markdown = report.markdown.read_text()
    assert HOSTILE[:20] not in markdown and "evil" in markdown
    assert live_html(markdown2html_mistune(markdown)) == [] and not raw_controls(markdown)
    summary = summary_text(report)
    assert not raw_controls(summary) and "\\x1b[" in summary
    assert "'=HYPERLINK" in report.csv.read_text()                     # not a formula in a spreadsheet


def test_an_html_output_keeps_harmless_markup_only():
    out = escape.sanitise_html("<table><tr><td><b>0.5</b></td></tr></table>" + "".join(PAYLOADS[:2]) +
                               '<a href="javascript:alert(1)">x</a><script>alert(1)</script><style>*{}</style>')
    assert live_html(out) == [] and "<td><b>0.5</b></td>" in out and "alert" not in out and "<style" not in out
