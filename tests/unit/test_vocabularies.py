"""Each controlled vocabulary is written once, in warehouse/vocabularies.py: the register
templates validate against those tuples, and no other module keeps its own copy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from data_pipeline.registers.spec import REGISTERS
from warehouse import vocabularies

ROOT = Path(__file__).resolve().parents[2]
VOCABULARIES = {
    name: value
    for name, value in vars(vocabularies).items()
    if name.isupper() and isinstance(value, tuple) and len(value) > 1
}


def test_every_register_vocabulary_is_one_of_the_warehouse_vocabularies() -> None:
    used = [field.vocabulary for register in REGISTERS for field in register.fields]
    assert [v for v in used if v and not any(v is w for w in VOCABULARIES.values())] == []


def _string_sequences(tree: ast.AST) -> list[tuple[int, frozenset[str]]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 1:
            items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(items) == len(node.elts) and all(isinstance(i, str) for i in items):
                found.append((node.lineno, frozenset(items)))
    return found


def _copies(path: Path) -> list[tuple[int, str]]:
    wanted = {frozenset(v): name for name, v in VOCABULARIES.items()}
    return [
        (line, wanted[values])
        for line, values in _string_sequences(ast.parse(path.read_text(encoding="utf-8")))
        if values in wanted
    ]


@pytest.mark.parametrize(
    "folder", ["warehouse", "data_pipeline", "callbacks", "components", "web", "pages"]
)
def test_no_module_repeats_a_vocabulary(folder: str) -> None:
    copies = [
        f"{path.relative_to(ROOT)}:{line} repeats {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != "warehouse/vocabularies.py"
        and "migrations" not in path.parts
        for line, name in _copies(path)
    ]
    assert copies == [], "import it from warehouse.vocabularies:\n" + "\n".join(copies)
