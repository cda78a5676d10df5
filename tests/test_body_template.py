"""Rendered bodies with holes: splitting at holes and filling them."""

import orjson

from mockserver.body_template import BodyTemplate, hole


def render(data: object) -> BodyTemplate:
    return BodyTemplate(orjson.dumps(data))


def test_holes_found_in_order() -> None:
    template = render({"b": hole("second"), "a": [hole("first_1"), 3]})

    assert template.holes == ("second", "first_1")
    assert len(template.chunks) == 3


def test_fill_all_gives_json() -> None:
    template = render({"number": hole("number"), "count": hole("count")})

    (body,) = template.fill({"number": b'"MSKU7868382"', "count": b"4"})

    assert orjson.loads(body) == {"number": "MSKU7868382", "count": 4}


def test_fill_splits_at_open_holes() -> None:
    template = render([hole("a"), hole("b"), hole("c"), "end"])

    parts = template.fill({"b": b"2"})

    assert parts == [b"[", b",2,", b',"end"]']


def test_lookalike_text_is_not_hole() -> None:
    template = render({"name": "@@updated_at@@", "other": ":updated_at"})

    assert template.holes == ()
    assert template.fill({}) == [
        orjson.dumps({"name": "@@updated_at@@", "other": ":updated_at"})
    ]


def test_size_counts_rendered_bytes() -> None:
    body = orjson.dumps({"a": hole("a")})

    assert BodyTemplate(body).size == len(body)
