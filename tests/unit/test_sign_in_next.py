"""Where sign-in sends the browser next: hostile ``next`` values that a browser would read as
another site (tabs and line breaks it drops, backslashes it takes for slashes, control
characters) go to ``/``; a path on this site is kept, normalised."""

from __future__ import annotations

import pytest

from web.auth import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\x00/evil.example",
        "\t//evil.example",
        " //evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\\/evil.example",
        "HTTPS://evil.example/",
        "https:/evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
    ],
)
def test_a_target_a_browser_reads_as_another_site_goes_home(target: str) -> None:
    assert safe_next(target) == "/"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/funding\n", "/funding"),
        ("\t/funding?fy_from=2022", "/funding?fy_from=2022"),
        ("/fund\ting", "/funding"),
        ("/research?q=a\\b", "/research?q=a\\b"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),  # a path on this site
    ],
)
def test_a_path_on_this_site_is_kept_without_control_characters(target: str, expected: str) -> None:
    assert safe_next(target) == expected
