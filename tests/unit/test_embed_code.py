"""The embed builder's code: the chart's address with the page's filters and colours, written
as an iframe whose attributes are escaped."""

from __future__ import annotations

from callbacks.embed_dialog import embed_url, iframe_code


def test_the_embed_address_carries_the_filters_as_the_page_writes_them() -> None:
    values = {"fy_from": "2021/22", "funder": ["A", "B"], "ward": [], "q": None}
    assert embed_url("https://obs.example/", "funding-flow", values, "light") == (
        "https://obs.example/embed/funding-flow?fy_from=2021/22&funder=A,B"
    )


def test_dark_colours_are_a_parameter_and_no_filters_no_query() -> None:
    assert embed_url("http://h", "x", None, "dark") == "http://h/embed/x?theme=dark"
    assert embed_url("http://h", "x", {}, "light") == "http://h/embed/x"


def test_the_iframe_escapes_what_it_writes() -> None:
    code = iframe_code('http://h/embed/x?a=1&b="2"', "P&C <research>", "100%", "640")
    assert code == (
        '<iframe src="http://h/embed/x?a=1&amp;b=&#34;2&#34;" title="P&amp;C &lt;research&gt;" '
        'width="100%" height="640" style="border:0" loading="lazy"></iframe>'
    )
