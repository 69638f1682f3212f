"""The address as the trust anchor (SPEC "Trust"): no placeholder ever reaches paper.

A partner believes a verification page because of the address it is on. So a real registry
(`registri.contoh: false`) may not be checked, built or printed while its `site_url` or its
`registri.kontak` still holds a placeholder; a `*.github.io` address is allowed with a warning
that names the better anchor (the Dinas's own `.go.id` subdomain); and a custom host gets the
`CNAME` file GitHub Pages reads.

`problems` and `warnings` are pure; `require_publishable` raises `TrustError`, a
`load.DataError` whose lines name the file and line of each placeholder (mkdocs.yml for
site_url, the data file for the contact), so every caller that reports data errors already
reports these the same way.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import config, diagnostics, load, model, user_files

# The sample registry's own values (data/umkm.yaml as shipped): a real registry that still
# holds one of them has not been filled in.
SAMPLE_CONTACT = {
    "email": ("registri-umkm@example.org",),
    "telepon": ("(0335) 000-0000",),
    "alamat": ("Jl. Contoh Raya No. 1, Kraksaan, Kabupaten Probolinggo (alamat contoh)",),
}
SAMPLE_SITE_URL = "https://example.github.io/registri-umkm/"

# Labels that mark a documentation or test host (RFC 2606, RFC 6761; "contoh" is Indonesian
# for "example", as in the admin guide's nama@contoh.id).
_PLACEHOLDER_LABELS = {"example", "contoh", "alamat-situs"}
_PLACEHOLDER_TLDS = {"example", "test", "invalid", "localhost", "local", "internal"}
GITHUB_IO = ".github.io"
BETTER_ANCHOR = "subdomain .go.id milik Pemda, mis. registri-umkm.probolinggokab.go.id"


class TrustError(load.DataError):
    """Placeholders in a real registry. Lines may name two files (mkdocs.yml, the data)."""

    def __init__(self, filename: str, lines: list[str]):
        self._lines = lines
        super().__init__(filename, [load.Problem(0, 0, line) for line in lines])

    def lines(self) -> list[str]:
        return list(self._lines)


@dataclass(frozen=True)
class Finding:
    where: str  # FILE:LINE:COL (or FILE when the line is unknown)
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def host_of(site_url: str | None) -> str | None:
    """The host of site_url in lower case, without port; None when there is none."""
    if not site_url:
        return None
    try:
        host = urlsplit(site_url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def placeholder_host(host: str | None) -> str | None:
    """Why `host` cannot be a published registry's address, or None when it can."""
    if not host:
        return "tanpa nama situs"
    try:
        ipaddress.ip_address(host.strip("[]"))
        return "alamat IP, bukan nama situs"
    except ValueError:
        pass
    labels = host.split(".")
    if host == "localhost" or labels[-1] in _PLACEHOLDER_TLDS:
        return f"nama contoh/uji (.{labels[-1]})" if host != "localhost" else "komputer sendiri"
    if _PLACEHOLDER_LABELS & set(labels):
        return "nama situs contoh"
    if len(labels) < 2:
        return "bukan nama situs lengkap"
    return None


def is_github_io(host: str | None) -> bool:
    return bool(host) and host.endswith(GITHUB_IO)


def custom_domain(site_url: str | None) -> str | None:
    """The host GitHub Pages must serve (the CNAME file's content), or None for *.github.io,
    no site_url or a placeholder."""
    host = host_of(site_url)
    if not host or is_github_io(host) or placeholder_host(host):
        return None
    return host


# ---------------------------------------------------------------------------------------------
# Where things stand in their files
# ---------------------------------------------------------------------------------------------


def site_url_position(config_file: Path) -> str:
    """`mkdocs.yml:LINE:COL` of the site_url value (FILE alone when it cannot be found)."""
    name = str(config_file)
    try:
        text = user_files.read_text(config_file, user_files.CONFIG, encoding="utf-8")
    except (user_files.UserFileError, UnicodeDecodeError):
        return name
    for i, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"site_url\s*:\s*", line)
        if m:
            return f"{name}:{i}:{m.end() + 1}"
    return name


