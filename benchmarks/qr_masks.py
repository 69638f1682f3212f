"""How generator/site/qr_code.py chose its fixed data mask, and the penalty limits that guard it.

    python benchmarks/qr_masks.py [--urls 3000] [--scans 400] [--seed 1]

1. Makes `--urls` verification URLs of the shape the registry encodes (five site_urls of
   different lengths, ids of 2-63 characters and numbered ids), and for each the penalty score
   (ISO/IEC 18004 7.8.3, segno's own evaluation) of all 8 masks, as segno's selection sees them.
   Prints, per mask, how often it is the best and how far above the best it is: the mask with
   the lowest average excess is the one to fix.
2. The guard: per version, the highest score of the finished symbol that segno's own choice
   reached, times 1.1 (`PENALTY_LIMIT` in qr_code.py), and how many URLs the fixed mask would send
   back to the full selection.
3. With `--scans N`: N codes made both ways, drawn as a cheap camera would see them (2.6 pixels
   a module, blur, 3 degrees of rotation, noise, JPEG quality 25), decoded by zxing-cpp.
Nothing is asserted; it prints what qr_code.py's comment quotes.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
from collections import defaultdict

import segno
from segno import encoder

SITES = ("https://dinas.github.io/registri/", "https://example.github.io/registri-umkm/",
         "https://diskopum.probolinggokab.go.id/",
         "https://registri-umkm.diskopukm.jatimprov.go.id/umkm/", "https://a.id/")
ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789"
MAKE = {"error": "q", "boost_error": True, "micro": False}


def sample_urls(n: int, rnd: random.Random) -> list[str]:
    urls = []
    for _ in range(n):
        site = rnd.choice(SITES)
        if rnd.random() < 0.5:
            cid = (f"{rnd.choice(['mwpm', 'lsp-ump', 'bnsp', 'lspkop'])}-"
                   f"{rnd.randint(2015, 2030)}-{rnd.randint(1, 999999):0{rnd.choice([4, 6])}d}")
        else:
            length = rnd.randint(2, 63)
            cid = rnd.choice(ALPHA[:26]) + "".join(rnd.choice(ALPHA + "-")
                                                   for _ in range(length - 1))
            cid = cid.rstrip("-") or "x"
        urls.append(f"{site}verifikasi/{cid}/")
    return urls


def selection_scores(url: str) -> tuple[segno.QRCode, list[int]]:
    """segno's own choice, and the score it gave each of the 8 masks."""
    scores: list[int] = []
    original = encoder.evaluate_mask

    def recording(matrix, width, height):
        score = original(matrix, width, height)
        scores.append(score)
        return score

    encoder.find_and_apply_best_mask.__globals__["evaluate_mask"] = recording
    try:
        code = segno.make(url, **MAKE)
    finally:
        encoder.find_and_apply_best_mask.__globals__["evaluate_mask"] = original
    return code, scores


def final_score(code: segno.QRCode) -> int:
    matrix = [bytearray(r) for r in code.matrix]
    return encoder.evaluate_mask(matrix, len(matrix), len(matrix))


def scan(code: segno.QRCode, rnd: random.Random):
    from PIL import Image, ImageFilter

    buf = io.BytesIO()
    code.save(buf, kind="png", scale=10, border=4)
    im = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    modules = im.size[0] // 10
    im = im.rotate(3, resample=Image.BILINEAR, expand=True, fillcolor=255)
    side = int(im.size[0] * (modules * 2.6) / (modules * 10))
    im = im.resize((side, side), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.7))
    px = im.load()
    for y in range(side):
        for x in range(side):
            px[x, y] = max(0, min(255, int(px[x, y] + rnd.gauss(0, 25))))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=25)
    return Image.open(io.BytesIO(out.getvalue()))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--urls", type=int, default=3000)
    p.add_argument("--scans", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rnd = random.Random(args.seed)
    urls = sample_urls(args.urls, rnd)
    rows = []
    for url in urls:
        code, scores = selection_scores(url)
        rows.append((url, code.version, scores, final_score(code)))
    versions = sorted({v for _, v, _, _ in rows})
    print(f"{len(urls)} URLs, versions {versions[0]}-{versions[-1]}")
    print("| mask | lowest of 8 for | mean excess over the lowest | max excess |")
    print("|---|---|---|---|")
    for m in range(8):
        best = sum(1 for *_, s, _ in rows if s[m] == min(s))
        rel = [s[m] / min(s) - 1 for *_, s, _ in rows]
        print(f"| {m} | {best / len(rows):.0%} | {statistics.mean(rel):.1%} | {max(rel):.0%} |")
    limit: dict[int, int] = defaultdict(int)
    for _, v, _, final in rows:
        limit[v] = max(limit[v], final)
    limit = {v: round(x * 1.1) for v, x in sorted(limit.items())}
    print(f"PENALTY_LIMIT = {limit}")
    over = 0
    for url, v, _, _ in rows:
        if final_score(segno.make(url, mask=2, **MAKE)) > limit[v]:
            over += 1
    print(f"mask 2 over the limit (full selection instead): {over} of {len(rows)}")
    if args.scans:
        import zxingcpp

        ok = {"segno's choice": 0, "mask 2": 0}
        for i, url in enumerate(rnd.sample(urls, args.scans)):
            for name, extra in (("segno's choice", {}), ("mask 2", {"mask": 2})):
                image = scan(segno.make(url, **MAKE, **extra), random.Random(i))
                found = zxingcpp.read_barcodes(image)
                ok[name] += bool(found and found[0].text == url)
        print("degraded scans decoded: " + ", ".join(f"{k} {v} of {args.scans}"
                                                       for k, v in ok.items()))


if __name__ == "__main__":
    main()
