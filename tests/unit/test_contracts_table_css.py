"""On a phone the contracts table stacks each contract into a block and names each value by
its column from the stylesheet (assets/commissioning.css), since the header row is no longer
above the cells; those names must be the table's own, in its order."""

from __future__ import annotations

import re
from pathlib import Path

from components.views.contracts_table import COLUMNS

STYLESHEET = Path(__file__).resolve().parents[2] / "assets" / "commissioning.css"


def test_the_phone_layout_names_every_column_but_the_title_as_the_table_does() -> None:
    named = {
        int(position): label
        for position, label in re.findall(
            r'\.contracts-table td:nth-child\((\d+)\)::before \{ content: "([^"]+): "; \}',
            STYLESHEET.read_text(encoding="utf-8"),
        )
    }
    # The first cell is the commission's title, which names itself.
    assert named == {position: c.label for position, c in enumerate(COLUMNS, 1) if position > 1}
