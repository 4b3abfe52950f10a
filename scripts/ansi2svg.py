#!/usr/bin/env python3
"""Turn a terminal capture with ANSI colours into an SVG "screenshot".

The input is what ``tmux capture-pane -p -e`` prints: one line of text per
screen row, with SGR escape sequences (``ESC [ ... m``) for colours and
attributes. The style state carries over from one line to the next, as tmux
writes it. The output is a standalone SVG that shows the screen on a dark
terminal background:

* one ``<rect>`` for each run of cells with a background colour (including the
  runs that reverse video gives one),
* one ``<text>`` per screen row, with one ``<tspan>`` per run of cells that
  share a style, each placed at its cell column (``x``) and stretched to its
  cell width (``textLength``), so columns stay aligned whatever monospace font
  the viewer has, and wide (CJK) characters take two cells as in the terminal.

Understood: the 8 and 16 ANSI colours, 256-colour indexes (``38;5;N``),
true colour (``38;2;R;G;B``, also with colons), default foreground and
background (39, 49), bold, dim, italic, underline (including ``4:N`` styles),
reverse, hidden and strike-through. Other escape sequences (cursor moves,
OSC strings such as hyperlinks) are skipped. Text is XML-escaped, and
characters that XML cannot carry are shown as U+FFFD.

Usage::

    ansi2svg.py [--cols N] [--rows N] [--title TEXT] [--text OUT.txt] IN.ansi OUT.svg

``IN`` and ``OUT`` may be ``-`` for stdin and stdout. ``--cols`` and
``--rows`` fix the screen size (a capture drops trailing blank cells and
lines); by default the size is the capture's. ``--text`` also writes the
plain text of the screen, trailing spaces removed.

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape, quoteattr

# --- Looks -----------------------------------------------------------------

FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"
FONT_SIZE = 14.0
CELL_WIDTH = 8.4     # 0.6 em, the advance of most monospace fonts
LINE_HEIGHT = 17.0
BASELINE = 13.0      # from the top of a row to the text baseline
PADDING = 12.0
DIM_OPACITY = "0.55"

BACKGROUND = "#1e1e1e"
FOREGROUND = "#cccccc"

# The 16 ANSI colours of a dark theme (VS Code's terminal palette).
ANSI_16 = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]


def colour_256(index: int) -> str:
    """The hex colour of xterm's 256-colour palette entry ``index``."""
    if index < 16:
        return ANSI_16[index]
    if index < 232:
        index -= 16
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = levels[index // 36], levels[(index // 6) % 6], levels[index % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    grey = 8 + 10 * (index - 232)
    return f"#{grey:02x}{grey:02x}{grey:02x}"


# --- Parsing ---------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    """The SGR state of a cell. Colours are hex strings, or None for the default."""

    fg: str | None = None
    bg: str | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False
    hidden: bool = False
    strike: bool = False


DEFAULT = Style()


@dataclass
class Cell:
    text: str          # the character, plus any combining marks after it
    width: int         # 1, or 2 for a wide character
    style: Style


def char_width(char: str) -> int:
    """Terminal cells taken by ``char``: 0 for combining marks, 2 for wide ones."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def extended_colour(params: list[list[int]], i: int) -> tuple[str | None, int]:
    """Reads ``38;5;N`` / ``38;2;R;G;B`` (or the ``38:5:N`` colon forms) at ``params[i]``.

    Returns the colour and the index of the last parameter used.
    """
    head = params[i]
    if len(head) > 1:  # colon form: everything is in one parameter
        sub = head[1:]
        if sub[0] == 5 and len(sub) >= 2:
            return colour_256(sub[1] % 256), i
        if sub[0] == 2 and len(sub) >= 4:
            r, g, b = sub[-3:]
            return f"#{r % 256:02x}{g % 256:02x}{b % 256:02x}", i
        return None, i
    if i + 1 < len(params) and params[i + 1][0] == 5 and i + 2 < len(params):
        return colour_256(params[i + 2][0] % 256), i + 2
    if i + 1 < len(params) and params[i + 1][0] == 2 and i + 4 < len(params):
        r, g, b = (params[i + k][0] % 256 for k in (2, 3, 4))
        return f"#{r:02x}{g:02x}{b:02x}", i + 4
    return None, i


def apply_sgr(style: Style, text: str) -> Style:
    """The style after the SGR sequence whose parameters are ``text`` (e.g. ``0;1;38;5;208``)."""
    params = [[int(n) if n.isdigit() else 0 for n in part.split(":")] for part in (text or "0").split(";")]
    i = 0
    while i < len(params):
        code = params[i][0]
        if code == 0:
            style = DEFAULT
        elif code == 1:
            style = replace(style, bold=True)
        elif code == 2:
            style = replace(style, dim=True)
        elif code == 3:
            style = replace(style, italic=True)
        elif code == 4:
            # 4:0 turns underline off; 4, 4:1 ... 4:5 are underline styles.
            style = replace(style, underline=not (len(params[i]) > 1 and params[i][1] == 0))
        elif code == 7:
            style = replace(style, reverse=True)
        elif code == 8:
            style = replace(style, hidden=True)
        elif code == 9:
            style = replace(style, strike=True)
        elif code == 21:
            style = replace(style, underline=True)  # double underline
        elif code == 22:
            style = replace(style, bold=False, dim=False)
        elif code == 23:
            style = replace(style, italic=False)
        elif code == 24:
            style = replace(style, underline=False)
        elif code == 27:
            style = replace(style, reverse=False)
        elif code == 28:
            style = replace(style, hidden=False)
        elif code == 29:
            style = replace(style, strike=False)
        elif 30 <= code <= 37:
            style = replace(style, fg=ANSI_16[code - 30])
        elif code == 38:
            colour, i = extended_colour(params, i)
            style = replace(style, fg=colour) if colour else style
        elif code == 39:
            style = replace(style, fg=None)
        elif 40 <= code <= 47:
            style = replace(style, bg=ANSI_16[code - 40])
        elif code == 48:
            colour, i = extended_colour(params, i)
            style = replace(style, bg=colour) if colour else style
        elif code == 49:
            style = replace(style, bg=None)
        elif 90 <= code <= 97:
            style = replace(style, fg=ANSI_16[code - 90 + 8])
        elif 100 <= code <= 107:
            style = replace(style, bg=ANSI_16[code - 100 + 8])
        i += 1
    return style


# CSI ... final byte; OSC/DCS/APC/PM/SOS strings up to BEL or ST; any other ESC pair.
ESCAPE = re.compile(
    r"\x1b\[([0-?]*)[ -/]*([@-~])"
    r"|\x1b[\]P^_X].*?(?:\x07|\x1b\\|$)"
    r"|\x1b[@-Z\\-_]?",
    re.DOTALL,
)


def parse(text: str) -> list[list[Cell]]:
    """Splits a capture into rows of cells, carrying the style across lines."""
    rows: list[list[Cell]] = []
    style = DEFAULT
    for line in text.split("\n"):
        row: list[Cell] = []
        position = 0
        for match in ESCAPE.finditer(line):
            add_text(row, line[position:match.start()], style)
            if match.group(2) == "m":
                style = apply_sgr(style, match.group(1))
            position = match.end()
        add_text(row, line[position:], style)
        rows.append(row)
    if rows and not rows[-1]:
        rows.pop()  # the newline that ends the last line
    return rows


def add_text(row: list[Cell], text: str, style: Style) -> None:
    for char in text:
        if char == "\r" or (ord(char) < 0x20 and char != "\t") or 0x7F <= ord(char) < 0xA0:
            continue
        if char == "\t":
            for _ in range(8 - len(row) % 8):
                row.append(Cell(" ", 1, style))
            continue
        width = char_width(char)
        if width == 0:
            if row:
                row[-1].text += char
            continue
        row.append(Cell(char, width, style))


# --- Rendering -------------------------------------------------------------

def xml_safe(text: str) -> str:
    """``text`` with characters XML 1.0 cannot hold replaced by U+FFFD, then escaped."""
    def allowed(char: str) -> bool:
        code = ord(char)
        return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF
                or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF)
    return escape("".join(c if allowed(c) else "\ufffd" for c in text))


def colours(style: Style) -> tuple[str, str | None]:
    """The text colour and the background colour (None: the terminal's) of ``style``."""
    fg, bg = style.fg or FOREGROUND, style.bg
    if style.reverse:
        fg, bg = style.bg or BACKGROUND, style.fg or FOREGROUND
    return fg, bg


def runs(row: list[Cell]) -> list[tuple[int, list[Cell]]]:
    """Consecutive cells with the same style, as (first column, cells).

    A wide character is a run of its own, so every run after it starts at an
    exact cell position even if the font's wide glyphs are not two cells wide.
    """
    result: list[tuple[int, list[Cell]]] = []
    column = 0
    for cell in row:
        last = result[-1][1] if result else None
        if last and last[-1].style == cell.style and last[-1].width == 1 and cell.width == 1:
            last.append(cell)
        else:
            result.append((column, [cell]))
        column += cell.width
    return result


def render_svg(rows: list[list[Cell]], cols: int, height: int, title: str) -> str:
    width_px = 2 * PADDING + cols * CELL_WIDTH
    height_px = 2 * PADDING + height * LINE_HEIGHT
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px:g}" height="{height_px:g}" '
        f'viewBox="0 0 {width_px:g} {height_px:g}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{xml_safe(title)}</title>",
        f'<rect width="100%" height="100%" rx="6" fill="{BACKGROUND}"/>',
    ]

    backgrounds = ['<g shape-rendering="crispEdges">']
    texts = [f'<g font-family="{FONT_FAMILY}" font-size="{FONT_SIZE:g}" fill="{FOREGROUND}" '
             'xml:space="preserve" style="white-space: pre">']
    for y, row in enumerate(rows[:height]):
        top = PADDING + y * LINE_HEIGHT
        spans = []
        for column, cells in runs(row):
            if column >= cols:
                break
            style = cells[0].style
            fg, bg = colours(style)
            span_cells = min(sum(c.width for c in cells), cols - column)
            x = PADDING + column * CELL_WIDTH
            if bg is not None:
                backgrounds.append(
                    f'<rect x="{x:g}" y="{top:g}" width="{span_cells * CELL_WIDTH:g}" '
                    f'height="{LINE_HEIGHT:g}" fill="{bg}"/>')
            decorated = style.underline or style.strike
            inked = [i for i, c in enumerate(cells) if c.text.strip()]
            if style.hidden or not (inked or decorated):
                continue
            if not decorated:
                # Leading and trailing blanks draw nothing: leave them out.
                column += sum(c.width for c in cells[:inked[0]])
                cells = cells[inked[0]:inked[-1] + 1]
                span_cells = sum(c.width for c in cells)
                x = PADDING + column * CELL_WIDTH
            text = "".join(c.text for c in cells)
            attributes = [f'x="{x:g}"', f'textLength="{span_cells * CELL_WIDTH:g}"']
            if fg != FOREGROUND:
                attributes.append(f'fill="{fg}"')
            if style.bold:
                attributes.append('font-weight="bold"')
            if style.italic:
                attributes.append('font-style="italic"')
            if style.dim:
                attributes.append(f'fill-opacity="{DIM_OPACITY}"')
            decorations = [name for name, on in (("underline", style.underline), ("line-through", style.strike)) if on]
            if decorations:
                attributes.append(f'text-decoration="{" ".join(decorations)}"')
            spans.append(f"<tspan {' '.join(attributes)}>{xml_safe(text)}</tspan>")
        if spans:
            texts.append(f'<text y="{top + BASELINE:g}">' + "".join(spans) + "</text>")
    backgrounds.append("</g>")
    texts.append("</g>")
    out += backgrounds + texts + ["</svg>", ""]
    return "\n".join(out)


def plain_text(rows: list[list[Cell]], height: int) -> str:
    lines = ["".join(c.text for c in row).rstrip() for row in rows[:height]]
    lines += [""] * (height - len(lines))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="ANSI capture, or - for stdin")
    parser.add_argument("output", help="SVG file to write, or - for stdout")
    parser.add_argument("--cols", type=int, help="screen width in cells (default: the widest line)")
    parser.add_argument("--rows", type=int, help="screen height in rows (default: the number of lines)")
    parser.add_argument("--title", default="terminal", help="the SVG's title (for screen readers)")
    parser.add_argument("--text", metavar="FILE", help="also write the screen as plain text")
    args = parser.parse_args(argv)

    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.input, "rb") as handle:
            data = handle.read()
    rows = parse(data.decode("utf-8", errors="replace"))
    cols = args.cols or max((sum(c.width for c in row) for row in rows), default=1)
    height = args.rows or max(len(rows), 1)

    svg = render_svg(rows, cols, height, args.title)
    if args.output == "-":
        sys.stdout.write(svg)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(svg)
    if args.text:
        with open(args.text, "w", encoding="utf-8") as handle:
            handle.write(plain_text(rows, height))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
