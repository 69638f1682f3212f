"""The command line: python -m generator check | build | serve | qr | docs | kunci | verify."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli import argparse_id, report
from .data import config, load, reference, schema, trust

DEFAULT_DATA = "data/umkm.yaml"


def cmd_check(args: argparse.Namespace) -> int:
    from .data import confidential

    errors, registry, secrets = [], None, {}
    try:
        registry = load.load(args.data)
        site_url, config_file = _site_url_for_check(args.config)
        trust.require_publishable(
            registry, site_url, Path(args.data), config_file, need_site_url=config_file is not None
        )
    except load.DataError as e:
        errors.append(e)
    except config.ConfigError as e:
        report.say(e)
        return 1
    try:  # data/rahasia.yaml beside the data, when present: validated, never printed
        secrets = confidential.read(confidential.path_for(args.data), registry)
    except load.DataError as e:
        errors.append(e)
    if errors:
        return report.data_errors(errors, "Perbaiki lalu jalankan lagi.", args.format)
    trust.print_warnings(registry, site_url, config_file)
    from .publish import guard

    problem = guard.ledger_problems(registry, args.data)
    if problem is not None:
        return report.data_errors([problem], "Perbaiki lalu jalankan lagi.", args.format)
    findings = _published_ids_guard(registry, args, config_file)
    for line in findings.warnings:
        report.say(line, sys.stderr)
    for line in findings.errors:
        report.problem_line(line, args.format, args.data)
    if findings.errors:
        return 1
    n_cert = sum(1 for _ in registry.certificates())
    print(f"{args.data}: data sah: {len(registry.umkm)} UMKM, {n_cert} sertifikat.")
    if secrets:
        print(f"{confidential.path_for(args.data)}: data rahasia sah untuk {len(secrets)} UMKM.")
    return 0


def _published_ids_guard(registry, args: argparse.Namespace, config_file: Path | None):
    """The ledger's git history, the last local build's manifest and `--previous`."""
    from .publish import guard, ledger, manifest

    findings = guard.Findings()
    recorded = 0
    if not registry.registri.contoh:
        findings.extend(guard.history_problems(args.data))
        recorded = len(ledger.read(ledger.path_for(args.data)))
    sources = []
    if args.previous:
        sources.append((str(args.previous), False))
    if Path(args.data).resolve() == Path(DEFAULT_DATA).resolve():
        site_dir = "site"
        if config_file is not None:
            try:
                site_dir = str(config.read_mkdocs_yml(config_file).get("site_dir") or "site")
            except config.ConfigError:
                pass
        base = config_file.parent if config_file is not None else Path()
        local = base / site_dir / "api" / "manifest.json"
        if local.is_file():
            sources.append((str(local), True))
    for source, is_local in sources:
        try:
            previous = manifest.load_previous(source)
        except manifest.ManifestError as e:
            findings.errors.append(f"{source}: {e}")
            continue
        findings.extend(
            guard.manifest_problems(
                registry, args.data, previous, source, recorded=recorded, local=is_local
            )
        )
    return findings


def _site_url_for_check(config_arg: str | None) -> tuple[str | None, Path | None]:
    """site_url from mkdocs.yml, and the file it came from. `check` without --config in a
    folder that has no mkdocs.yml checks the data alone (config file None)."""
    path = Path(config_arg or "mkdocs.yml")
    if config_arg is None and not path.exists():
        return None, None
    raw = config.read_mkdocs_yml(path).get("site_url")
    return config.normalise_site_url(None if raw is None else str(raw)), path


def _report_data_error(e: load.DataError, tail: str = "Perbaiki lalu jalankan lagi.") -> int:
    """Print every problem as FILE:LINE:COL: message, and a count; exit code 1."""
    return report.data_errors([e], tail)


def cmd_build(args: argparse.Namespace) -> int:
    from . import pipeline, signing

    pipeline.quiet_mkdocs_logging()
    config_file = Path(args.config)
    data = Path(args.data) if args.data else pipeline.data_path(config_file.parent.resolve())
    try:
        registry = pipeline.build(
            config_file,
            data,
            Path(args.site_dir) if args.site_dir else None,
            strict=args.strict,
            engine=args.mesin,
            record=args.catat,
        )
    except load.DataError as e:
        return _report_data_error(e, "Situs tidak diubah.")
    except (config.ConfigError, pipeline.BuildError, signing.SigningError) as e:
        report.say(e)
        print("Situs tidak diubah.", file=sys.stderr)
        return 1
    site_url = config.read_mkdocs_yml(config_file).get("site_url")
    trust.print_warnings(registry, config.normalise_site_url(site_url), config_file)
    n_cert = sum(1 for _ in registry.certificates())
    target = args.site_dir or "site"
    print(f"Situs dibangun di {target}/: {len(registry.umkm)} UMKM, {n_cert} sertifikat.")
    if pipeline._last_signer is not None:
        s = signing.stats
        print(
            f"Ditandatangani dengan kunci '{pipeline._last_signer.key.id}': {n_cert} sertifikat "
            f"digital ({s['signed']} ditandatangani baru, {s['cached']} dari cache)."
        )
    else:
        print("Situs tidak ditandatangani: registri.kunci kosong.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from . import pipeline, serve

    config_file = Path(args.config)
    data = Path(args.data) if args.data else pipeline.data_path(config_file.parent.resolve())
    if data.is_absolute() and data.is_relative_to(Path.cwd()):
        data = data.relative_to(Path.cwd())  # error lines read data/umkm.yaml:12:5, as check's
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        print(f"--dev-addr {args.dev_addr!r}: tulis ALAMAT:PORT, mis. 127.0.0.1:8000")
        return 1
    try:
        return serve.serve(config_file, data, host, int(port))
    except config.ConfigError as e:
        report.say(e)
        return 1


def cmd_docs(args: argparse.Namespace) -> int:
    """Rewrite what is generated from the model and committed: JSON Schema, the admin guide's
    field table."""
    root = Path(args.root)
    guide = root / reference.GUIDE_PATH
    try:  # the guide first: --root at a folder that is no project writes nothing
        text = guide.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        why = getattr(e, "strerror", None) or "bukan teks UTF-8"
        print(f"{guide}: tidak bisa dibaca ({why}); --root harus folder proyek", file=sys.stderr)
        return 1
    try:
        new = reference.replace_between(
            text, reference.README_START, reference.README_END, reference.data_field_table()
        )
    except ValueError:
        print(
            f"{guide}: tanda awal/akhir tabel kunci data tidak ada; tidak diubah", file=sys.stderr
        )
        return 1
    try:
        (root / schema.SCHEMA_PATH).parent.mkdir(parents=True, exist_ok=True)
        (root / schema.SCHEMA_PATH).write_text(schema.json_schema_text(), encoding="utf-8")
        guide.write_text(new, encoding="utf-8")
    except OSError as e:
        print(f"{root}: tidak bisa ditulis ({e.strerror or e})", file=sys.stderr)
        return 1
    print(f"ditulis: {schema.SCHEMA_PATH}, {reference.GUIDE_PATH} (tabel kunci data)")
    return 0


def cmd_qr(args: argparse.Namespace) -> int:
    """Print-ready QR codes (SVG and PNG) and an A4 label sheet of the chosen certificates."""
    from .site import qr, qr_print

    try:
        registry = load.load(args.data)
        raw = config.read_mkdocs_yml(args.config).get("site_url")
        raw = None if raw is None else str(raw)
        config_file = Path(args.config)
        site_url = config.require_site_url(raw, source=args.config)
        trust.require_publishable(registry, site_url, Path(args.data), config_file)
        today = config.build_date()
        chosen = qr_print.select_certificates(
            registry, today, semua=args.semua, ids=args.sertifikat or (), sejak=args.sejak
        )
    except load.DataError as e:
        return _report_data_error(e, "Tidak ada kode QR yang dibuat.")
    except (config.ConfigError, qr_print.SelectionError) as e:
        report.say(e, sys.stderr)
        print("Tidak ada kode QR yang dibuat; folder hasil tidak diubah.", file=sys.stderr)
        return 1
    trust.print_warnings(registry, site_url, config_file)
    try:
        written = qr_print.write_print_folder(
            registry, site_url, Path(args.out), today=today, certificates=chosen
        )
    except qr_print.OutDirError as e:
        report.say(e, sys.stderr)
        return 1
    except OSError as e:
        print(
            f"{args.out}: tidak bisa ditulis ({e.strerror or e}); folder lama tidak diubah.",
            file=sys.stderr,
        )
        return 1
    n = sum(1 for p in written if p.suffix == ".png")
    n_valid = sum(1 for _, c in chosen if c.displayed_status(today) == "berlaku")
    others = f", {n - n_valid} TIDAK BERLAKU (bertanda JANGAN DITEMPEL)" if n > n_valid else ""
    print(
        f"{args.out}/: {n} kode QR ({n_valid} berlaku{others}; SVG dan PNG {qr.PRINT_DPI} dpi, "
        f"lebar minimal {qr.PRINT_MIN_MM:g} mm) dan {qr_print.LABEL_SHEET} untuk dicetak di kertas "
        f"A4 ({qr.stats['made']} dibuat baru, {max(0, n - qr.stats['made'])} dari cache)."
    )
    return 0


def cmd_kunci_baru(args: argparse.Namespace) -> int:
    """A new signing key pair: private key to --out, the YAML item to stdout."""
    import re

    from .data import config, declarations
    from .signing import newkey

    if args.id is not None and not re.match(declarations.KEY_RE, args.id):
        print(
            f"--id '{args.id}' tidak sah: pakai huruf kecil a-z, angka atau tanda -",
            file=sys.stderr,
        )
        return 1
    try:
        today = config.build_date()
    except config.ConfigError as e:
        print(e, file=sys.stderr)
        return 1
    return newkey.main(args.out, args.id, today)


def cmd_verify(args: argparse.Namespace) -> int:
    """Check a built or published site: hashes, signatures, credentials and their status."""
    from .signing import verify

    return verify.main(args.situs, args.kunci)


# -- spreadsheets (export / import) -------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    """The registry as a workbook: UMKM, Sertifikat, Referensi (and RAHASIA with --rahasia)."""
    from .sheets import export_xlsx

    out, data = Path(args.out), Path(args.data)
    try:
        export_xlsx.check_out_path(out, data)
    except export_xlsx.OutPathError as e:
        print(e, file=sys.stderr)
        return 1
    try:
        registry = load.load(data)
    except load.DataError as e:
        return _report_data_error(e, "Buku kerja tidak dibuat.")
    secrets = None
    if args.rahasia:
        inside = config.published_folder(out, [Path.cwd(), data.resolve().parent.parent])
        if inside is not None:
            print(
                f"{out}: berkas ini ada di {inside[1]} {inside[0]}, yang diterbitkan atau "
                "diganti setiap kali situs dibangun: data rahasia bisa menjadi publik. Simpan "
                "buku kerja RAHASIA di luar folder proyek, mis. di folder Dokumen.",
                file=sys.stderr,
            )
            return 1
        if not _rahasia_out_ignored(out):
            return 1
        secrets = _secrets_for_export(registry, data)
        if secrets is None:
            return 1
    try:
        counts = export_xlsx.write(registry, out, template=args.templat, secrets=secrets)
    except OSError as e:
        hint = "; tutup dulu berkas itu di Excel" if isinstance(e, PermissionError) else ""
        print(f"{out}: tidak bisa ditulis ({e.strerror or e}){hint}", file=sys.stderr)
        return 1
    if args.templat:
        print(
            f"{out}: templat kosong (judul kolom, daftar pilihan, Referensi) untuk angkatan baru."
        )
    else:
        print(f"{out}: {counts['umkm']} UMKM, {counts['sertifikat']} sertifikat.")
    if secrets is not None:
        print(
            f"Lembar RAHASIA berisi data rahasia {counts['rahasia']} UMKM: jangan unggah "
            "berkas ini ke GitHub atau membagikannya.",
            file=sys.stderr,
        )
    return 0


def _rahasia_out_ignored(out: Path) -> bool:
    """False (said) when the RAHASIA workbook would land in a git work tree where git does not
    ignore it: one `git add .` from the public repository (the private key's rule)."""
    import os
    import shutil

    from .signing import newkey

    target = Path(os.path.abspath(out))
    repo = newkey._repository_of(target)
    if repo is None or shutil.which("git") is None or newkey._git_ignores(repo, target):
        return True
    print(
        f"{out}: berkas ini ada di dalam repositori {repo} dan tidak diabaikan git: data "
        "rahasia bisa ikut terunggah dan menjadi publik. Simpan buku kerja RAHASIA di luar "
        "repositori (mis. di folder Dokumen), atau di folder yang tercantum di .gitignore.",
        file=sys.stderr,
    )
    return False


def _secrets_for_export(registry, data: Path):
    """Confidential records of the registry (inline sample blocks and data/rahasia.yaml), or
    None when data/rahasia.yaml has problems (reported)."""
    from .data import confidential

    try:
        return confidential.all_secrets(registry, data)
    except load.DataError as e:
        _report_data_error(e, "Buku kerja tidak dibuat.")
        return None


def cmd_import(args: argparse.Namespace) -> int:
    from .sheets import importer

    result = importer.run(Path(args.berkas), Path(args.data), dry_run=args.dry_run, fmt=args.format)
    for line in result.lines:
        print(line)
    for line in result.notes:
        print(line, file=sys.stderr)
    return result.code


def _date_arg(text: str):
    """argparse type for --sejak: an ISO date, with the message in Indonesian."""
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal '{text}' tidak sah: tulis sebagai TAHUN-BULAN-HARI, mis. 2025-01-31"
        ) from None


