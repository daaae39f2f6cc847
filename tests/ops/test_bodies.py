"""Request bodies at the boundary: counted while decoded, numbers finite, text valid."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.bodies import (
    BodyError,
    SafeJSONResponse,
    TooManyItems,
    bad_text,
    clean_item,
    decode_object,
    scrub,
)

finite = st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values, max_size=5), st.integers(0, 3))
def test_decodes_what_json_decodes(obj, indent):
    raw = json.dumps(obj, indent=indent or None).encode()
    assert decode_object(raw) == json.loads(raw)


@given(st.lists(json_values, max_size=8), st.integers(0, 8))
def test_counted_list_is_refused_exactly_past_the_limit(items, limit):
    raw = json.dumps({"head": 1, "items": items, "tail": [1, 2]}).encode()
    if len(items) > limit:
        with pytest.raises(TooManyItems):
            decode_object(raw, ("items",), limit)
    else:
        assert decode_object(raw, ("items",), limit)["items"] == items


@settings(max_examples=300)
@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_never_raises_anything_but_a_body_error(raw):
    try:
        out = decode_object(raw, ("items",), 3)
    except BodyError as exc:
        assert exc.status_code in (413, 422)
    else:
        assert isinstance(out, dict)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"w": NaN}',
        b'{"w": Infinity}',
        b'{"w": -Infinity}',
        b'{"w": 1e400}',
        b'{"items": [{"w": -1e309}]}',
        b'{"w": ' + b"9" * 5000 + b"}",
    ],
)
def test_non_finite_numbers_are_refused(raw):
    with pytest.raises(BodyError) as info:
        decode_object(raw, ("items",), 10)
    assert info.value.status_code == 422


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "empty"),
        (b"[]", "JSON object"),
        (b'{"a": 1} {}', "extra data"),
        (b'{"a" 1}', "':'"),
        (b'{"items": [1 2]}', "',' or ']'"),
        (b"\xff{}", "UTF-8"),
        (b'{"a": ' + b"[" * 50_000 + b"}", "nested"),
    ],
)
def test_malformed_bodies_say_what_is_wrong(raw, says):
    with pytest.raises(BodyError) as info:
        decode_object(raw, ("items",), 10)
    assert says in str(info.value)


def test_a_million_items_are_refused_after_decoding_the_limit(monkeypatch):
    import reward_server.bodies as bodies

    decoded = 0
    plain = bodies._value

    def counting(text, idx):
        nonlocal decoded
        decoded += 1
        return plain(text, idx)

    monkeypatch.setattr(bodies, "_value", counting)
    raw = json.dumps({"items": [{"completion": "x"}] * 1_000_000}).encode()
    with pytest.raises(TooManyItems) as info:
        decode_object(raw, ("items",), 1024)
    assert "more than 1024" in str(info.value)
    assert decoded <= 1026  # the key, 1,024 items; not the other 998,976


def test_lone_surrogates_model_text_scrubbed_reference_refused():
    item, where = clean_item(
        {"id": "a", "completion": "x \ud800 y", "prompt": "\udfff", "answer": "4"}
    )
    assert where is None
    assert item["completion"] == "x \ufffd y" and item["prompt"] == "\ufffd"
    for field, value in [
        ("id", "a\ud800"),
        ("answer", "\\frac{1}{2}\udc00"),
        ("code", {"tests": [{"input": "1", "output": "\ud83d"}]}),
        ("extra", {"k\ud800": 1}),
    ]:
        _, where = clean_item({"completion": "ok", field: value})
        assert where is not None and where.startswith(field)
        assert bad_text(where) is None  # the message itself is valid text


def test_safe_response_never_fails_to_encode():
    body = SafeJSONResponse({"id": "a\ud800", "x": [math.nan, math.inf, 1.5], "k\udc00": 1}).body
    assert json.loads(body) == {"id": "a\ufffd", "x": [None, None, 1.5], "k\ufffd": 1}
    assert scrub("ok") == "ok"
