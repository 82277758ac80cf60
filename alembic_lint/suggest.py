""" "Did you mean ...?" for a revision id that names nothing.

The answer is what graph.py always gave: the only id that starts with the wrong one
(or that the wrong one starts with), else difflib's closest match at a 0.75 ratio.
Asked the straightforward way that costs a pass over every id per question: with
thousands of dangling references in a 10,000-revision folder (a version location
left out), two minutes in difflib. Here prefixes come from a sorted list, and
difflib only sees the ids that can reach the cutoff at all: its own first filter,
`quick_ratio` (how many characters two strings share, counted with repetition),
is computed for every id at once with big-integer bitsets.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

CUTOFF = 0.75


class Suggester:
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids  # distinct, in the graph's order
        self.known = set(ids)
        self.sorted = sorted(ids)
        self.longest = max(map(len, ids), default=0)
        self._by_length: dict[int, int] | None = None  # length -> bitset of the ids that long
        self._at_least: dict[tuple[str, int], int] = {}  # (char, t) -> bitset of ids holding char >= t times

    def suggest(self, wrong: str, exclude: str | None = None) -> str | None:
        """The id `wrong` most likely meant, never `exclude` (the revision that names it:
        suggesting its own id would make it revise itself)."""
        prefixed = [nid for nid in self._prefixed(wrong) if nid != exclude][:2]
        if len(prefixed) == 1:
            return prefixed[0]
        import difflib

        candidates = [nid for nid in self._candidates(wrong) if nid != exclude]
        close = difflib.get_close_matches(wrong, candidates, n=1, cutoff=CUTOFF)
        return close[0] if close else None

    def _prefixed(self, wrong: str) -> list[str]:
        """Up to three ids that start with `wrong` or that `wrong` starts with (enough to tell
        one from many, with one left out)."""
        longest = min(len(wrong), self.longest)
        found = [wrong[:end] for end in range(1, longest + 1) if wrong[:end] in self.known]
        for nid in self.sorted[bisect_left(self.sorted, wrong) :]:
            if len(found) > 2 or not nid.startswith(wrong):
                break
            if nid != wrong:
                found.append(nid)
        return found[:3]

    def _index(self) -> dict[int, int]:
        if self._by_length is None:
            size = (len(self.ids) + 7) // 8
            lengths: dict[int, bytearray] = {}
            holders: dict[tuple[str, int], bytearray] = {}
            for index, nid in enumerate(self.ids):
                byte, bit = divmod(index, 8)
                lengths.setdefault(len(nid), bytearray(size))[byte] |= 1 << bit
                for char, count in Counter(nid).items():
                    for times in range(1, count + 1):
                        holders.setdefault((char, times), bytearray(size))[byte] |= 1 << bit
            self._by_length = {length: int.from_bytes(bits, "little") for length, bits in lengths.items()}
            self._at_least = {key: int.from_bytes(bits, "little") for key, bits in holders.items()}
        return self._by_length

    def _candidates(self, wrong: str) -> list[str]:
        """The ids, in order, whose quick_ratio with `wrong` reaches the cutoff: difflib would
        drop every other one before comparing further."""
        by_length = self._index()
        shares = [
            self._at_least.get((char, times), 0) for char, n in Counter(wrong).items() for times in range(1, n + 1)
        ]
        survivors = 0
        for length, members in by_length.items():
            total = length + len(wrong)
            # difflib's ratio arithmetic, so the same ids pass: 2.0 * matches / total >= cutoff
            need = next((m for m in range(min(length, len(wrong)) + 1) if 2.0 * m / total >= CUTOFF), None)
            if need is None:
                continue
            # at_least[j]: the ids holding at least j of the (char, times) pairs of `wrong`
            at_least = [members] + [0] * need
            for seen, share in enumerate(shares, start=1):
                for j in range(min(need, seen), 0, -1):
                    at_least[j] |= at_least[j - 1] & share
            survivors |= at_least[need]
        found = []
        while survivors:
            low = survivors & -survivors
            found.append(self.ids[low.bit_length() - 1])
            survivors ^= low
        return found
