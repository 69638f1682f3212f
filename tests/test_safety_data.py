"""Safe with real data (issue 9, data half; issue 12's error output).

Each test reproduces a fault found on the earlier code (it failed there) through the real
command line: confidential data kept out of the repository and out of every output, characters
that broke front matter, crashes, resource bounds, one-line error output, GitHub annotations
and YAML syntax errors told in Indonesian at the line to fix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, as_real_registry, make_project, run_generator
from mkdocs.utils.meta import get_data
from test_load import SECRET_NIK, SECRET_NOTE, broken, problems, valid_text

from generator.cli import report
from generator.data import compose, confidential, diagnostics, limits, load, model
from generator.site import docs_files

LINE = re.compile(r"^(?P<file>.+?):(?P<line>[0-9]+):(?P<col>[0-9]+): (?P<message>\S.*)$")


def check(tmp_path: Path, text: str | bytes, *args: str, env=None, name="umkm.yaml"):
    """Write `text` as a data file and run `python -m generator check --data` on it."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    e = dict(os.environ, **(env or {}))
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--data", str(path), *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env=e,
    )
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, out + err
    assert proc.returncode in (0, 1), (proc.returncode, out, err)
    return proc.returncode, out, err, str(path)


def problem_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.strip()]


def one_problem(out: str, name: str) -> tuple[int, int, str]:
    lines = problem_lines(out)
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m and m["file"] == name, lines[0]
    return int(m["line"]), int(m["col"]), m["message"]


# ---------------------------------------------------------------------------------------------
# Confidential data: data/rahasia.yaml, never in the repository, never printed.
# ---------------------------------------------------------------------------------------------

RAHASIA_OK = f"""\
# data rahasia
umkm:
  batik-satu:
    nik: "{SECRET_NIK}"
    alamat: "Jl. Rahasia No. 9, RT 01/RW 02"
  kopi-dua:
    catatan: Catatan internal KOPI-77
"""


def test_rahasia_file_is_git_ignored():
    for path in ("data/rahasia.yaml", "rahasia.yaml", "sub/folder/rahasia.yaml"):
        proc = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, timeout=30
        )
        assert proc.returncode == 0, f"{path} is not git-ignored"


def test_rahasia_read_by_check_and_api(tmp_path):
    (tmp_path / "rahasia.yaml").write_text(RAHASIA_OK, encoding="utf-8")
    code, out, err, name = check(tmp_path, valid_text())
    assert code == 0, out + err
    assert "data rahasia sah untuk 2 UMKM" in out
    assert SECRET_NIK not in out + err and "KOPI-77" not in out + err
    registry = load.load(name)
    secrets = confidential.read(confidential.path_for(name), registry)
    assert secrets == {
        "batik-satu": model.Secret(nik=SECRET_NIK, alamat="Jl. Rahasia No. 9, RT 01/RW 02"),
        "kopi-dua": model.Secret(catatan="Catatan internal KOPI-77"),
    }
    # inline sample blocks merged with the file: the file's fields win, the rest is kept
    merged = confidential.all_secrets(registry, name)
    assert merged["batik-satu"] == model.Secret(
        nik=SECRET_NIK, alamat="Jl. Rahasia No. 9, RT 01/RW 02", catatan=SECRET_NOTE
    )
    assert confidential.read(tmp_path / "tidak-ada.yaml", registry) == {}
    assert confidential.RAHASIA_PATH == "data/rahasia.yaml"


def test_rahasia_file_problems_have_lines_and_no_values(tmp_path):
    text = f"""\
umkm:
  batik-satu:
    nik: "{SECRET_NIK[:-1]}"
    telepon: "0812-{SECRET_NIK}"
  batik-tiga:
    catatan: {SECRET_NOTE}
  kopi-dua:
    alamat: [RT 01, "{SECRET_NOTE}"]
"""
    (tmp_path / "rahasia.yaml").write_text(text, encoding="utf-8")
    code, out, err, name = check(tmp_path, valid_text())
    assert code == 1
    secrets_file = str(tmp_path / "rahasia.yaml")
    got = [
        (m["file"], int(m["line"]), int(m["col"]), m["message"])
        for m in map(LINE.match, problem_lines(out))
    ]
    assert [g[:3] for g in got] == [
        (secrets_file, 3, 10),
        (secrets_file, 4, 5),
        (secrets_file, 5, 3),
        (secrets_file, 8, 13),
    ], got
    assert "16 angka NIK" in got[0][3] and "kunci tidak dikenal" in got[1][3]
    assert "UMKM 'batik-tiga' tidak ada" in got[2][3] and "maksud Anda batik-satu" in got[2][3]
    assert "harus berupa teks" in got[3][3]
    for secret in (SECRET_NIK, SECRET_NIK[:-1], SECRET_NOTE, "RT 01"):
        assert secret not in out + err


