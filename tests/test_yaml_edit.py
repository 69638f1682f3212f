"""The in-place editor on layouts the sample does not use: flow blocks, block scalars, empty
values, another key order, unindented lists, comments between items. Every edit must give the
intended values (read back by the checker) and leave every other line as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.data import declarations, load, yaml_edit, yaml_nodes, yaml_style
from generator.sheets.import_merge import _CERT_FIELD, _UMKM_FIELD, index_data

HEAD = """registri:
  judul: Uji
  penerbit: Dinas
  wilayah: Kabupaten Uji
  contoh: true
sektor: {batik: Batik, kopi: Kopi}
kecamatan: [Kraksaan, Paiton]
lsp:
  mwpm: {nama: LSP Uji}
"""

BODY = """umkm:
# first comment
- nama: Batik Satu          # key order differs
  id: batik-satu
  pemilik: 'Ani'
  sektor: batik
  kecamatan: Kraksaan
  desa:
  kontak: {telepon: "0812-1111", email: a@b.id}
  deskripsi: |
    Baris satu.
    Baris dua.

  sertifikat:
  - id: c-1
    nomor: '0001'
    pemegang: Ani
    skema: S
    lsp: mwpm
    asesor: [Asesor A]
    tanggal_terbit: 2020-01-02
    pembiayaan: mandiri
  # a comment between certificates
  - id: c-2
    nomor: "0002"
    pemegang: Ani
    skema: S
    lsp: mwpm
    tanggal_terbit: 2020-01-03
    pembiayaan: mandiri
- id: kopi-dua
  nama: Kopi Dua
  pemilik: Budi
  sektor: kopi
  kecamatan: Paiton
# trailing comment
"""


def _doc(text: str):
    root = yaml_nodes.compose(text)
    return yaml_edit.Document(text, root), index_data(root)


def _unchanged_lines_kept(old: str, new: str, changed: int) -> None:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    kept = [ln for ln in old_lines if ln in new_lines]
    assert len(old_lines) - len(kept) <= changed, set(old_lines) - set(new_lines)


@pytest.mark.parametrize("crlf", [False, True])
def test_edits_on_an_unusual_layout(crlf):
    text = HEAD + BODY
    if crlf:
        text = text.replace("\n", "\r\n")
    doc, idx = _doc(text)
    doc.set_record(
        idx.umkm["batik-satu"],
        declarations.UMKM,
        {
            "pemilik": "Ani Rahayu",  # single-quoted stays single-quoted
            "desa": "Asembagus",  # empty value filled in place
            "kontak": {"telepon": "0812-2222", "whatsapp": "+6281234567"},  # flow block rewritten
            "deskripsi": "Satu baris saja",  # block scalar replaced
            "produk": ["Batik tulis", "Batik cap"],  # new key, after its predecessor
        },
    )
    doc.set_record(idx.cert["c-1"][1], declarations.CERTIFICATE,
                   {"asesor": ["A", "B, S.E."], "berlaku_sampai": dt.date(2023, 1, 1)})  # fmt: skip
    doc.set_record(idx.cert["c-2"][1], declarations.CERTIFICATE, {"nomor": "0003"})
    doc.append_items(
        idx.umkm["kopi-dua"],
        "sertifikat",
        _CERT_FIELD,
        declarations.UMKM,
        [({"id": "c-3", "nomor": "0004", "pemegang": "Budi", "skema": "S", "lsp": "mwpm",
           "tanggal_terbit": dt.date(2021, 1, 1), "pembiayaan": "mandiri"}, None)],
    )  # fmt: skip
    doc.append_items(
        doc.root,
        "umkm",
        _UMKM_FIELD,
        declarations.ROOT.fields,
        [({"id": "baru", "nama": "Baru: Usaha #1", "pemilik": "true", "sektor": "kopi",
           "kecamatan": "Paiton", "produk": ["a, b", "c"]}, None)],
    )  # fmt: skip
    new = doc.result()
    reg = load.parse(new)
    u = reg.umkm_by_id()["batik-satu"]
    assert (u.pemilik, u.desa, u.deskripsi) == ("Ani Rahayu", "Asembagus", "Satu baris saja")
    assert (u.kontak.telepon, u.kontak.whatsapp, u.kontak.email) == (
        "0812-2222",
        "+6281234567",
        "a@b.id",
    )
    assert u.produk == ("Batik tulis", "Batik cap")
    c1, c2 = u.sertifikat
    assert c1.asesor == ("A", "B, S.E.") and c1.berlaku_sampai == dt.date(2023, 1, 1)
    assert c1.nomor == "0001" and c2.nomor == "0003"
    assert reg.umkm_by_id()["kopi-dua"].sertifikat[0].nomor == "0004"
    baru = reg.umkm[-1]
    assert (baru.nama, baru.pemilik, baru.produk) == ("Baru: Usaha #1", "true", ("a, b", "c"))
    nl = "\r\n" if crlf else "\n"
    assert f"  pemilik: 'Ani Rahayu'{nl}" in new
    assert f"    nomor: '0001'{nl}" in new and f'    nomor: "0003"{nl}' in new
    assert "# a comment between certificates" in new and new.rstrip().endswith("# trailing comment")
    # kopi-dua had no certificates: the new list follows the file's own (unindented) style
    assert f"  sertifikat:{nl}  - id: c-3{nl}    nomor: '0004'{nl}" in new
    if crlf:
        assert "\n" not in new.replace("\r\n", "")
    _unchanged_lines_kept(text, new, changed=12)


def test_plain_scalars_that_would_change_type_are_quoted():
    for s in (
        "0001",
        "0812",
        "1e3",
        "yes",
        "No",
        "null",
        "2020-08-27",
        "1:20",
        "0o17",
        "- a",
        "a: b",
        "a #b",
        "[x]",
        "@akun",
        "~",
        ".inf",
        " lead",
        "tab\there",
        "ok\u2028",
    ):
        assert not yaml_style.plain_ok(s), s
    for s in ("Batik Tulis", "MWPM/UMKM/2020/0001", "Jl. Mawar No. 12", "a:b", "Café"):
        assert yaml_style.plain_ok(s), s

    def parsed(s: str):
        return load.parse(
            HEAD + f"umkm:\n- id: x1\n  nama: {yaml_style.double_quoted(s)}\n"
            "  pemilik: a\n  sektor: kopi\n  kecamatan: Paiton\n"  # fmt: skip
        )

    for s in ('say "hi"\\', "line\nbreak", "😀"):
        assert parsed(s).umkm[0].nama == s.strip()
    # characters the checker refuses in any value are refused when written as escapes too
    for s in ("\x07bell", "a\u2028b"):
        with pytest.raises(load.DataError, match="U\\+"):
            parsed(s)
