"""YAML syntax errors in the admin's words, at the line to fix; and the parser the reader uses.

libyaml's messages ("could not find expected ':'") name where the parser gave up, often lines
below the mistake; syntax_problem turns them into what to change and where.
"""

from __future__ import annotations

import re

import yaml

from .diagnostics import Pos, Problem, show
from .limits import MAX_DEPTH, TOO_DEEP

# libyaml's composer is ~10x faster than the pure-Python one.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_NO_SPACE_AFTER_COLON = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_-]*):(?=[^\s:/])")


def _line_of(text: str, index: int) -> tuple[int, str]:
    """(offset where the line holding `index` starts, that line)."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return start, text[start : end if end >= 0 else len(text)]


def _lines_before(text: str, index: int, n: int) -> list[tuple[int, int, str]]:
    """The line holding `index` and up to `n` content lines above it:
    [(line offset in text, 0-based line number, text)]."""
    out = []
    start, line = _line_of(text, index)
    number = text.count("\n", 0, start)
    while True:
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((start, number, line))
            if len(out) > n:
                break
        if start == 0:
            break
        start, line = _line_of(text, start - 1)
        number -= 1
    return out


def _indent(line: str) -> int:
    """Column where a line's content starts (after a list item's '- ')."""
    m = re.match(r"[ ]*(?:-[ ]+)*", line)
    return m.end()


def syntax_problem(e: yaml.YAMLError, text: str) -> Problem:
    """The first YAML syntax error of `text`, in Indonesian, at the place the admin must act."""
    prefix = "kesalahan susunan YAML: "
    if not isinstance(e, yaml.MarkedYAMLError) or not (e.problem_mark or e.context_mark):
        return Problem(1, 1, prefix + "susunan YAML tidak sah")
    problem, context = e.problem or "", e.context or ""
    pm = e.problem_mark or e.context_mark
    cm = e.context_mark
    index = min(pm.index, len(text))
    at = text[index] if index < len(text) else ""

    def here(mark, message: str) -> Problem:
        return Problem(mark.line + 1, mark.column + 1, prefix + message)

    structural = (
        "could not find expected ':'",
        "mapping values are not allowed",
        "did not find expected key",
        "expected <block end>",
        "did not find expected '-' indicator",
    )
    if any(s in problem for s in structural):
        for _start, number, line in _lines_before(text, index, 3):
            m = _NO_SPACE_AFTER_COLON.match(line)
            if m:
                return Problem(
                    number + 1,
                    m.end() + 1,
                    prefix + f"setelah '{m.group(1)}:' harus ada spasi sebelum nilainya "
                    f"(tulis '{m.group(1)}: nilai')",
                )
    if at == "\t" or "tab" in problem:
        return here(
            pm,
            "ada karakter Tab di sini: YAML hanya menerima spasi untuk indentasi. Ganti Tab "
            "dengan spasi (VS Code: 'Convert Indentation to Spaces')",
        )
    if "quoted scalar" in context and ("end of stream" in problem or "document" in problem):
        quote = text[cm.index] if cm and cm.index < len(text) else '"'
        return here(
            cm or pm,
            f"tanda kutip {quote} dibuka di sini tetapi tidak ditutup: tambahkan {quote} "
            "di akhir nilai",
        )
    if "escape" in problem:  # point at the backslash that starts the escape
        line_start = text.rfind("\n", 0, index) + 1
        slash = text.rfind("\\", line_start, index + 1)
        if slash >= 0:
            pm = Pos(pm.line, slash - line_start)
    if "escape" in problem and "Unicode" in problem:
        return here(pm, "kode \\u di sini bukan karakter Unicode yang sah: hapus kode ini")
    if "escape" in problem:
        return here(
            pm,
            "garis miring terbalik (\\) di dalam tanda kutip ganda memulai kode khusus: tulis "
            "\\\\ untuk satu garis miring, atau apit nilai dengan tanda kutip tunggal ('...')",
        )
    if "flow sequence" in context or "flow mapping" in context:
        close = "]" if "sequence" in context else "}"
        return here(
            cm or pm,
            f"tanda {text[cm.index] if cm else '['} yang dibuka di sini belum ditutup dengan "
            f"{close} (atau di dalamnya ada ':' tanpa tanda kutip)",
        )
    if "block scalar" in context:
        return here(pm, "sesudah tanda | atau > tidak boleh ada teks lain di baris yang sama")
    if "another document" in problem or "document" in context:
        return here(
            pm,
            "berkas hanya boleh berisi satu dokumen YAML: hapus baris '---' ini (dan isi "
            "sesudahnya bila itu salinan)",
        )
    if "cannot start any token" in problem and at in "@`%":
        return here(
            pm,
            f"nilai tidak boleh diawali {at}: apit seluruh nilai dengan tanda kutip, "
            f'mis. instagram: "{at}nama"',
        )
    if "cannot start any token" in problem:
        return here(pm, f"karakter {show(at)} tidak boleh ada di sini")
    line_start, line = _line_of(text, index)
    before = text[line_start:index].rstrip()
    if before.endswith(('"', "'")) and (
        "did not find expected key" in problem or "expected <block end>" in problem
    ):
        close = line_start + len(before) - 1
        opening = _opening_quote(text, close)
        if opening is not None and text.count("\n", opening, close):
            q = text[close]
            return Problem(
                text.count("\n", 0, opening) + 1,
                opening - (text.rfind("\n", 0, opening) + 1) + 1,
                prefix + f"tanda kutip {q} dibuka di sini tetapi tidak ditutup di baris ini "
                f"(baru tertutup di baris {text.count(chr(10), 0, close) + 1}): tambahkan {q} "
                "di akhir nilai",
            )
        return Problem(
            pm.line + 1,
            len(before),
            prefix + "ada teks sesudah tanda kutip penutup ini. Bila nilainya memuat tanda "
            'kutip, apit seluruh nilai dengan tanda kutip jenis lain, mis. pemilik: "Ma\'ruf"',
        )
    if "mapping values are not allowed" in problem:
        above = _lines_before(text, index, 1)
        indent = _indent(line)
        if len(above) > 1:
            prev = above[1][2]
            if indent > _indent(prev) and not prev.rstrip().endswith(":"):
                return Problem(
                    pm.line + 1,
                    indent + 1,
                    prefix + "baris ini menjorok lebih dalam daripada baris di atasnya: "
                    "samakan jumlah spasi di awal baris dengan kunci lain di blok ini",
                )
        return here(
            pm,
            "nilai berisi ': ' (titik dua lalu spasi): apit seluruh nilai dengan tanda kutip, "
            'mis. nama: "Batik: Satu"',
        )
    if any(s in problem for s in structural):
        indent = len(line) - len(line.lstrip(" "))
        start = _block_start(text, pm.line, indent, cm.line if cm else 0)
        block = f" (blok yang dimulai di baris {start + 1})" if cm else ""
        return Problem(
            pm.line + 1,
            indent + 1,
            prefix + "indentasi baris ini tidak sejajar dengan baris lain di blok yang sama"
            f"{block}: setiap kunci dalam satu blok diawali jumlah spasi yang sama",
        )
    return here(pm, f"{problem or context}. Periksa indentasi dan tanda ':' di sekitar baris ini.")


def _block_start(text: str, line: int, indent: int, outer: int) -> int:
    """The line (0-based) where the block holding `line` starts: the nearest line above it that
    is indented less (a `- id:` item, a `kontak:` key), not looking above `outer` (the start of
    the collection the parser names, which for a list of UMKM is the first UMKM)."""
    lines = text.split("\n", line + 1)[:line]
    for n in range(len(lines) - 1, max(outer, 0) - 1, -1):
        here = lines[n]
        body = here.lstrip(" ")
        if body and not body.startswith("#") and len(here) - len(body) < indent:
            return n
    return outer


def _opening_quote(text: str, close: int) -> int | None:
    """Where the quoted scalar that ends at `close` (its closing quote) was opened."""
    q = text[close]
    i = close - 1
    while i >= 0:
        if text[i] == q:
            if q == "'" and i > 0 and text[i - 1] == "'":
                i -= 2  # '' is a quote inside a single-quoted value
                continue
            if q == '"':
                slashes = i - len(text[:i].rstrip("\\"))
                if slashes % 2:
                    i -= 1
                    continue
            return i
        i -= 1
    return None


def first_syntax_problem(text: str) -> Problem | None:
    """Walk the whole text's events (bounded memory, no recursion) for its first error: too
    deep a nesting, a second document, or a syntax error."""
    docs = depth = 0
    start_events = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    end_events = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    try:
        for ev in yaml.parse(text, Loader=FAST_LOADER):
            m = ev.start_mark
            if isinstance(ev, start_events):
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(m.line + 1, m.column + 1, TOO_DEEP)
            elif isinstance(ev, end_events):
                depth -= 1
            elif isinstance(ev, yaml.DocumentStartEvent):
                docs += 1
                if docs > 1:
                    return Problem(
                        m.line + 1,
                        m.column + 1,
                        "kesalahan susunan YAML: berkas hanya boleh berisi satu dokumen YAML: "
                        "hapus baris '---' ini (dan isi sesudahnya bila itu salinan)",
                    )
    except yaml.YAMLError as e:
        return syntax_problem(e, text)
    return None