def test_rahasia_render_read_round_trip(tmp_path):
    registry = load.parse(valid_text())
    secrets = {
        "batik-satu": model.Secret(
            nik=SECRET_NIK,
            alamat='Jl. "Kutip" \\ miring\nbaris dua: tab\there # bukan komentar',
            catatan="ꦧꦛꦶꦏ꧀ 😀 ‏x".replace("\u200f", ""),
        ),
        "kopi-dua": model.Secret(catatan="- ~ null yes: [x] {y} &a *b !t %p @q `r"),
    }
    path = tmp_path / "rahasia.yaml"
    path.write_text(confidential.render(secrets), encoding="utf-8")
    assert confidential.read(path, registry) == secrets
    assert "JANGAN di-commit" in path.read_text(encoding="utf-8")
    path.write_text(confidential.render({}), encoding="utf-8")
    assert confidential.read(path, registry) == {}


@pytest.mark.parametrize("contoh", ["  contoh: false\n", ""], ids=["false", "absent"])
def test_inline_rahasia_refused_in_a_real_registry(tmp_path, contoh):
    code, out, err, name = check(tmp_path, broken("  contoh: true\n", contoh))
    assert code == 1
    # check reports every kind of problem at once (issue 19): this test registry's
    # placeholder contacts and mkdocs.yml's sample site_url are said in the same run
    placeholders = [ln for ln in problem_lines(out) if "registri.kontak." in ln or "site_url" in ln]
    assert placeholders, out
    out = "\n".join(ln for ln in out.splitlines() if ln not in placeholders)
    line, col, message = one_problem(out, name)
    expected_line = 25 if contoh else 24  # the `rahasia:` key
    assert (line, col) == (expected_line, 5), out
    assert "umkm[batik-satu].rahasia: data rahasia tidak boleh ada" in message
    assert "data/rahasia.yaml" in message and "contoh: false" in message
    assert SECRET_NIK not in out + err and SECRET_NOTE not in out + err


def test_sample_keeps_its_inline_rahasia():
    assert load.load(SAMPLE).registri.contoh is True
    assert len(load.load(SAMPLE).confidential_records()) >= 10


@pytest.mark.parametrize(
    "old, new",
    [
        (f'nik: "{SECRET_NIK}"', f'nik: "{SECRET_NIK}7"'),  # pattern: value not shown
        (f'nik: "{SECRET_NIK}"', f'nik: ["{SECRET_NIK}"]'),  # wrong type
        (f"catatan: {SECRET_NOTE}", f"catatan: {{teks: {SECRET_NOTE}}}"),
        (f"catatan: {SECRET_NOTE}", f'catatan: "{SECRET_NOTE}\\u202e"'),  # bad character
    ],
    ids=["nik-pattern", "nik-list", "catatan-mapping", "catatan-bidi"],
)
def test_check_never_echoes_a_rahasia_value(tmp_path, old, new):
    code, out, err, name = check(tmp_path, broken(old, new))
    assert code == 1
    assert len(problem_lines(out)) == 1, out
    for secret in (SECRET_NIK, SECRET_NOTE, "XYZZY"):
        assert secret not in out + err, out


def test_nik_like_numbers_masked_anywhere(tmp_path):
    # a NIK typed into a public field that has an error: the value is shown, the number masked
    text = broken('nomor: "U/2020/0002"', f'nomor: "U/2020/0001 {SECRET_NIK}"')
    text = broken(
        "    produk: [Batik tulis, Batik cap]\n",
        f"    produk: 3513 0000 0000 0002\n    kontak: {{telepon: 'NIK {SECRET_NIK}'}}\n",
        text,
    )
    code, out, err, name = check(tmp_path, text)
    assert code == 1
    assert len(problem_lines(out)) == 3, out
    assert "[nomor 16 angka disamarkan]" in out
    assert SECRET_NIK not in out + err and "3513 0000 0000 0002" not in out + err
    assert not re.search(r"[0-9](?:[ .-]?[0-9]){15}", out + err), out


