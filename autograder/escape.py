"""Make student-controlled text inert in every output a person reads.

A student controls exception messages, printed output, answers and file names. Written as is,
``<svg onload=...>`` runs in a Markdown or HTML viewer, ``\\x1b[1A\\x1b[2K`` rewrites the instructor's
terminal (a row can overwrite a classmate's), and U+202E reverses what follows it on screen.

- :func:`terminal`: one line (or several) of plain text for a terminal;
- :func:`markdown_text`: inline text inside a Markdown document (a table cell, a list item);
- :func:`html`: text inside an HTML page;
- :func:`sanitise_markdown_cell`: a student's own Markdown cell, kept as Markdown, its HTML made safe
  with nh3 (the Ammonia sanitiser) for viewers that render it with sanitising off (nbgrader's formgrader);
- :func:`sanitise_html`: an HTML output a student's code displayed, for the same viewers;
- :func:`spreadsheet_cell`: a CSV cell that a spreadsheet will not run as a formula.
"""
from __future__ import annotations

import html as _html
import re
import unicodedata

import nh3
from markupsafe import Markup

# Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width ones), line and
# paragraph separators, and lone surrogates (printing one raises UnicodeEncodeError).
UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shown(char: str) -> str:
    """An unsafe character as visible, inert text: ESC becomes \\x1b, U+202E becomes \\u202e."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _inert(text: str, keep: str) -> str:
    if text.isascii():  # the common case, at regex speed: only C0 controls and DEL can be unsafe
        return ASCII_CONTROL.sub(lambda m: m[0] if m[0] in keep else _shown(m[0]), text)
    return "".join(c if c in keep or unicodedata.category(c) not in UNSAFE_CATEGORIES else _shown(c)
                   for c in text)


def terminal(text: str, *, single_line: bool = True) -> str:
    """Plain text safe to print: no escape sequence, carriage return, backspace or bidi control gets through.

    With ``single_line`` (a table cell), line breaks and tabs become spaces; otherwise they are kept.
    """
    text = str(text)
    if single_line:
        text = re.sub(r"\r?\n|\t", " ", text)
        return _inert(text, "")
    return _inert(text.replace("\r\n", "\n"), "\n\t")


MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~$])")


def markdown_text(text: str) -> str:
    """Inline text in a Markdown document: it cannot open a tag, a link, an image, code or a table cell.

    HTML specials become entities; Markdown punctuation that could start markup gets a backslash.
    """
    text = MARKDOWN_SPECIALS.sub(r"\\\1", terminal(text))
    return _html.escape(text, quote=True)


def html(text: str) -> Markup:
    """Text (line breaks kept) inside an HTML page; Jinja's autoescape leaves the result alone."""
    return Markup(_html.escape(terminal(text, single_line=False), quote=True))


# ----------------------------------------------------------------------------- a student's Markdown cell

ALLOWED_SCHEMES = {"http", "https", "mailto", "attachment"}  # attachment: images pasted into the cell
# Regions the Markdown renderer shows literally or hands to MathJax: nh3 would read "$a<b$" as a tag.
LITERAL = re.compile(r"""
    ^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[^\n]*$|\Z)   # fenced code block
  | (?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)                                   # code span
  | \$\$.+?\$\$ | \$[^$\n]+\$                                                     # math
""", re.S | re.M | re.X)
TAG_START = re.compile(r"<(?=[A-Za-z!/?])")       # what the HTML tokenizer reads as the start of a tag
ESCAPED_BY_NH3 = re.compile(r"&(lt|gt|amp|nbsp);")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^\s<>]+)>")
LINK_TARGETS = (re.compile(r"(\]\(\s*)(<[^>\n]*>|[^\s)]*)"),                     # [text](target), ![alt](target)
                re.compile(r"(^[ ]{0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S*)", re.M))  # [label]: target
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def _safe_target(match: re.Match) -> str:
    """A Markdown link or image target with a javascript:, data:, vbscript: ... scheme points nowhere."""
    target = _html.unescape(match[2].strip("<>")).replace("\\", "")
    target = re.sub(r"[\x00-\x20]", "", target).lower()  # browsers ignore these inside a scheme
    scheme = SCHEME.match(target)
    if scheme and scheme[1] not in ALLOWED_SCHEMES:
        return match[1] + "#unsafe-link"
    return match[0]


def _clean_prose(text: str) -> str:
    text = AUTOLINK.sub(r"\1", text)  # <https://...> would read as a tag; the bare URL still links
    cleaned = nh3.clean(text, url_schemes=ALLOWED_SCHEMES)

    def unescape(match: re.Match) -> str:  # nh3 escapes Markdown's own > and &; only a tag-opening < matters
        if match[1] == "lt":
            after = cleaned[match.end():match.end() + 1]
            return "<" if after and not re.match(r"[A-Za-z!/?]", after) else "&lt;"
        return {"gt": ">", "amp": "&", "nbsp": "\xa0"}[match[1]]
    cleaned = ESCAPED_BY_NH3.sub(unescape, cleaned)
    for pattern in LINK_TARGETS:
        cleaned = pattern.sub(_safe_target, cleaned)
    return cleaned


def sanitise_markdown_cell(source: str) -> str:
    """The student's Markdown, still Markdown, with no live HTML: harmless tags (b, i, sub, img ...) stay;
    event handlers, scripts, styles and javascript: URLs go, in HTML and in Markdown links alike.

    Code and math keep their text, except that a ``<`` that could open a tag gets a space after it
    (TeX ignores it; in code it shows), so no region the renderer might read as HTML can hold a tag.
    """
    source = terminal(str(source), single_line=False)
    parts, last = [], 0
    for match in LITERAL.finditer(source):
        parts += [_clean_prose(source[last:match.start()]), TAG_START.sub("< ", match[0])]
        last = match.end()
    parts.append(_clean_prose(source[last:]))
    return "".join(parts)


def sanitise_html(fragment: str) -> str:
    """An HTML fragment a student's code displayed (a text/html output), with only harmless markup left."""
    return nh3.clean(terminal(str(fragment), single_line=False), url_schemes=ALLOWED_SCHEMES)


# ----------------------------------------------------------------------------- spreadsheets

def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (=HYPERLINK(...), +cmd, @SUM ...)."""
    text = terminal(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
