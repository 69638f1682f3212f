"""Spreadsheet benchmark: export and import at 10,000 UMKM, and the readers and writers we chose
between.

    python benchmarks/import_bench.py [--n 10000]

Each measure runs in its own process (wall time, CPU time, peak RSS of that process). Rows:
export; import of the unchanged workbook; import after one edited cell (the whole pipeline:
read, merge, re-validate, write); import of every row as new into an empty registry (bulk
issuance: 10,000 UMKM and their certificates written as new YAML); then reading the same
workbook with our reader, openpyxl's read-only iterator and python-calamine, and a ruamel.yaml
round trip of the data file (load + dump) against our in-place edit. python-calamine and
ruamel.yaml come with `pip install -e ".[bench]"`; a missing one is reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

CHILD = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
extra = {}
exec(sys.argv[1])
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def measure(code: str, cwd: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, code],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=3600,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10_000, help="number of UMKM")
    p.add_argument(
        "--ours-only", action="store_true", help="skip the other readers and ruamel.yaml"
    )
    args = p.parse_args(argv)
    import synth

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "umkm.yaml"
        data.write_text(synth.render(args.n), encoding="utf-8")
        book = work / "registri.xlsx"
        rows: list[tuple[str, dict]] = []

        def run(label: str, code: str) -> dict:
            r = measure(code, work)
            rows.append((label, r))
            print(f"{label}: {r}", file=sys.stderr)
            return r

        run(
            "export (write the workbook)",
            f"from generator.__main__ import main; assert main(['export', '--data', "
            f"{str(data)!r}, '--out', {str(book)!r}]) == 0",
        )
        before = data.read_bytes()
        run(
            "import, unchanged workbook",
            f"from generator.__main__ import main; assert main(['import', {str(book)!r}, "
            f"'--data', {str(data)!r}]) == 0",
        )
        unchanged = data.read_bytes() == before
        edited = work / "edited.xlsx"
        measure(
            f"import openpyxl; wb = openpyxl.load_workbook({str(book)!r}); ws = wb['UMKM']; "
            "c = [x.column_letter for x in ws[1] if x.value == 'desa'][0]; "
            f"ws[c + str(ws.max_row // 2)] = 'Desa Diubah'; wb.save({str(edited)!r})",
            work,
        )
        run(
            "import, one cell changed",
            f"from generator.__main__ import main; assert main(['import', {str(edited)!r}, "
            f"'--data', {str(data)!r}]) == 0",
        )
        changed_lines = sum(
            1
            for a, b in zip(before.splitlines(), data.read_bytes().splitlines(), strict=False)
            if a != b
        )
        empty = work / "kosong.yaml"
        head = before.decode("utf-8").split("\numkm:", 1)[0]
        empty.write_text(head + "\numkm: []\n", encoding="utf-8")
        run(
            "import, every row new (bulk)",
            f"from generator.__main__ import main; assert main(['import', {str(book)!r}, "
            f"'--data', {str(empty)!r}]) == 0",
        )
        bulk_ok = measure(
            f"from generator.data import load; r = load.load({str(empty)!r}); "
            "extra['umkm'] = len(r.umkm)",
            work,
        )
        ours = run(
            "read: our streaming reader",
            f"from generator.sheets import read_sheet; from pathlib import Path; "
            f"extra['rows'] = sum(len(s.rows) for s in read_sheet.read(Path({str(book)!r})))",
        )
        if args.ours_only:
            rows.append(("(other readers and ruamel.yaml skipped: --ours-only)", {"error": ""}))
        else:
            _compare(run, book, data)
    _table(args.n, rows, ours, unchanged, changed_lines, bulk_ok)
    return 0


def _compare(run, book: Path, data: Path) -> None:
    run(
        "read: openpyxl read-only iter_rows",
        f"import openpyxl; wb = openpyxl.load_workbook({str(book)!r}, read_only=True); "
        "extra['rows'] = sum(1 for ws in wb.worksheets for _ in ws.iter_rows("
        "values_only=True))",
    )
    run(
        "read: python-calamine",
        "from python_calamine import CalamineWorkbook; "
        f"wb = CalamineWorkbook.from_path({str(book)!r}); "
        "extra['rows'] = sum(len(wb.get_sheet_by_name(n).to_python()) "
        "for n in wb.sheet_names)",
    )
    run(
        "YAML: ruamel.yaml round trip (load + dump)",
        "import io; from ruamel.yaml import YAML; y = YAML(); y.preserve_quotes = True; "
        "y.width = 4096; y.indent(mapping=2, sequence=4, offset=2); "
        f"src = open({str(data)!r}, encoding='utf-8').read(); d = y.load(src); "
        "out = io.StringIO(); y.dump(d, out); extra['identical'] = out.getvalue() == src; "
        "extra['lines_differ'] = sum(1 for a, b in zip(src.splitlines(), "
        "out.getvalue().splitlines()) if a != b)",
    )
    run(
        "YAML: ruamel.yaml round trip, sample file",
        "import io; from ruamel.yaml import YAML; y = YAML(); y.preserve_quotes = True; "
        "y.width = 4096; y.indent(mapping=2, sequence=4, offset=2); "
        f"src = open({str(ROOT / 'data' / 'umkm.yaml')!r}, encoding='utf-8').read(); "
        "d = y.load(src); out = io.StringIO(); y.dump(d, out); "
        "extra['identical'] = out.getvalue() == src; "
        "extra['lines_differ'] = sum(1 for a, b in zip(src.splitlines(), "
        "out.getvalue().splitlines()) if a != b)",
    )


def _table(n, rows, ours, unchanged, changed_lines, bulk_ok) -> None:
    n_rows = ours.get("rows", 0) - 3  # the header rows of UMKM, Sertifikat, Referensi
    print(f"\n{n:,} UMKM; rows read (UMKM + Sertifikat + Referensi): {n_rows:,}\n")
    print("| measure | wall | CPU | peak RSS | note |")
    print("|---|---|---|---|---|")
    for label, r in rows:
        if "error" in r:
            print(f"| {label} | – | – | – | {r['error']} |")
            continue
        note = ", ".join(f"{k}: {v}" for k, v in r.items() if k not in ("wall", "cpu", "rss_mb"))
        print(f"| {label} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['rss_mb']:.0f} MB | {note} |")
    print(
        f"\nunchanged import byte-identical: {unchanged}; lines changed by one cell: "
        f"{changed_lines}; bulk import result: {bulk_ok.get('umkm')} UMKM, valid"
    )


if __name__ == "__main__":
    sys.exit(main())
