"""Compact containers for a writer that holds a million strings at once (the demo's build), so
its memory stays small however large the demo.

- `Texts`: strings in one run of bytes, each found by its number (about its length in bytes
  where a Python string takes ~50 more).
- `DigestMap`: string → integer, the strings kept as 16-byte BLAKE2b digests in buckets of
  bytes (about 30 bytes an entry where a dict of strings takes well over 100). Two different
  strings with the same 128-bit digest would be taken for one; the odds for a billion entries
  are about 10⁻²¹, so equal digests are equal strings here, as content-addressed stores assume.
- `DigestSet`: the strings of a `DigestMap` without the numbers (`in` and `add`).

Each lookup costs ~3 µs of Python where a dict's costs ~0.1 µs, which is why the CSV import keeps
its duplicate indexes in dicts: with these, an import of 100,000 leads took 14.1 s and 112 MiB
instead of 8.2 s and 142 MiB (2026-12-08), a trade no one importing a file would choose.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from hashlib import blake2b

_WIDTH = 16  # bytes of a digest
_FILL = 32  # entries per bucket, on average, before the buckets double


def _digest(text: str) -> bytes:
    # surrogatepass: a lone surrogate (a file decoded with errors) is still a string to key on
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=_WIDTH).digest()


class Texts:
    """Strings in one run of bytes: `add` gives each its number, `[n]` gives it back."""

    def __init__(self) -> None:
        self._bytes = bytearray()
        self._ends = array("q")  # string n is _bytes[_ends[n - 1] : _ends[n]]

    def add(self, text: str) -> int:
        self._bytes += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._bytes))
        return len(self._ends) - 1

    def __getitem__(self, n: int) -> str:
        start = self._ends[n - 1] if n > 0 else 0
        return self._bytes[start : self._ends[n]].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._ends)


class DigestMap:
    """A map from strings to integers (ids, line numbers) that keeps digests, not strings."""

    def __init__(self) -> None:
        self._bits = 8
        self._keys = [bytearray() for _ in range(1 << self._bits)]
        self._values = [array("q") for _ in range(1 << self._bits)]
        self._size = 0

    def _find(self, digest: bytes) -> tuple[int, int]:
        """The digest's bucket and its place in it (-1: not there)."""
        bucket = int.from_bytes(digest[:4], "little") & ((1 << self._bits) - 1)
        keys = self._keys[bucket]
        at = keys.find(digest)
        while at > 0 and at % _WIDTH:  # a match across two entries: look on
            at = keys.find(digest, at + 1)
        return bucket, (at // _WIDTH if at >= 0 else -1)

    def get(self, key: str, default: int | None = None) -> int | None:
        bucket, at = self._find(_digest(key))
        return self._values[bucket][at] if at >= 0 else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(_digest(key))[1] >= 0

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __setitem__(self, key: str, value: int) -> None:
        self._put(key, value, replace=True)

    def setdefault(self, key: str, value: int) -> int:
        """The key's value, after giving it `value` if it had none (as `dict.setdefault`)."""
        return self._put(key, value, replace=False)

    def _put(self, key: str, value: int, *, replace: bool) -> int:
        digest = _digest(key)
        bucket, at = self._find(digest)
        if at >= 0:
            if replace:
                self._values[bucket][at] = value
            return self._values[bucket][at] if not replace else value
        self._keys[bucket] += digest
        self._values[bucket].append(value)
        self._size += 1
        if self._size > _FILL << self._bits:
            self._grow()
        return value

    def _grow(self) -> None:
        """Twice the buckets, each digest moved to its bucket under one more bit."""
        old_keys, old_values = self._keys, self._values
        self._bits += 1
        mask = (1 << self._bits) - 1
        self._keys = [bytearray() for _ in range(1 << self._bits)]
        self._values = [array("q") for _ in range(1 << self._bits)]
        for keys, values in zip(old_keys, old_values, strict=True):
            for n, value in enumerate(values):
                digest = keys[n * _WIDTH : (n + 1) * _WIDTH]
                bucket = int.from_bytes(digest[:4], "little") & mask
                self._keys[bucket] += digest
                self._values[bucket].append(value)

    def __len__(self) -> int:
        return self._size

    def values(self) -> Iterator[int]:
        for values in self._values:
            yield from values


class DigestSet:
    """A set of strings that keeps digests, not strings (`in` and `add`)."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._map = DigestMap()
        for text in texts:
            self.add(text)

    def __contains__(self, text: object) -> bool:
        return text in self._map

    def add(self, text: str) -> None:
        self._map.setdefault(text, 0)

    def __len__(self) -> int:
        return len(self._map)