def _contact_positions(data_file: Path) -> dict[str, str]:
    """{key: FILE:LINE:COL} of registri.kontak's values; {} when the file cannot be read.
    Only called when something is wrong, so reading the file again costs nothing normally."""
    name = str(data_file)
    out: dict[str, str] = {"": name}
    try:
        node = yaml.compose(user_files.read_text(data_file, user_files.DATA), Loader=_LOADER)
    except (user_files.UserFileError, UnicodeDecodeError, yaml.YAMLError):
        return out

    def child(mapping, key):
        if isinstance(mapping, yaml.MappingNode):
            for k, v in mapping.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return k, v
        return None, None

    _, registri = child(node, "registri")
    k, kontak = child(registri, "kontak")
    if k is not None:
        out[""] = f"{name}:{k.start_mark.line + 1}:{k.start_mark.column + 1}"
    for key in ("email", "telepon", "alamat"):
        _, v = child(kontak, key)
        if v is not None:
            out[key] = f"{name}:{v.start_mark.line + 1}:{v.start_mark.column + 1}"
    return out


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


def _contact_placeholders(contact: model.RegistryContact) -> dict[str, str]:
    """{key: why} for each contact value that is still a placeholder."""
    out = {}
    for key, samples in SAMPLE_CONTACT.items():
        value = getattr(contact, key)
        if not value:
            continue
        if value.strip() in samples:
            out[key] = "masih nilai dari data contoh"
        elif key == "email":
            domain = value.rsplit("@", 1)[-1]
            why = placeholder_host(domain.lower())
            if why:
                out[key] = f"domain email {domain} adalah {why}"
        elif key == "telepon" and re.fullmatch(r"\D*0*\d{0,4}\D*(0[\D0]*)", value):
            out[key] = "nomor berisi nol saja"
        elif key == "alamat" and "(alamat contoh)" in value.lower():
            out[key] = "masih ditandai '(alamat contoh)'"
    return out


def problems(
    registry: model.Registry,
    site_url: str | None,
    data_file: Path,
    config_file: Path | None,
    *,
    need_site_url: bool = True,
) -> list[Finding]:
    """Every placeholder that a real registry may not publish or print ([] for the sample)."""
    if registry.registri.contoh:
        return []
    out: list[Finding] = []
    cfg = str(config_file) if config_file else "mkdocs.yml"
    if site_url is None:
        if need_site_url:
            out.append(
                Finding(
                    cfg,
                    "site_url belum diisi. Registri sungguhan (contoh: false) harus punya "
                    "alamat resmi: alamat itu tercetak di setiap kode QR.",
                )
            )
    else:
        host = host_of(site_url)
        why = placeholder_host(host)
        if why or site_url.strip().rstrip("/") == SAMPLE_SITE_URL.rstrip("/"):
            where = site_url_position(config_file) if config_file else cfg
            out.append(
                Finding(
                    where,
                    f"site_url '{site_url}' masih alamat contoh ({why or 'alamat data contoh'}). "
                    "Isi dengan alamat resmi situs sebelum membangun atau mencetak kode QR, "
                    f"mis. https://{BETTER_ANCHOR.split('mis. ')[1]}/ (lihat panduan admin).",
                )
            )
    bad = _contact_placeholders(registry.registri.kontak)
    if bad:
        positions = _contact_positions(data_file)
        for key, why in bad.items():
            value = getattr(registry.registri.kontak, key)
            out.append(
                Finding(
                    positions.get(key, positions[""]),
                    f"registri.kontak.{key}: {value!r} {why}. Pembaca melaporkan sertifikat "
                    "palsu ke kontak ini: isi dengan kontak Dinas yang sebenarnya.",
                )
            )
    return out


