"""Seeded fuzzing of `import` with workbooks (UMKM, Sertifikat and RAHASIA sheets) and CSVs
(issue 18): mutants of the sample's own export.

Workbooks are mutated in their XML, as a hostile file would be written: a cell's text replaced
by hostile characters (raw, and as Excel's _xHHHH_ escapes), by a formula, a number, an error,
a boolean, a huge or a NIK-like value; cells deleted or moved far away; rows duplicated; ids
swapped; sheets renamed; parts truncated; bytes of the zip flipped. CSVs get the same values, other
delimiters and encodings, short rows and broken quotes. The contract, for every input: `import`
exits 0 or 1 with no exception, every line it prints is one printable line of bounded length
with no NIK-like number; on failure the data file and data/rahasia.yaml are unchanged; on
success `check` passes on what it wrote (rahasia.yaml included).
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from test_fuzz import HOSTILE_RAW, base_text

from generator.__main__ import main
from generator.data import diagnostics

SEED = 20261206
N_WORKBOOKS = 200
N_CSVS = 100
MAX_LINE = 1000

NIK = "3513084806631013"
VALUES = [
    *HOSTILE_RAW,
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(1)",
    "x" * 40_000,
    "y" * 5_001,
    NIK,
    "３５１３０８４８０６６３１０１３",
    "Batik " + "\u202e" + "kanan",
    "2020-02-30",
    "27/08/2020",
    "44070",
    "6.28E+12",
    "batik",
    "Kraksaan",
    "mwpm",
    "dicabut",
    "fasilitasi",
    "",
    " spasi ",
    "a; b; ; c",
    "_x0000_",
    "_x202E_",
    "_xFFFE_",
    "_x005F_x0041_",
]


def _xml_text(value: str) -> str:
    """`value` as text inside <t>: XML escaped, characters XML cannot hold as _xHHHH_."""
    out = []
    for ch in value:
        o = ord(ch)
        if ch in "\t\n\r" or (0x20 <= o <= 0xD7FF and o not in (0x7F,)) or 0xE000 <= o <= 0xFFFD:
            out.append({"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(ch, ch))
        elif 0x10000 <= o <= 0x10FFFF:
            out.append(ch)
        else:
            out.append(f"_x{o:04X}_")
    return "".join(out)


_CELL = re.compile(rb"<c r=\"([A-Z]+)(\d+)\"([^>]*?)(?:/>|>(.*?)</c>)", re.S)


def _mutate_sheet(xml: bytes, rng: random.Random) -> bytes:
    cells = list(_CELL.finditer(xml))
    if not cells:
        return xml
    kind = rng.randrange(10)
    body = [c for c in cells if c[2] != b"1"]  # data cells; a header now and then
    m = rng.choice(body if body and rng.random() < 0.9 else cells)
    col, row, attrs = m[1], m[2], m[3]
    style = re.search(rb' s="\d+"', attrs)
    s = style[0] if style else b""
    ref = col + row

    def put(body: bytes) -> bytes:
        return xml[: m.start()] + body + xml[m.end() :]

    if kind <= 3:
        value = rng.choice(VALUES)
        t = _xml_text(value).encode("utf-8", "surrogatepass")
        return put(b'<c r="' + ref + b'"' + s + b' t="inlineStr"><is><t>' + t + b"</t></is></c>")
    if kind == 4:
        formula = rng.choice([b"SUM(1)", b"HYPERLINK(&quot;http://x&quot;)", b"A1"])
        return put(b'<c r="' + ref + b'"' + s + b"><f>" + formula + b"</f><v>1</v></c>")
    if kind == 5:
        v = rng.choice([b"81334017927", b"3513084806631013", b"44070", b"1.5", b"-1", b"1e308"])
        return put(b'<c r="' + ref + b'"' + s + b"><v>" + v + b"</v></c>")
    if kind == 6:
        t = rng.choice(
            [b'" t="e"><v>#REF!', b'" t="b"><v>1', b'" t="d"><v>2020-01-01', b'" t="s"><v>99']
        )
        return put(b'<c r="' + ref + t + b"</v></c>")
    if kind == 7:
        return put(b"")  # the cell deleted
    if kind == 8:  # a row duplicated (ids clash)
        rows = list(re.finditer(rb"<row [^>]*>.*?</row>", xml, re.S))
        if len(rows) > 2:
            r = rng.choice(rows[1:])
            return xml[: r.end()] + r[0] + xml[r.end() :]
        return xml
    far = rng.choice([b"XFD", b"CZ", b"Z"]) + str(rng.choice([2, 3, 70000])).encode()
    return put(b'<c r="' + far + b'" t="inlineStr"><is><t>x</t></is></c>')


def _workbook_mutant(parts: dict[str, bytes], rng: random.Random) -> bytes:
    parts = dict(parts)
    sheets = [n for n in parts if n.startswith("xl/worksheets/sheet")]
    for _ in range(rng.choice([1, 1, 1, 2])):
        name = rng.choice(sheets)
        parts[name] = _mutate_sheet(parts[name], rng)
    roll = rng.random()
    if roll < 0.05:
        wb = parts["xl/workbook.xml"]
        parts["xl/workbook.xml"] = wb.replace(
            b'name="UMKM"', rng.choice([b'name="umkm "', b'name="Data"'])
        )
    elif roll < 0.08:
        name = rng.choice(sheets)
        parts[name] = parts[name][: rng.randrange(len(parts[name]))]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    data = buf.getvalue()
    if rng.random() < 0.04:
        i = rng.randrange(len(data))
        data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]
    return data


def _csv_mutant(rows: list[list[str]], rng: random.Random) -> bytes:
    rows = [list(r) for r in rows]
    for _ in range(rng.choice([1, 2, 3])):
        r = rng.randrange(1, len(rows))
        c = rng.randrange(len(rows[r]))
        rows[r][c] = rng.choice(VALUES)
    if rng.random() < 0.1:
        r = rng.randrange(1, len(rows))
        rows[r] = rows[r][: rng.randrange(1, len(rows[r]) + 1)]
    if rng.random() < 0.1:
        rows.insert(rng.randrange(1, len(rows)), list(rows[rng.randrange(1, len(rows))]))
    delimiter = rng.choice([";", ";", ",", "\t"])
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=rng.choice(["\r\n", "\n"])).writerows(rows)
    text = buf.getvalue()
    if rng.random() < 0.05:
        text = text.replace('"', "", 1)  # an unbalanced quote
    encoding = rng.choice(["utf-8-sig", "utf-8", "utf-16", "cp1252"])
    data = text.encode(
        encoding, errors="surrogatepass" if encoding.startswith("utf-8") else "replace"
    )
    if rng.random() < 0.03:
        data = data[: rng.randrange(len(data) + 1)]
    return data


def _run(*args: str) -> tuple[int, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, (out.getvalue() + err.getvalue()).splitlines()


def _contract(code: int, lines: list[str], what: str) -> list[str]:
    bad = []
    if code not in (0, 1):
        bad.append(f"{what}: exit {code}")
    for line in lines:
        if not line.isprintable():
            bad.append(f"{what}: unprintable line {line[:80]!r}")
        if len(line) > MAX_LINE:
            bad.append(f"{what}: line of {len(line)} characters")
        if diagnostics.mask_numbers(line) != line or NIK in line:
            bad.append(f"{what}: NIK-like number in {line[:120]!r}")
        if "Traceback" in line:
            bad.append(f"{what}: traceback")
    return bad


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("fuzz-sheets")
    data = folder / "asal" / "umkm.yaml"
    data.parent.mkdir()
    data.write_text(base_text(), encoding="utf-8")
    book = folder / "asal.xlsx"
    assert main(["export", "--data", str(data), "--out", str(book), "--rahasia"]) == 0
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    import openpyxl

    wb = openpyxl.load_workbook(book)
    tables = {
        name: [
            [("" if c.value is None else str(c.value)) for c in row] for row in wb[name].iter_rows()
        ]
        for name in ("UMKM", "Sertifikat", "RAHASIA")
    }
    return {"data": data, "parts": parts, "tables": tables, "folder": folder}


def test_fuzz_workbooks_and_csvs(base):
    rng = random.Random(SEED)
    folder: Path = base["folder"]
    work = folder / "kerja" / "data"
    work.mkdir(parents=True)
    data, secret = work / "umkm.yaml", work / "rahasia.yaml"
    violations: list[str] = []
    counts = {"xlsx": 0, "csv": 0, "ok": 0}
    t0 = time.perf_counter()
    for i in range(N_WORKBOOKS + N_CSVS):
        shutil.copy(base["data"], data)
        if secret.exists():
            secret.unlink()
        if i < N_WORKBOOKS:
            source = folder / f"m{i}.xlsx"
            source.write_bytes(_workbook_mutant(base["parts"], rng))
            counts["xlsx"] += 1
        else:
            sheet = rng.choice(["UMKM", "Sertifikat", "RAHASIA"])
            source = folder / f"m{i}.csv"
            source.write_bytes(_csv_mutant(base["tables"][sheet], rng))
            counts["csv"] += 1
        before = data.read_bytes()
        try:
            code, lines = _run("import", str(source), "--data", str(data))
        except BaseException as e:  # noqa: BLE001 - the contract is "never an exception"
            violations.append(f"{source.name}: {type(e).__name__}: {e}"[:300])
            continue
        violations += _contract(code, lines, source.name)
        if code != 0:
            if data.read_bytes() != before or secret.exists():
                violations.append(f"{source.name}: failed import changed a file")
            continue
        counts["ok"] += 1
        code, lines = _run("check", "--data", str(data))
        if code != 0:
            violations.append(f"{source.name}: import passed, check refuses: {lines[:3]}")
        source.unlink()
    seconds = time.perf_counter() - t0
    print(f"\nfuzz sheets: {counts} in {seconds:.1f} s, {len(violations)} violations")
    assert counts["ok"] >= 10, counts  # some mutants are harmless and must import
    assert not violations, "\n".join(violations[:20])
