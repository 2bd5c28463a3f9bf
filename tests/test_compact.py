"""The compact containers answer exactly as the dict, set and list they stand in for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.compact import DigestMap, DigestSet, Texts

keys = st.text(max_size=10)  # any text: accents, emoji, NUL, lone surrogates
steps = st.lists(
    st.tuples(
        st.sampled_from(["set", "setdefault", "get"]), keys, st.integers(-(2**63), 2**63 - 1)
    ),
    max_size=80,
)


@given(steps)
def test_a_digest_map_is_a_dict_of_its_keys(ops):
    compact, plain = DigestMap(), {}
    for op, key, value in ops:
        if op == "set":
            compact[key] = value
            plain[key] = value
        elif op == "setdefault":
            assert compact.setdefault(key, value) == plain.setdefault(key, value)
        else:
            assert compact.get(key) == plain.get(key)
        assert (key in compact) == (key in plain)
        assert len(compact) == len(plain)
    assert sorted(compact.values()) == sorted(plain.values())
    for key in plain:
        assert compact[key] == plain[key]


def test_a_digest_map_keeps_every_key_as_it_grows():
    compact = DigestMap()
    for n in range(40_000):  # past several doublings of its buckets
        assert compact.setdefault(f"contact{n}@example.com", n) == n
    assert len(compact) == 40_000
    assert all(compact.get(f"contact{n}@example.com") == n for n in range(0, 40_000, 7))
    assert compact.get("contact40000@example.com") is None
    assert compact.setdefault("contact5@example.com", -1) == 5  # the first value stays


@settings(max_examples=50)
@given(st.lists(keys, max_size=60), st.lists(keys, max_size=30))
def test_a_digest_set_is_a_set_of_its_strings(added, asked):
    compact, plain = DigestSet(added[: len(added) // 2]), set(added[: len(added) // 2])
    for text in added[len(added) // 2 :]:
        compact.add(text)
        plain.add(text)
    assert len(compact) == len(plain)
    for text in added + asked:
        assert (text in compact) == (text in plain)
    assert 5 not in compact  # only strings are ever in it


@given(st.lists(st.text(), max_size=40))
def test_texts_give_back_every_string(strings):
    texts = Texts()
    numbers = [texts.add(s) for s in strings]
    assert numbers == list(range(len(strings)))
    assert [texts[n] for n in numbers] == strings
    assert len(texts) == len(strings)
