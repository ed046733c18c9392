"""Ranked bars in sections: what a flow chart (a Sankey) becomes on a phone.

A Sankey needs room for three columns of labels; at 375 px its nodes crowd together and their
labels run off the screen. The same totals, read one column at a time as bars ranked largest
first, fit the width: each bar's name and amount are written above it on a line of their own,
wrapped, so no label competes with a bar for width. Pure: lists in, a figure out.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.style import PALETTE, apply_style

# Characters on a label's line: 12 px system-ui is about 7 px a character, and 375 px leaves
# about 320 px for the chart inside a card.
LINE_LENGTH = 44
SHOWN_PER_SECTION = 6
BAR_ROW_PX = 30  # one bar and the gap under it
LINE_PX = 16  # one line of a label
TITLE_PX = 34  # a section's heading and the room above it


@dataclass(frozen=True)
class RankedSection:
    """One column of a flow: its heading, and its names with their values, largest first."""

    title: str
    names: list[str]
    values: list[float]
    shown: list[str]  # each value as the label writes it (£1.23m, 14 citations)
    colours: list[str] | None = None
    # The name of the lump of everything not named ("Other projects"): written, not drawn, since
    # a bar for many things together would dwarf the named ones it is not comparable with.
    other: str | None = None


def top_and_other(
    totals: dict[str, float], other_name: str, shown: int = SHOWN_PER_SECTION
) -> tuple[list[str], list[float]]:
    """The ``shown`` largest names, the rest added up under ``other_name`` (last, whatever its
    size, since it is not one of them)."""
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    named = [(n, v) for n, v in ranked if n != other_name]
    rest = sum(v for n, v in ranked if n == other_name)
    if len(named) > shown:
        rest += sum(v for _, v in named[shown - 1 :])
        named = named[: shown - 1]
    pairs = named + ([(other_name, rest)] if rest else [])
    return [n for n, _ in pairs], [v for _, v in pairs]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, LINE_LENGTH, break_long_words=True) or [""]


def ranked_sections_figure(sections: list[RankedSection], theme: str) -> go.Figure:
    """One panel per section, its bars ranked largest first, each with its wrapped name and
    value written above it. Bars in one section share a scale; sections do not, since each
    column of a flow adds up to its own total."""
    sections = [s for s in sections if s.names]
    if not sections:
        return apply_style(go.Figure(), theme)
    # Each bar takes the room of its label's lines above it and of the bar itself.
    labels = [
        [_wrapped(f"{name} · {shown}") for name, shown in zip(s.names, s.shown, strict=True)]
        for s in sections
    ]
    lumps = [[name == s.other for name in s.names] for s in sections]
    units = [
        [
            len(lines) * LINE_PX + (LINE_PX // 2 if lump else BAR_ROW_PX)
            for lines, lump in zip(section, lumped, strict=True)
        ]
        for section, lumped in zip(labels, lumps, strict=True)
    ]
    heights = [sum(section) for section in units]
    total = sum(heights) + TITLE_PX * len(sections)
    figure = make_subplots(
        rows=len(sections),
        cols=1,
        row_heights=[h / sum(heights) for h in heights],
        vertical_spacing=TITLE_PX / total,
        subplot_titles=[s.title for s in sections],
    )
    panels = zip(sections, labels, units, lumps, strict=True)
    for row, (section, lines, rooms, lumped) in enumerate(panels, 1):
        # y counts pixels down from the top of the panel, so a bar sits under its label.
        tops = [sum(rooms[:i]) for i in range(len(rooms))]
        centres = [
            top + len(text) * LINE_PX + BAR_ROW_PX * 0.35
            for top, text in zip(tops, lines, strict=True)
        ]
        colours = section.colours or [PALETTE[(row - 1) % len(PALETTE)]] * len(section.names)
        drawn = [i for i, lump in enumerate(lumped) if not lump]
        figure.add_bar(
            x=[section.values[i] for i in drawn],
            y=[centres[i] for i in drawn],
            width=BAR_ROW_PX * 0.5,
            orientation="h",
            marker_color=[colours[i] for i in drawn],
            customdata=[section.shown[i] for i in drawn],
            text=[section.names[i] for i in drawn],
            hovertemplate="%{text}: %{customdata}<extra></extra>",
            textposition="none",
            showlegend=False,
            row=row,
            col=1,
        )
        axis = "" if row == 1 else str(row)
        for top, text, lump in zip(tops, lines, lumped, strict=True):
            written = "<br>".join(escape(line, quote=False) for line in text)
            figure.add_annotation(
                text=f"<i>{written}</i>" if lump else written,
                xref=f"x{axis} domain",
                yref=f"y{axis}",
                x=0,
                y=top,
                xanchor="left",
                yanchor="top",
                align="left",
                showarrow=False,
                font={"size": 12},
            )
        figure.update_yaxes(
            range=[heights[row - 1], 0], visible=False, fixedrange=True, row=row, col=1
        )
        figure.update_xaxes(
            range=[0, max([section.values[i] for i in drawn], default=0) * 1.02 or 1],
            visible=False,
            fixedrange=True,
            row=row,
            col=1,
        )
    # Section headings sit at the left edge, like the card's own headings.
    titles = {s.title for s in sections}
    for annotation in figure.layout.annotations:
        if annotation.text in titles:
            annotation.update(x=0, xanchor="left", font={"size": 14})
    apply_style(figure, theme, height=int(total) + 20)
    figure.update_layout(margin={"l": 4, "r": 4, "t": 30, "b": 4}, bargap=0)
    return figure
