"""Model -> pages: Markdown (front matter + escaped HTML blocks) and standalone HTML.

Everything here is a pure function of (registry, build time, site_url) returning a mapping of
relative paths to file contents; `sync_tree` writes them. Templates get plain values only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import markupsafe

from . import charts, directory, lookup, qr, security
from ..data import history, yaml_text
from ..data.model import DISPLAYED_STATUSES, STATUS_LABELS, Certificate, Registry, Umkm, slugify

# Folders of docs/ (and of the theme overrides) that belong to the generator: git-ignored,
# rewritten on every build, stale files removed.
GENERATED_DOCS = ("umkm", "sektor", "kecamatan", "verifikasi", "api")
# index.md: the home page of older builds
GENERATED_DOCS_FILES = ("index.md", "index.html", "404.html", "did.json")
GENERATED_OVERRIDES = ("partials/registri",)

PAGE_SIZE = 200  # entries per static list page (directory, sector, kecamatan)

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Status icons (24x24 paths); docs/assets/registri/status.js holds the same for re-judging.
ICONS = {
    "berlaku": "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
    "kedaluwarsa": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 "
    "16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z",
    "dibekukan": "M6 19h4V5H6zm8-14v14h4V5z",
    "dicabut": "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 "
    "19 17.6 13.4 12z",
}

STATUS_NOTES = {
    "berlaku": (
        "Sertifikat ini tercatat dan masih berlaku.",
        "This certificate is registered and in force.",
    ),
    "kedaluwarsa": (
        "Sertifikat ini tercatat, tetapi masa berlakunya sudah habis.",
        "This certificate is registered, but it has expired.",
    ),
    "dibekukan": (
        "Sertifikat ini sedang dibekukan: untuk sementara tidak berlaku.",
        "This certificate is suspended: temporarily not in force.",
    ),
    "dicabut": (
        "Sertifikat ini telah dicabut dan tidak berlaku lagi.",
        "This certificate has been revoked and is no longer valid.",
    ),
}


def date_id(d: date | None) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def date_en(d: date | None) -> str:
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}" if d else ""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        autoescape=True,  # every template, whatever its extension: data is always text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_id"] = date_id
    env.filters["date_en"] = date_en
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["STATUS_NOTES"] = STATUS_NOTES
    env.globals["ICONS"] = ICONS
    # the CSP and referrer <meta> of a standalone page: no inline script, no hashes
    env.globals["SECURITY_META"] = markupsafe.Markup(security.meta_tags())
    env.globals["KINDS"] = history.KINDS
    return env


ENV = _env()


def front_matter(**meta) -> str:
    """YAML front matter that no character of the data can break: every value is a YAML
    double-quoted scalar written in printable ASCII only (anything else as an escape: line
    breaks of any kind, controls, BOM, bidi marks). Text is HTML-escaped here, once, because
    Material prints page.meta.title and page.title into HTML without escaping them."""
    clean = {}
    for k, v in meta.items():
        if v is None:
            continue
        clean[k] = escape(v) if isinstance(v, str) else v
    lines = [f"{yaml_text.key(k)}: {yaml_text.flow(v)}" for k, v in clean.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def is_generated(src_uri: str) -> bool:
    """Whether a page of docs/ (path relative to docs/, with /) is written by the generator."""
    return src_uri in GENERATED_DOCS_FILES or src_uri.split("/", 1)[0] in GENERATED_DOCS


def html_block(html: str) -> str:
    """Make rendered HTML one Markdown raw-HTML block: no blank lines, no leading indent, so
    Python-Markdown (or any CommonMark engine) passes it through untouched."""
    lines = [ln.strip() for ln in html.splitlines()]
    return "\n".join(ln for ln in lines if ln) + "\n"


_ONE_BLOCK = re.compile(r"<div\b[^\n]*\n(?:[^\n]+\n)*?[^\n]*</div>\n?")


def raw_html_page(src_uri: str, markdown: str) -> str | None:
    """The HTML that Markdown would make of a generated page that is one raw HTML block
    (`html_block` of a `<div>`), or None for any other page. The engine's hook sets such
    a page aside instead of running Python-Markdown over it (30% of a warm build at 10,000
    UMKM went to parsing these blocks); the output is byte-identical (tested)."""
    top = src_uri.split("/", 1)[0]
    if top not in GENERATED_DOCS and src_uri not in GENERATED_DOCS_FILES:
        return None
    text = markdown.lstrip("\n")
    if not _ONE_BLOCK.fullmatch(text):
        return None
    return text.rstrip("\n")


def page(template: str, meta: dict, **ctx) -> str:
    return front_matter(**meta) + html_block(ENV.get_template(template).render(**ctx))


def standalone(template: str, path: str, **ctx) -> str:
    """A page of the light layout (templates/_halaman.html.j2): a complete HTML file that any
    engine copies as it is. `path` is its URL path under the site root ('' for the home page)."""
    return ENV.get_template(template).render(path=path, **ctx)


@dataclass(frozen=True)
class CertView:
    """A certificate with what templates need beside its fields."""

    c: Certificate
    status: str  # displayed status at build time
    lsp_nama: str
    lsp_lembaga: str | None
    lsp_lisensi: str | None


@dataclass(frozen=True)
class UmkmView:
    u: Umkm
    sektor_label: str
    certs: tuple[CertView, ...]

    @property
    def best_status(self) -> str:
        order = {s: i for i, s in enumerate(DISPLAYED_STATUSES)}
        return min((cv.status for cv in self.certs), key=order.get, default="")


_ROOT_MARK = "@@ROOT@@"


def _theme_text(html: str) -> str:
    """Rendered HTML made inert for the theme's Jinja: no data can become a template tag."""
    return html.replace("{", "&#123;").replace("}", "&#125;")