def main(argv: list[str] | None = None) -> int:
    report.configure_output()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` or a closed pager: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def build_parser() -> argparse.ArgumentParser:
    """The command line: every command and option (tests walk it for Indonesian help)."""
    p = argparse_id.Parser(
        prog="python -m generator", description="Registri UMKM: periksa, bangun dan terbitkan."
    )
    sub = p.add_subparsers(dest="command", required=True, title="perintah", metavar="PERINTAH")

    c = sub.add_parser("check", help="periksa berkas data")
    c.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    c.add_argument("--previous", help="manifest id yang pernah terbit (berkas atau URL)")
    c.add_argument(
        "--format",
        choices=report.FORMATS,
        default="teks",
        help="bentuk laporan: teks (BERKAS:BARIS:KOLOM: pesan) atau github (anotasi GitHub "
        "Actions di baris yang salah)",
    )
    c.add_argument(
        "--config",
        default=None,
        help="berkas mkdocs.yml yang memuat site_url (bawaan: mkdocs.yml, bila ada)",
    )
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="periksa data lalu bangun situs")
    b.add_argument("--data", default=None, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    b.add_argument("--site-dir", default=None, help="folder hasil (bawaan: site)")
    b.add_argument(
        "--config", default="mkdocs.yml", help="berkas konfigurasi MkDocs (bawaan: mkdocs.yml)"
    )
    b.add_argument("--strict", action="store_true", help="peringatan mkdocs dianggap gagal")
    b.add_argument(
        "--mesin",
        choices=("mkdocs", "properdocs"),
        default="mkdocs",
        help="mesin pembangun situs: mkdocs (bawaan) atau properdocs (lanjutan MkDocs 1.6 "
        "yang masih dirawat; hasilnya sama)",
    )
    b.add_argument(
        "--catat",
        action="store_true",
        help="situs ini akan diterbitkan: catat id baru di data/id-terbit.txt (dipakai workflow)",
    )
    b.set_defaults(func=cmd_build)

    s = sub.add_parser(
        "serve", help="situs langsung di komputer ini, dimuat ulang saat data berubah"
    )
    s.add_argument("--data", default=None, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    s.add_argument(
        "--config", default="mkdocs.yml", help="berkas konfigurasi MkDocs (bawaan: mkdocs.yml)"
    )
    s.add_argument(
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="ALAMAT:PORT",
        help="alamat dan port situs lokal (bawaan: 127.0.0.1:8000)",
    )
    s.set_defaults(func=cmd_serve)

    d = sub.add_parser("docs", help="tulis ulang skema JSON dan tabel kunci di panduan admin")
    d.add_argument("--root", default=".", help="folder proyek (bawaan: folder ini)")
    d.set_defaults(func=cmd_docs)

    q = sub.add_parser("qr", help="kode QR cetak (SVG, PNG) dan lembar label A4")
    q.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    q.add_argument("--out", default="qr-cetak", help="folder hasil (bawaan: qr-cetak)")
    q.add_argument("--config", default="mkdocs.yml", help="berkas mkdocs.yml yang memuat site_url")
    q.add_argument(
        "--semua",
        action="store_true",
        help="cetak juga sertifikat yang tidak berlaku (kedaluwarsa, dibekukan, dicabut), "
        "masing-masing bertanda JANGAN DITEMPEL; tanpa ini hanya yang berlaku",
    )
    q.add_argument(
        "--sertifikat",
        nargs="+",
        metavar="ID",
        help="cetak hanya sertifikat dengan id ini (boleh beberapa, dipisah spasi)",
    )
    q.add_argument(
        "--sejak",
        type=_date_arg,
        metavar="TANGGAL",
        help="cetak hanya sertifikat yang terbit pada atau sesudah tanggal ini (TTTT-BB-HH)",
    )
    q.set_defaults(func=cmd_qr)

    k = sub.add_parser("kunci", help="kunci tanda tangan registri")
    ks = k.add_subparsers(dest="aksi", required=True)
    kb = ks.add_parser(
        "baru",
        help="buat pasangan kunci baru: kunci privat ke --out, baris YAML ke layar",
        description="Membuat pasangan kunci Ed25519. Kunci privat ditulis ke --out (hanya bisa "
        "dibaca pemiliknya; tidak pernah menimpa berkas, tidak di dalam repositori kecuali "
        "diabaikan git). Baris YAML untuk registri.kunci dicetak ke layar.",
    )
    kb.add_argument(
        "--out", required=True, help="berkas kunci privat yang dibuat (di luar repositori)"
    )
    kb.add_argument("--id", default=None, help="nama kunci (bawaan: kunci-TAHUN-BULAN-HARI)")
    kb.set_defaults(func=cmd_kunci_baru)

    v = sub.add_parser(
        "verify",
        help="periksa hash, tanda tangan dan status sertifikat digital sebuah situs",
    )
    v.add_argument(
        "situs", metavar="SITE_DIR_OR_URL", help="folder situs hasil build, atau alamatnya"
    )
    v.add_argument(
        "--kunci",
        default=None,
        metavar="FILE_OR_DID_JSON",
        help="kunci publik tepercaya: did.json, atau berkas yang memuat kunci z6Mk... "
        "(mis. data/umkm.yaml)",
    )
    v.set_defaults(func=cmd_verify)

    e = sub.add_parser(
        "export", help="tulis registri sebagai buku kerja Excel (.xlsx) untuk disunting"
    )
    e.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    e.add_argument("--out", required=True, metavar="BERKAS.xlsx", help="buku kerja yang ditulis")
    e.add_argument(
        "--templat",
        action="store_true",
        help="buku kerja kosong (judul kolom, daftar pilihan, Referensi) untuk angkatan baru",
    )
    e.add_argument(
        "--rahasia",
        action="store_true",
        help="sertakan data rahasia (NIK, alamat, catatan) di lembar RAHASIA; jangan diunggah",
    )
    e.set_defaults(func=cmd_export)

    i = sub.add_parser("import", help="gabungkan buku kerja (.xlsx) atau CSV ke berkas data")
    i.add_argument("berkas", metavar="BERKAS", help="buku kerja .xlsx atau berkas .csv")
    i.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    i.add_argument(
        "--dry-run",
        action="store_true",
        help="uji coba: tampilkan perubahan yang akan dibuat, tanpa menulis apa pun",
    )
    i.add_argument(
        "--format",
        choices=report.FORMATS,
        default="teks",
        help="bentuk pesan: teks (bawaan) atau github (anotasi GitHub Actions)",
    )
    i.set_defaults(func=cmd_import)

    return p


if __name__ == "__main__":
    sys.exit(main())