@pytest.mark.parametrize(
    "old, new",
    [
        ("    produk: [Batik tulis, Batik cap]\n", f"    deskripsi: NIK {SECRET_NIK}\n"),
        ("    produk: [Batik tulis, Batik cap]\n", "    deskripsi: 3513.0000.0000.0001\n"),
        ("  - id: batik-satu\n", f"  - id: '{SECRET_NIK}'\n"),
    ],
    ids=["deskripsi", "grouped", "id"],
)
def test_a_nik_in_public_data_is_refused_without_showing_it(tmp_path, old, new):
    """A value holding 16 digits like a NIK would be published (pages, open data, git
    history): refused in any public field, the number never printed."""
    code, out, err, name = check(tmp_path, broken(old, new))
    assert code == 1
    assert "16 angka seperti NIK" in out and "data/rahasia.yaml" in out, out
    assert SECRET_NIK not in out + err and "3513.0000" not in out + err


def test_a_phone_number_is_not_a_nik(tmp_path):
    text = broken(
        "    produk: [Batik tulis, Batik cap]\n", "    deskripsi: Telepon +62 812 3456 7890 (WA)\n"
    )
    code, out, err, name = check(tmp_path, text)
    assert code == 0, out


def test_an_oversized_rahasia_file_is_told_in_its_own_words(tmp_path):
    big = "x" * (limits.MAX_WHOLE_BYTES + 1000)
    (tmp_path / "rahasia.yaml").write_text(
        f"umkm:\n  batik-satu:\n    catatan: {big}\n", encoding="utf-8"
    )
    code, out, err, name = check(tmp_path, valid_text())
    assert code == 1
    assert "data rahasia satu registri jauh lebih kecil" in out, out[:300]
    assert "umkm:)" not in out and "xxxx" not in out


def test_a_pasted_key_in_rahasia_is_not_shown(tmp_path):
    (tmp_path / "rahasia.yaml").write_text(
        "umkm:\n  batik-satu:\n    Fotokopi KTP di map arsip Bu Sri: ada\n", encoding="utf-8"
    )
    code, out, err, name = check(tmp_path, valid_text())
    assert code == 1
    assert "kunci tidak dikenal" in out and "(kunci tidak ditampilkan)" in out, out
    assert "Fotokopi" not in out + err and "Bu Sri" not in out + err


def test_admin_guide_tells_what_is_public_and_how_to_remove_a_secret():
    guide = (ROOT / "docs" / "panduan" / "index.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Data rahasia") :]
    section = section[: section.index("\n## ", 5)]
    for words in (
        "data/rahasia.yaml",
        ".gitignore",
        "riwayat",
        "Actions",
        "git filter-repo",
        "BFG",
        "--force",
        "GitHub Support",
        "bocor",
        "sebelum push pertama",
    ):
        assert words in section, words
    assert guide.index("## Data rahasia") < guide.index(". Menerbitkan di GitHub Pages")


# ---------------------------------------------------------------------------------------------
# Fault 2: characters that broke front matter (and with it, escaping) are refused, and front
# matter is written so that no character can break it; a page whose front matter did not
# parse fails the build.
# ---------------------------------------------------------------------------------------------

BREAKING = [
    "\x85",
    "\x7f",
    "\x80",
    "\x9f",
    "\ufffe",
    "\uffff",
    "\x0b",
    "\x1b",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u200e",
]


@pytest.mark.parametrize("ch", BREAKING, ids=[f"U+{ord(c):04X}" for c in BREAKING])
@pytest.mark.parametrize("written", ["raw", "escape"])
def test_check_refuses_characters_that_break_pages(tmp_path, ch, written):
    value = "Batik" + ch + "[x](javascript:alert(1))"
    if written == "raw":
        new = f"    nama: {value}\n"
        col = 4 + len("nama: Batik") + 1
    else:
        new = f'    nama: "Batik\\u{ord(ch):04x}[x](javascript:alert(1))"\n'
        col = 4 + len('nama: "Batik') + 1
    code, out, err, name = check(tmp_path, broken("    nama: Batik Satu\n", new))
    assert code == 1, out
    line, column, message = one_problem(out, name)
    assert (line, column) == (20, col), out
    assert f"U+{ord(ch):04X}" in message and "Hapus karakter ini" in message


def _parsed_title(text: str):
    source = docs_files.front_matter(
        title=text, hide=["navigation", "toc"], search={"exclude": True}
    )
    doc, meta = get_data(source + "<p>isi</p>\n")
    return doc, meta


def test_front_matter_survives_every_character():
    from html import escape

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(chars), 4096):
        text = "A" + "".join(chars[i : i + 4096]) + "Z"
        doc, meta = _parsed_title(text)
        assert doc == "<p>isi</p>\n", i
        assert meta == {
            "title": escape(text),
            "hide": ["navigation", "toc"],
            "search": {"exclude": True},
        }, i
    for text in ('"', "'", "\\", "---", "...", "\n---\n", "#", ": x", "{{ x }}", "\ud800"):
        doc, meta = _parsed_title(text)
        assert doc == "<p>isi</p>\n" and "title" in meta, text