def current_certificate(v: UmkmView, cv: CertView) -> Certificate | None:
    """The holder's certificate of the same scheme that is BERLAKU now (the latest issued),
    for the page of one that is not: within the same business, same holder and scheme."""
    same = [
        o.c
        for o in v.certs
        if o.c.id != cv.c.id
        and o.status == "berlaku"
        and o.c.skema.casefold() == cv.c.skema.casefold()
        and o.c.pemegang.casefold() == cv.c.pemegang.casefold()
    ]
    return max(same, key=lambda c: (c.tanggal_terbit, c.id), default=None)


def whatsapp_number(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def tel_number(raw: str) -> str:
    return ("+" if raw.strip().startswith("+") else "") + re.sub(r"\D", "", raw)


def paginate(items: list, base: str):
    """[(page_path, items_on_page, page_no, n_pages)]: page 1 at base, page k at base/halaman-k/."""
    n = max(1, math.ceil(len(items) / PAGE_SIZE))
    out = []
    for k in range(1, n + 1):
        path = base if k == 1 else f"{base}halaman-{k}/"
        out.append((path, items[(k - 1) * PAGE_SIZE : k * PAGE_SIZE], k, n))
    return out


class Site:
    """Renders every generated file of the site."""

    def __init__(
        self,
        registry: Registry,
        built: datetime,
        site_url: str | None,
        site_name: str | None = None,
    ):
        self.r = registry
        self.built = built
        self.today = built.date()
        self.site_url = site_url
        self.host = urlsplit(site_url).hostname if site_url else None
        # Absolute path of the site's root (GitHub Pages serves 404.html at any depth).
        self.base_path = urlsplit(site_url).path if site_url else "/"
        self.views = [self._view(u) for u in registry.umkm]
        self.views.sort(key=lambda v: (v.u.nama.casefold(), v.u.id))
        self.common = dict(
            reg=registry.registri,
            built=built,
            today=self.today,
            sektor=registry.sektor,
            site_url=site_url,
            # mkdocs.yml's site_name: standalone pages are titled "<page> - <site_name>" like
            # the Material pages
            site_name=site_name or registry.registri.judul,
        )

    def _view(self, u: Umkm) -> UmkmView:
        certs = []
        for c in u.sertifikat:
            lsp = self.r.lsp[c.lsp]
            certs.append(
                CertView(c, c.displayed_status(self.today), lsp.nama, lsp.lembaga, lsp.lisensi)
            )
        return UmkmView(u, self.r.sektor[u.sektor], tuple(certs))

    # -- pages -----------------------------------------------------------------------------

    def files(self) -> Iterator[tuple[str, str | bytes]]:
        """Every generated file as (path under docs/, content), one at a time: a national
        registry's pages never sit in memory all together."""
        if self.site_url:  # every QR code at once: over all cores when many are missing
            urls = (qr.verification_url(self.site_url, c.id) for _, c in self.r.certificates())
            qr.prepare(urls, complete=True)
        yield "index.html", self.home()
        yield from self.lists("umkm/", self.views, "Direktori UMKM", directory=True)
        for v in self.views:
            yield f"umkm/{v.u.id}/index.html", self.profile(v)
            for cv in v.certs:
                yield f"verifikasi/{cv.c.id}/index.html", self.verification(v, cv)
        qr.clear_memory_cache()  # every code drawn: the engine needs none of them
        by_sector: dict[str, list[UmkmView]] = {k: [] for k in self.r.sektor}
        by_district: dict[str, list[UmkmView]] = {n: [] for n in self.r.kecamatan}
        for v in self.views:
            by_sector[v.u.sektor].append(v)
            by_district[v.u.kecamatan].append(v)
        yield "sektor/index.html", self.sector_index()
        for key, label in self.r.sektor.items():
            members = by_sector[key]
            counts = Counter(v.u.kecamatan for v in members)
            facets = [
                (name, counts[name], f"umkm/?sektor={key}&kecamatan={slugify(name)}")
                for name in self.r.kecamatan
                if counts[name]
            ]
            yield from (
                self.lists(
                    f"sektor/{key}/",
                    members,
                    f"Sektor {label}",
                    heading=label,
                    facets=facets,
                    facet_title=f"{label} per kecamatan",
                )
            )
        yield "kecamatan/index.html", self.district_index()
        for name in self.r.kecamatan:
            members = by_district[name]
            counts = Counter(v.u.sektor for v in members)
            slug = slugify(name)
            facets = [
                (lbl, counts[key], f"umkm/?sektor={key}&kecamatan={slug}")
                for key, lbl in self.r.sektor.items()
                if counts[key]
            ]
            yield from (
                self.lists(
                    f"kecamatan/{slug}/",
                    members,
                    f"Kecamatan {name}",
                    heading=f"Kecamatan {name}",
                    facets=facets,
                    facet_title=f"Sektor di Kecamatan {name}",
                )
            )
        yield "verifikasi/index.md", self.verification_home()
        yield "404.html", self.not_found()
        yield from directory.files(self.r, self.today).items()
        yield from lookup.index_files(self.r).items()

    def overrides(self) -> dict[str, str]:
        """Theme partials that carry the registry's identity (banner, footer) and the UMKM search
        box to every page, hand-written ones included. Jinja-side text: braces are escaped too."""
        out = {}
        for name in ("banner", "penerbit"):
            html = ENV.get_template(f"{name}.html.j2").render(**self.common)
            out[f"partials/registri/{name}.html"] = _theme_text(html)
        # the same search box as the standalone pages', its links relative to the theme's page
        form = ENV.get_template("_macros.html.j2").module.search_form(_ROOT_MARK)
        out["partials/registri/cari.html"] = _theme_text(str(form)).replace(
            _ROOT_MARK, "{{ base_url }}/"
        )
        return out

    def home(self) -> str:
        by_status = Counter(cv.status for v in self.views for cv in v.certs)
        by_sector = Counter(v.u.sektor for v in self.views)
        by_district = Counter(v.u.kecamatan for v in self.views)
        by_year = Counter(cv.c.tanggal_terbit.year for v in self.views for cv in v.certs)
        figures = dict(
            n_umkm=len(self.views),
            n_cert=sum(len(v.certs) for v in self.views),
            n_district=len(by_district),
            by_status=by_status,
        )
        chart_sector = charts.bars(
            [(self.r.sektor[k], by_sector.get(k, 0), f"sektor/{k}/") for k in self.r.sektor],
            "UMKM per sektor",
        )
        chart_district = charts.bars(
            [
                (n, by_district.get(n, 0), f"kecamatan/{slugify(n)}/")
                for n in sorted(self.r.kecamatan, key=lambda n: (-by_district.get(n, 0), n))
            ],
            "UMKM per kecamatan",
        )
        chart_year = charts.bars(
            [(str(y), by_year[y], None) for y in sorted(by_year)], "Sertifikat per tahun terbit"
        )
        chart_status = charts.bars(
            [
                (STATUS_LABELS[s][0], by_status.get(s, 0), f"umkm/?status={s}")
                for s in DISPLAYED_STATUSES
            ],
            "Sertifikat per status",
            classes=DISPLAYED_STATUSES,
        )
        return standalone(
            "home.html.j2",
            "",
            title=self.r.registri.judul,
            root="",
            figures=figures,
            chart_sector=chart_sector,
            chart_district=chart_district,
            chart_year=chart_year,
            chart_status=chart_status,
            **self.common,
        )

    def lists(
        self,
        base: str,
        members: list[UmkmView],
        title: str,
        heading: str | None = None,
        directory: bool = False,
        facets: list[tuple[str, int, str]] = (),
        facet_title: str = "",
    ) -> Iterator[tuple[str, str]]:
        for path, items, k, n in paginate(members, base):
            depth = path.count("/")
            root = "../" * depth
            page_title = title if k == 1 else f"{title} (halaman {k})"
            yield (
                f"{path}index.html",
                standalone(
                    "list.html.j2",
                    path,
                    title=page_title,
                    root=root,
                    page_title=page_title,
                    heading=heading or title,
                    items=items,
                    page_no=k,
                    n_pages=n,
                    base_root="../" * (depth - base.count("/")),
                    total=len(members),
                    directory=directory,
                    facets=facets,
                    facet_title=facet_title,
                    kecamatan=[(slugify(x), x) for x in self.r.kecamatan],
                    **self.common,
                ),
            )

    def profile(self, v: UmkmView) -> str:
        return standalone(
            "profile.html.j2",
            f"umkm/{v.u.id}/",
            title=v.u.nama,
            root="../../",
            v=v,
            wa=whatsapp_number,
            tel=tel_number,
            **self.common,
        )

    def sector_index(self) -> str:
        counts = Counter(v.u.sektor for v in self.views)
        return standalone(
            "index_list.html.j2",
            "sektor/",
            title="Sektor",
            root="../",
            heading="Sektor",
            entries=[(f"{k}/", lbl, counts.get(k, 0)) for k, lbl in self.r.sektor.items()],
            **self.common,
        )

    def district_index(self) -> str:
        counts = Counter(v.u.kecamatan for v in self.views)
        return standalone(
            "index_list.html.j2",
            "kecamatan/",
            title="Kecamatan",
            root="../",
            heading="Kecamatan",
            entries=[(f"{slugify(n)}/", n, counts.get(n, 0)) for n in self.r.kecamatan],
            **self.common,
        )

    def verification_home(self) -> str:
        return page(
            "verify_home.html.j2",
            dict(title="Verifikasi sertifikat", hide=["toc"]),
            root="../",
            **self.common,
        )

    def verification(self, v: UmkmView, cv: CertView) -> str:
        url = qr.verification_url(self.site_url, cv.c.id) if self.site_url else None
        # Without site_url there is no absolute address to encode: no QR rather than a guess.
        svg = qr.inline_img(url, title=f"Kode QR sertifikat {cv.c.nomor}") if url else None
        label = STATUS_LABELS[cv.status]
        og_title = f"Sertifikat {cv.c.nomor} — {label[0]} · {v.u.nama}"
        timeline = history.events(cv.c, self.today)
        return ENV.get_template("verify.html.j2").render(
            root="../../",
            v=v,
            cv=cv,
            url=url,
            qr_svg=svg,
            og_title=og_title,
            host=self.host,
            signed=bool(self.r.registri.kunci and self.site_url),  # a signed credential
            current=current_certificate(v, cv) if cv.status != "berlaku" else None,
            timeline=timeline,
            expired_event=any(e.jenis == "kedaluwarsa" for e in timeline),
            **self.common,
        )

    def not_found(self) -> str:
        """The standalone 404 page (GitHub Pages serves it for every missing path): as light
        as a verification page, its asset URLs absolute from site_url's path, and a script
        that looks the address up before it says "mungkin palsu"."""
        return ENV.get_template("notfound.html.j2").render(
            root=self.base_path, host=self.host, **self.common
        )


def sync_tree(
    root: Path,
    files: Iterable[tuple[str, str | bytes]],
    managed: tuple[str, ...],
    managed_files: tuple[str, ...] = (),
) -> int:
    """Write `files` under `root`, touching only files whose bytes change (so `mkdocs serve`
    does not loop), and delete stale files inside the `managed` folders. Returns writes."""
    written = 0
    wanted = set()
    for rel, content in files:
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = root / rel
        wanted.add(target)
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        written += 1
    for folder in managed:
        base = root / folder
        if not base.exists():
            continue
        for p in sorted(base.rglob("*"), reverse=True):
            if p.is_file() and p not in wanted:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
    for name in managed_files:
        p = root / name
        if p.exists() and p not in wanted:
            p.unlink()
    return written
