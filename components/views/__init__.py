"""Views: the pieces of one page each. They may use the kit in ``components``; the kit never
uses them (an import-linter contract in pyproject.toml).
"""