def test_front_matter_is_printable_ascii():
    source = docs_files.front_matter(title="Kopi\x85 \u2028珈琲 😀 \u202e")
    assert all(0x20 <= ord(c) < 0x7F or c == "\n" for c in source), source


_BROKEN_FRONT_MATTER = """\
import sys
from generator.site import docs_files
original = docs_files.front_matter
def broken(**meta):
    text = original(**meta)
    return text.replace("title: ", "title: [", 1) if "API" in str(meta) else text
docs_files.front_matter = broken
from generator.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("strict", [False, True], ids=["build", "build-strict"])
def test_build_fails_on_a_page_whose_front_matter_did_not_parse(tmp_path, strict):
    project = make_project(tmp_path / "p", valid_text())
    script = tmp_path / "run.py"
    script.write_text(_BROKEN_FRONT_MATTER, encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795824000", REGISTRI_CACHE_DIR=str(tmp_path / "qr"))
    env.pop("REGISTRI_DATA", None)
    args = ["build", "--strict"] if strict else ["build"]
    proc = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "api/index.md: front matter" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (project / "site").exists()


# ---------------------------------------------------------------------------------------------
# Fault 3: tracebacks and crashes become one clear line and exit 1.
# ---------------------------------------------------------------------------------------------


def test_lone_surrogate_is_one_line(tmp_path):
    code, out, err, name = check(
        tmp_path, broken("    nama: Batik Satu\n", '    nama: "Batik \\ud800 Satu"\n')
    )
    assert code == 1
    line, col, message = one_problem(out, name)
    assert (line, col) == (20, 18) and "Unicode" in message, out
    # handed to the loader as a string (an import, a test): refused the same way
    found = problems(broken("    nama: Batik Satu\n", "    nama: Batik \ud800 Satu\n"))
    assert [(p.line, p.col) for p in found] == [(20, 17)], found
    assert "surrogate" in found[0].message


def test_fifty_thousand_brackets_do_not_crash(tmp_path):
    code, out, err, name = check(tmp_path, "registri: " + "[" * 50_000 + "\n")
    assert code == 1
    line, col, message = one_problem(out, name)
    assert line == 1 and "bersarang lebih dari 20 tingkat" in message


def test_two_thousand_levels_before_a_syntax_error(tmp_path):
    text = "".join(" " * i + f"k{i}:\n" for i in range(2000)) + " " * 2000 + "x: ]\n"
    code, out, err, name = check(tmp_path, text)
    assert code == 1
    line, col, message = one_problem(out, name)
    assert "bersarang lebih dari 20 tingkat" in message and line == 21, out


def test_long_kecamatan_name_refused_by_check_and_build(tmp_path):
    long_name = "Kecamatan " + "Sangat Panjang " * 20
    text = broken("  - Kota Anyar\n", f"  - Kota Anyar\n  - {long_name}\n")
    text = text.replace("kecamatan: Kraksaan\n", f"kecamatan: {long_name}\n")
    code, out, err, name = check(tmp_path, text)
    assert code == 1
    lines = problem_lines(out)
    assert len(lines) == 1 and lines[0].startswith(f"{name}:14:5: kecamatan: "), lines
    assert "terlalu panjang (309 karakter, paling banyak 80)" in lines[0]
    project = make_project(tmp_path / "p", text)
    proc = run_generator(project, "build")
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert "terlalu panjang" in proc.stdout


def test_every_command_prints_on_a_non_utf8_console(tmp_path):
    cp1252 = {"PYTHONIOENCODING": "cp1252"}
    # an error that quotes a value cp1252 cannot encode
    code, out, err, name = check(tmp_path, broken("sektor: makanan\n", "sektor: ꦧꦛꦶꦏ꧀\n"), env=cp1252)
    assert code == 1 and "sektor" in out
    project = make_project(tmp_path / "p", broken("sektor: makanan\n", "sektor: 珈琲\n"))
    for args in (["build"], ["qr"], ["check"]):
        proc = run_generator(project, *args, env=cp1252)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr, (args, proc.stderr)
        assert "\\u73c8\\u7432" in proc.stdout, (args, proc.stdout)


# ---------------------------------------------------------------------------------------------
# Fault 4: resource bounds.
# ---------------------------------------------------------------------------------------------


def alias_bomb(width: int) -> str:
    """A registry whose umkm list holds `width` aliases of one UMKM, which holds `width`
    aliases of one broken certificate: width**2 certificate records from a few KB of text."""
    head = valid_text().split("umkm:\n")[0]
    cert = "&c {id: uji-x, nomor: X, pemegang: P, skema: S, lsp: uji, zzz: 1}"
    umkm = (
        "&u {id: u-x, nama: N, pemilik: P, sektor: batik, kecamatan: Kraksaan, "
        "sertifikat: [" + cert + ", " + ", ".join(["*c"] * (width - 1)) + "]}"
    )
    return head + "umkm: [" + umkm + ", " + ", ".join(["*u"] * (width - 1)) + "]\n"


def test_alias_bomb_refused_at_once(tmp_path):
    # 300 x 300 = 90,000 certificates from a 3 KB file: before, every one was read and had
    # its problems printed (the 21 KB bomb: 59 s, 3 GB, 2 million lines)
    code, out, err, name = check(tmp_path, alias_bomb(300))
    assert code == 1
    lines = problem_lines(out)
    assert len(lines) == 2 + diagnostics.SHOWN_PER_CAUSE + 1, len(lines)  # 2 anchors, 598 aliases
    assert (
        lines[0] == f"{name}:18:8: anchor YAML '&u' tidak dipakai di berkas ini: hapus "
        "tanda & beserta namanya"
    ), lines[0]
    assert "anchor YAML '&c'" in lines[1] and "alias YAML '*c'" in lines[2], lines[:3]
    assert "... dan 578 kesalahan serupa lagi" in lines[-1], lines[-1]
    assert "Ditemukan 600 masalah" in err, err


def test_import_refuses_an_alias_bomb_in_the_data_before_composing_it(tmp_path, capsys):
    """The importer composes the data file whole (to edit it in place): the checker's guards
    run first, so an alias bomb there is refused at once, in the checker's words."""
    from generator.__main__ import main

    data = tmp_path / "umkm.yaml"
    data.write_text(alias_bomb(300), encoding="utf-8")
    sheet = tmp_path / "baru.csv"
    sheet.write_text("id,nama\n", encoding="utf-8")
    code = main(["import", str(sheet), "--data", str(data)])
    said = capsys.readouterr()
    assert code == 1
    assert "anchor YAML '&u' tidak dipakai" in said.out, said.out[:500]
    assert "belum sah" in said.err
    assert len(said.out.splitlines()) < 30


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n---\nb: 2\n",  # two documents
        "a: *nowhere\n",
        "a: &x 1\nb: &x 2\n",
        "umkm:\n  - id: a\n   nama: b\n",
        "umkm:\n  - id: a\n  - [\n",
        "a: " + "[" * 100 + "\n",
        "registri:\n\tjudul: x\n",
        "nama: a\x85b\n",  # written as it is (an escape is the reader's to refuse)
    ],
    ids=range(8),
)
def test_whole_file_composer_refuses_in_the_checkers_words(text):
    with pytest.raises(load.DataError) as checked:
        load.parse(text)
    with pytest.raises(load.DataError) as whole:
        compose.compose_whole(text, "data/umkm.yaml")
    assert whole.value.lines()[0] == checked.value.lines()[0]


