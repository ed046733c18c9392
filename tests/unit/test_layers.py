"""Layer rules that import-linter cannot express: nothing imports app.py; pages don't query."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["warehouse", "data_pipeline", "figures", "components", "pages", "callbacks", "tests"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_imports_the_app_module() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "app" in _imported_modules(path) and "e2e" not in path.parts
    ]
    assert offenders == []


def test_page_layouts_take_every_query_argument_with_a_default() -> None:
    for path in (ROOT / "pages").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        layouts = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "layout"]
        if path.name == "__init__.py":
            continue
        assert layouts, f"{path.name} has no layout()"
        arguments = layouts[0].args
        assert len(arguments.defaults) == len(arguments.args), f"{path.name}: undefaulted args"
