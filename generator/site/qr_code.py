"""Making one QR Code symbol: segno with a fixed data mask, and the module matrix it yields.

Every code is a real QR Code (never Micro QR), error correction Q or higher. Making is the slow
part of a code (segno spends ~80% of `make()` choosing the data mask), so the mask is fixed
(`MASK`, see "Choosing the mask" below): ~4x faster, and a code whose penalty score is out of
bounds still gets segno's full mask selection. `Code` is what the cache (qr.py) keeps and what
images are drawn from.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

ERROR_LEVEL = "q"  # at least Q (25% of codewords recoverable); segno boosts it when it fits

# Choosing the mask. ISO/IEC 18004 allows any of the 8 data masks (a reader takes the mask
# from the format information); the encoder is asked to pick the one with the lowest penalty
# score (7.8.3: runs, blocks, finder-like patterns, dark/light balance), which is what costs
# segno 80% of its time. Over 3,000 URLs of the shape we encode (five site_urls, ids of 2-63
# characters, versions 3-9; `benchmarks/qr_masks.py` reproduces every figure here), mask 2 is
# the best single mask: the lowest penalty of all 8 for 36% of URLs, on average 3% above the
# lowest, never more than 21%; blurred, noisy, rotated, JPEG-compressed scans decode as often
# as with segno's own choice (357 vs 355 of 400). To hold that for EVERY code, not on
# average, a code made with mask 2 is scored (one evaluation instead of eight) and, if its
# score is above PENALTY_LIMIT for its version (1.1x the highest score of a symbol made with
# segno's own choice on the sample; none of the 3,000 went over) or its version is not in the
# table (URLs over ~130 bytes), made again with the full selection.
# The version is not fixed: it is the smallest that holds the URL at level Q (a length
# computation in segno, no search), so short URLs keep large modules.
MASK = 2
PENALTY_LIMIT = {3: 1505, 4: 1740, 5: 1906, 6: 2207, 7: 2611, 8: 2788, 9: 3044}  # see above
MAKE = {"error": ERROR_LEVEL, "boost_error": True, "micro": False}


@dataclass(frozen=True)
class Code:
    """A finished QR Code symbol: `rows[y]` holds its modules, bit (width-1-x) = module x,
    1 = dark; no quiet zone."""

    width: int
    version: int
    error: str
    mask: int
    rows: tuple[int, ...]

    def record(self) -> bytes:
        """The cache's bytes of this code: version, error, mask, then each row packed."""
        per_row = (self.width + 7) // 8
        head = bytes((self.version, "LMQH".index(self.error), self.mask))
        return head + b"".join(r.to_bytes(per_row, "big") for r in self.rows)

    @classmethod
    def from_record(cls, record: bytes) -> Code:
        version, error, mask = record[0], "LMQH"[record[1]], record[2]
        width = 17 + 4 * version
        per_row = (width + 7) // 8
        if not 1 <= version <= 40 or mask > 7 or len(record) != 3 + width * per_row:
            raise ValueError("not a code record")
        rows = tuple(
            int.from_bytes(record[3 + y * per_row : 3 + (y + 1) * per_row], "big")
            for y in range(width)
        )
        if any(r >> width for r in rows):
            raise ValueError("not a code record")
        return cls(width, version, error, mask, rows)


def make(url: str) -> Code:
    """segno with the fixed mask, or with its full selection when the penalty is too high."""
    code = segno.make(url, mask=MASK, **MAKE)
    limit = PENALTY_LIMIT.get(code.version)
    if limit is None or _penalty(code.matrix) > limit:
        code = segno.make(url, **MAKE)
    assert not code.is_micro and code.error in ("Q", "H"), code.designator
    return _make_from(code)


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")  # a finished segno matrix holds only 0 and 1


def _make_from(code: segno.QRCode) -> Code:
    rows = tuple(int(bytes(row).translate(_DIGITS), 2) for row in code.matrix)
    return Code(len(rows), code.version, code.error, code.mask, rows)


def _penalty(matrix) -> int:
    """The penalty score of a finished symbol (ISO/IEC 18004 7.8.3, segno's evaluation)."""
    from segno import encoder

    return encoder.evaluate_mask(matrix, len(matrix), len(matrix))


def _penalty_of(code: Code) -> int:
    n = code.width
    return _penalty([bytearray(int(b) for b in format(r, f"0{n}b")) for r in code.rows])