def test_lines_printed_per_cause_are_capped(tmp_path):
    item = """\
  - id: usaha-{i}
    nama: Usaha {i}
    pemilik: Pemilik
    sektor: batik
    kecamatan: Kraksaan
    warna: merah
"""
    head = valid_text().split("umkm:\n")[0] + "umkm:\n"
    text = head + "".join(item.format(i=i) for i in range(5000))
    code, out, err, name = check(tmp_path, text)
    assert code == 1
    lines = problem_lines(out)
    assert len(lines) == diagnostics.SHOWN_PER_CAUSE + 1, lines[-3:]
    assert lines[-1].startswith(f"{name}:{6 * 20 + 19 + 5}:5: ... dan 4.980 kesalahan serupa lagi")
    assert "Ditemukan 5.000 masalah" in err


# the child's own peak memory: VmHWM (ru_maxrss would count pytest's pages from before exec)
_MEASURED = """\
import re, resource, sys
from generator.__main__ import main
code = main(sys.argv[1:])
try:
    status = open("/proc/self/status").read()
    peak = int(re.search(r"VmHWM:\\s+([0-9]+) kB", status).group(1))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("peak-rss-kb", peak, file=sys.stderr)
sys.exit(code)
"""


def check_measured(path: Path) -> tuple[int, str, float]:
    """`check --data path` in a child that reports its own peak memory: (code, stdout, MB)."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, "check", "--data", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    peak = int(re.search(r"peak-rss-kb ([0-9]+)", proc.stderr).group(1)) / 1024
    return proc.returncode, proc.stdout, peak


@pytest.mark.parametrize("where", ["top-level", "in-a-umkm", "known-section"])
def test_huge_pasted_list_is_refused_without_reading_it(tmp_path, where):
    # 8-20 MB of "- x" lines: before, 0.6-1.6 GB and up to 2 minutes to say one line
    pasted = "- x\n" * 2_000_000
    if where == "top-level":
        text = valid_text() + "tempelan:\n" + pasted
    elif where == "in-a-umkm":
        text = valid_text() + "    tempelan:\n" + pasted.replace("- x", "      - x")
    else:
        text = broken("kecamatan:\n", "kecamatan:\n" + pasted.replace("- x", "  - x"))
    path = tmp_path / "umkm.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, peak_mb = check_measured(path)
    assert code == 1
    lines = problem_lines(out)
    assert len(lines) == 1 and "terlalu besar" in lines[0], lines
    assert peak_mb < 300, peak_mb  # the text itself is up to 20 MB


# ---------------------------------------------------------------------------------------------
# Fault 5: one line per error; values escaped; no data value starts a line.
# ---------------------------------------------------------------------------------------------


def test_values_are_escaped_and_never_start_a_line(tmp_path):
    evil = "makanan\\n::error::pwned\\n%0A::warning::x"
    text = broken("sektor: makanan\n", f'sektor: "{evil}"\n')
    text = broken("    pemilik: Budi\n", '    pemilik: "Budi"\n    "\\n::error k": x\n', text)
    for fmt in ("teks", "github"):
        code, out, err, name = check(tmp_path, text, "--format", fmt)
        assert code == 1
        lines = problem_lines(out)
        assert len(lines) == 2, lines
        for ln in lines:  # only our own line starts: no data value begins a line
            if fmt == "github":
                assert parse_github(ln)["file"] == name, ln
            else:
                assert LINE.match(ln)["file"] == name, ln
    assert "'makanan\\n::error::pwned\\n%0A::warning::x'" in check(tmp_path, text)[1]


def test_problem_format_is_one_line_whatever_the_message():
    p = load.Problem(3, 4, "x: 'a'\nb\x85c\u2028d\u202ee\x00")
    line = p.format("f\nile.yaml")
    assert "\n" not in line and line.isprintable(), line
    assert line == "f\\nile.yaml:3:4: x: 'a'\\nb\\x85c\\u2028d\\u202ee\\x00"


# ---------------------------------------------------------------------------------------------
# Smaller faults of issue 9 (item 9): each refused with a plain message.
# ---------------------------------------------------------------------------------------------

# fmt: off
REFUSED = [
    ("key-trailing-newline", "  makanan: Makanan\n", '  makanan: Makanan\n  "jahit\\n": Jahit\n',
     11, 3, "tidak sah"),
    ("email-bcc", "email: lapor@contoh.id", "email: lapor@contoh.id?bcc=semua%40evil.example",
     6, 12, "alamat email"),
    ("email-body", "email: lapor@contoh.id", "email: lapor@contoh.id?subject=x&body=y", 6, 12,
     "alamat email"),
    ("email-two-at", "email: lapor@contoh.id", 'email: "a@b.id@evil.example"', 6, 12,
     "alamat email"),
    ("situs-userinfo", "    produk:", "    kontak: {situs: 'https://dinas.go.id@evil.example/'}\n"
     "    produk:", 24, 21, "nama@"),
    ("situs-backslash", "    produk:", "    kontak: {situs: 'https://evil.example\\\\@dinas.go.id/'}"
     "\n    produk:", 24, 21, "alamat web"),
    ("situs-zero-width", "    produk:", "    kontak: {situs: 'https://dinas\u200b.go.id/'}\n"
     "    produk:", 24, 35, "U+200B"),
    ("situs-bidi", "    produk:", "    kontak: {situs: \"https://dinas.go.id/\\u202e\"}\n"
     "    produk:", 24, 42, "U+202E"),
    ("contoh-bool-maybe", "  contoh: true", "  contoh: !!bool maybe", 7, 11, "true atau false"),
    ("contoh-quoted", "  contoh: true", '  contoh: "true"', 7, 11, "tanpa tanda kutip"),
    ("contoh-yes", "  contoh: true", "  contoh: yes", 7, 11, "true atau false"),
    ("date-full-width", "tanggal_uji: 2020-08-27", "tanggal_uji: ２０２０-０８-２７", 34, 22,
     "angka lebar penuh"),
]
# fmt: on


@pytest.mark.parametrize(
    "old, new, line, col, words", [pytest.param(*c[1:], id=c[0]) for c in REFUSED]
)
def test_smaller_faults_refused(tmp_path, old, new, line, col, words):
    assert_one_problem(tmp_path, broken(old, new), line, col, words)


def assert_one_problem(
    tmp_path: Path, text: str, line: int, col: int, words: str, start: str = ""
) -> None:
    """`check` of `text` reports exactly one problem, at line:col, holding `words`."""
    code, out, err, name = check(tmp_path, text)
    assert code == 1, out
    got = one_problem(out, name)
    assert got[:2] == (line, col), out
    assert got[2].startswith(start) and words in got[2], out


def test_situs_and_email_still_accept_real_addresses():
    text = broken(
        "    produk:",
        "    kontak: {situs: 'https://batik-sekar.id:8443/produk?id=1#a',"
        " email: kopi.dua+toko@mail.kopi-dua.co.id}\n    produk:",
    )
    assert problems(text) == []


# ---------------------------------------------------------------------------------------------
# Issue 12: --format github, and YAML syntax errors in Indonesian at the line to fix.
# ---------------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    for code, ch in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        text = text.replace(code, ch)
    return text


def parse_github(line: str) -> dict:
    """A workflow command, parsed as the runner does: ::NAME k=v,k=v::MESSAGE."""
    m = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert m, line
    props = dict(part.split("=", 1) for part in m.group(2).split(","))
    return {
        "command": m.group(1),
        **{k: _unescape(v) for k, v in props.items()},
        "message": _unescape(m.group(3)),
    }


def test_github_annotations_parse_back_to_file_line_col(tmp_path):
    folder = tmp_path / "data, 100%: uji"
    folder.mkdir()
    text = broken("sektor: makanan\n", "sektor: makann\n")
    text = broken("pembiayaan: mandiri", "pembiayaan: 50% gratis", text)
    code, plain, _, name = check(folder, text)
    code2, gh, err, _ = check(folder, text, "--format", "github")
    assert code == code2 == 1
    expected = [LINE.match(ln).groupdict() for ln in problem_lines(plain)]
    got = [parse_github(ln) for ln in problem_lines(gh)]
    assert len(got) == len(expected) == 2
    for e, g in zip(expected, got, strict=True):
        assert g["command"] == "error"
        assert (g["file"], g["line"], g["col"], g["message"]) == (
            name,
            e["line"],
            e["col"],
            e["message"],
        )
    assert "%25" in problem_lines(gh)[0] + problem_lines(gh)[1]
    assert "Ditemukan 2 masalah" in err


def test_github_format_file_level_problem(tmp_path):
    missing = tmp_path / "tidak-ada.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--data", str(missing), "--format", "github"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout.strip() == (
        f"::error file={report.escape_property(str(missing))}::berkas tidak ditemukan"
    )


def _sample_line(prefix: str) -> int:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return next(i for i, ln in enumerate(lines, 1) if ln.startswith(prefix))


def test_missing_space_after_colon_in_the_sample(tmp_path):
    line_no = _sample_line("    desa: ")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_no - 1] = lines[line_no - 1].replace("desa: ", "desa:", 1)
    code, out, err, name = check(tmp_path, "".join(lines))
    assert code == 1
    line, col, message = one_problem(out, name)
    assert (line, col) == (line_no, 10), out
    assert "setelah 'desa:' harus ada spasi" in message


# fmt: off
SYNTAX = [
    # (id, old, new, line, col, words)
    ("no-space-first-key", "  judul: Registri Uji\n", "  judul:Registri Uji\n", 2, 9,
     "setelah 'judul:' harus ada spasi"),
    ("no-space-last-key", "        tanggal_status: 2024-01-10\n",
     "        tanggal_status:2024-01-10\n", 53, 24, "setelah 'tanggal_status:'"),
    ("tab-indent", "    pemilik: Budi\n", "\tpemilik: Budi\n", 40, 1, "karakter Tab"),
    ("unclosed-double-quote", 'nomor: "U/2020/0001"', 'nomor: "U/2020/0001', 30, 16,
     'tanda kutip " dibuka di sini tetapi tidak ditutup'),
    ("unclosed-single-quote", "    nama: Kopi Dua\n", "    nama: 'Kopi Dua\n", 39, 11,
     "tanda kutip ' dibuka di sini"),
    ("apostrophe-in-single-quotes", "    pemilik: Budi\n", "    pemilik: 'Ma'ruf'\n", 40, 17,
     "sesudah tanda kutip penutup"),
    ("indent-too-deep", "    pemilik: Budi\n", "     pemilik: Budi\n", 40, 6,
     "menjorok lebih dalam"),
    ("indent-too-shallow", "    pemilik: Budi\n", "   pemilik: Budi\n", 40, 4,
     "indentasi baris ini tidak sejajar"),
    ("instagram-at", "    produk: [Batik tulis, Batik cap]\n",
     "    produk: [Batik tulis, Batik cap]\n    kontak:\n      instagram: @batiksatu\n", 26, 18,
     'apit seluruh nilai dengan tanda kutip, mis. instagram: "@nama"'),
    ("unclosed-bracket", "produk: [Batik tulis, Batik cap]", "produk: [Batik tulis, Batik cap",
     24, 13, "belum ditutup dengan ]"),
    ("windows-path-escape", "    nama: Kopi Dua\n", '    nama: "C:\\data\\kopi"\n', 39, 14,
     "garis miring terbalik"),
]
# fmt: on


@pytest.mark.parametrize(
    "old, new, line, col, words", [pytest.param(*c[1:], id=c[0]) for c in SYNTAX]
)
def test_yaml_syntax_errors_in_indonesian_at_the_line_to_fix(tmp_path, old, new, line, col, words):
    assert_one_problem(tmp_path, broken(old, new), line, col, words, "kesalahan susunan YAML: ")


# ---------------------------------------------------------------------------------------------
# The next class of the same faults: other outputs that quote data.
# ---------------------------------------------------------------------------------------------


def test_previous_manifest_ids_never_start_a_line(tmp_path):
    """A manifest (read from the live site: not ours to trust) with ids that hold line breaks
    and a workflow command: every printed line stays one of ours."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "sertifikat": [
                    "uji-2020-0001",
                    "uji-2020-0002",
                    "x\n::error::pwned\r\n::warning::y",
                ],
                "umkm": ["batik-satu", "kopi-dua", "z\u202e\u2028::error::q"],
            }
        ),
        encoding="utf-8",
    )
    code, out, err, name = check(tmp_path, valid_text(), "--previous", str(manifest))
    assert code == 1
    lines = [ln for ln in (out + err).splitlines() if ln.strip()]
    assert lines and all(ln.isprintable() for ln in lines), lines
    assert not any(ln.startswith("::") for ln in lines), lines
    code, out, err, name = check(
        tmp_path, valid_text(), "--previous", str(manifest), "--format", "github"
    )
    assert code == 1
    got = [parse_github(ln) for ln in problem_lines(out)]
    assert got and all(g["command"] == "error" for g in got), out