def warnings(registry: model.Registry, site_url: str | None, config_file: Path | None) -> list[str]:
    """Advice that does not stop a build: a real registry on *.github.io."""
    host = host_of(site_url)
    if registry.registri.contoh or not is_github_io(host) or placeholder_host(host):
        return []
    where = site_url_position(config_file) if config_file else "mkdocs.yml"
    return [
        f"{where}: peringatan: site_url di {host}. Siapa pun bisa membuat salinan situs ini "
        f"di alamat *.github.io lain yang mirip; alamat yang lebih kuat adalah {BETTER_ANCHOR}. "
        "Lihat panduan admin, bagian 'Alamat resmi', sebelum mencetak label kode QR."
    ]


def require_publishable(
    registry: model.Registry,
    site_url: str | None,
    data_file: Path,
    config_file: Path | None,
    *,
    need_site_url: bool = True,
) -> None:
    """Raise TrustError (nothing written yet) when a real registry still holds placeholders."""
    found = problems(registry, site_url, data_file, config_file, need_site_url=need_site_url)
    if found:
        files = sorted({f.where.split(":", 1)[0] for f in found})
        raise TrustError(" dan ".join(files), [str(f) for f in found])


def print_warnings(registry: model.Registry, site_url: str | None, config_file: Path | None):
    for w in warnings(registry, site_url, config_file):
        print(diagnostics.one_line(str(w)), file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Publishing: the CNAME file, and the address the workflow deploys to
# ---------------------------------------------------------------------------------------------


def write_cname(site_dir: Path, site_url: str | None) -> Path | None:
    """Write `CNAME` (the custom host, one line) into the built site when site_url is on a
    custom domain. GitHub Pages reads it when publishing from a branch; with the Actions
    workflow the domain is set in Settings -> Pages, and the file records the same host."""
    host = custom_domain(site_url)
    if host is None:
        return None
    path = Path(site_dir) / "CNAME"
    path.write_text(host + "\n", encoding="ascii")
    return path


def _comparable(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url.strip())
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.path.rstrip("/") + "/")


def deploy_address_problem(site_url: str | None, pages_url: str) -> str | None:
    """Why the site must not be deployed to `pages_url` (the Pages address reported by
    actions/configure-pages) with this site_url, or None when they are the same address."""
    if not pages_url.strip():
        return "alamat GitHub Pages tidak diketahui (keluaran base_url actions/configure-pages)"
    if not site_url:
        return f"site_url belum diisi; situs ini diterbitkan di {pages_url}"
    want, got = _comparable(site_url), _comparable(pages_url)
    if want == got:
        return None
    if want[1:] == got[1:]:
        return (
            f"site_url '{site_url}' memakai {want[0]}://, tetapi GitHub Pages menerbitkan di "
            f"{pages_url}. Aktifkan 'Enforce HTTPS' di Settings -> Pages (atau samakan site_url)."
        )
    return (
        f"site_url '{site_url}' bukan alamat tempat situs ini diterbitkan ({pages_url}). "
        "Kode QR yang sudah atau akan dicetak menunjuk ke site_url: samakan site_url di "
        "mkdocs.yml dengan alamat GitHub Pages (Settings -> Pages), atau atur domain khusus "
        "di sana. Lihat panduan admin, bagian 'Alamat resmi'."
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m generator.data.trust PAGES_URL [mkdocs.yml]`: the workflow's address check."""
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2:
        print(
            "pemakaian: python -m generator.data.trust ALAMAT_PAGES [mkdocs.yml]", file=sys.stderr
        )
        return 2
    config_file = Path(args[1] if len(args) > 1 else "mkdocs.yml")
    try:
        site_url = config.read_site_url(config_file)
    except config.ConfigError as e:
        print(e)
        return 1
    problem = deploy_address_problem(site_url, args[0])
    if problem:
        print(f"{site_url_position(config_file)}: {problem}")
        return 1
    print(f"site_url sama dengan alamat GitHub Pages: {site_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