def test_github_format_for_placeholders_in_two_files(tmp_path):
    # contoh: false with the sample's placeholder contact and site_url: trust's refusals name
    # mkdocs.yml and the data file; as annotations they keep their file, line and column
    text = as_real_registry(valid_text())
    text = text.replace("lapor@contoh.id", "registri-umkm@example.org")
    project = make_project(tmp_path / "p", text)
    plain = run_generator(project, "check")
    gh = run_generator(project, "check", "--format", "github")
    assert plain.returncode == gh.returncode == 1, plain.stdout + plain.stderr
    expected = [LINE.match(ln).groupdict() for ln in problem_lines(plain.stdout)]
    got = [parse_github(ln) for ln in problem_lines(gh.stdout)]
    assert len(expected) == len(got) >= 2, (plain.stdout, gh.stdout)
    assert {Path(g["file"]).name for g in got} == {"mkdocs.yml", "umkm.yaml"}
    for e, g in zip(expected, got, strict=True):
        assert (g["file"], g["line"], g["col"], g["message"]) == (
            e["file"],
            e["line"],
            e["col"],
            e["message"],
        )


def test_engine_and_config_errors_are_one_line(tmp_path):
    project = make_project(tmp_path / "p", valid_text())
    cfg = project / "mkdocs.yml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8") + "\nsite_name: [tak\n  tertutup\n", encoding="utf-8"
    )
    for args in (["build"], ["qr"], ["check"]):
        proc = run_generator(project, *args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr
        lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
        tails = ("Situs tidak diubah.", "Tidak ada kode QR yang dibuat")
        said = [ln for ln in lines if not ln.startswith(tails)]
        assert len(said) == 1 and said[0].startswith("mkdocs.yml: kesalahan susunan YAML"), (
            args,
            lines,
        )
