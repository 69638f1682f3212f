"""Model -> pages: `Site` renders every generated file of the site (standalone HTML pages, the
theme partials that give the Material pages the same header, banner and footer, the directory
and look-up data).

Everything here is a pure function of (registry, build time, site_url) yielding relative paths
and file contents; docs_files.sync_tree writes them. Templates get plain values only (views.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from ..data import history
from ..data.model import DISPLAYED_STATUSES, STATUS_LABELS, Registry, Umkm, slugify
from . import charts, directory, lookup, portfolio, qr
from .memo import KEEP, Memo, global_key, h
from .render import ENV, standalone
from .views import CertView, UmkmView, current_certificate, tel_number, whatsapp_number

PAGE_SIZE = 200  # entries per static list page (directory, sector, kecamatan)

_ROOT_MARK = "@@ROOT@@"


def _theme_text(html: str) -> str:
    """Rendered HTML made inert for the theme's Jinja: no data can become a template tag."""
    return html.replace("{", "&#123;").replace("}", "&#125;")


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
        memo: Memo | None = None,
    ):
        self.r = registry
        # generate only what changed (memo.py): None renders every file
        self.memo = memo
        self.key = global_key(registry, built.date(), site_url, site_name) if memo else ""
        self._umkm_keys: dict[str, str] = {}
        self.built = built
        self.today = built.date()
        self.site_url = site_url
        self.host = site_url.host if site_url else None
        # Absolute path of the site's root (GitHub Pages serves 404.html at any depth).
        self.base_path = site_url.path if site_url else "/"
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

    # -- what changed ------------------------------------------------------------------------

    def umkm_key(self, u: Umkm) -> str:
        """The key of one UMKM's record (its certificates, contact, products...)."""
        k = self._umkm_keys.get(u.id)
        if k is None:
            k = self._umkm_keys[u.id] = h(repr(u))
        return k

    def cached(self, rel: str, key_parts: tuple, render, *args, **kwargs) -> tuple[str, object]:
        """(rel, content): KEEP when docs/`rel` was rendered from the same inputs (the global
        key and `key_parts`), else `render(*args, **kwargs)`."""
        if self.memo is not None and self.memo.keep(rel, h(self.key, rel, *key_parts)):
            return rel, KEEP
        return rel, render(*args, **kwargs)

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
            uk = (self.umkm_key(v.u),)  # a UMKM's pages show its record and the global inputs
            yield self.cached(f"umkm/{v.u.id}/index.html", uk, self.profile, v)
            if self.site_url:  # the seal names the host: none without an address
                yield self.cached(
                    f"lencana/{v.u.id}.svg",
                    uk,
                    portfolio.seal_file,
                    v,
                    self.host,
                    self.today,
                )
            for cv in v.certs:
                yield self.cached(f"verifikasi/{cv.c.id}/index.html", uk, self.verification, v, cv)
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
        yield "verifikasi/index.html", self.verification_home()
        yield "404.html", self.not_found()
        yield from directory.files(self.r, self.today).items()
        yield from lookup.index_files(self.r).items()

    def overrides(self) -> dict[str, str]:
        """Theme partials that carry the registry's identity (banner, footer) and the UMKM search
        box to every page, hand-written ones included. Jinja-side text: braces are escaped too."""
        out = {}
        # the same header, banner and footer as the standalone pages', their links relative
        # to the theme's page
        for name in ("kepala", "banner", "kaki"):
            html = ENV.get_template(f"{name}.html.j2").render(
                root=_ROOT_MARK, md_header=True, **self.common
            )
            out[f"partials/registri/{name}.html"] = _theme_text(html).replace(
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
            shown = (title, heading, k, n, len(members), directory, repr(facets), facet_title)
            yield self.cached(
                f"{path}index.html",
                (*shown, *(self.umkm_key(v.u) for v in items)),
                standalone,
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
            p=portfolio.profile_parts(self.r.registri, v, self.site_url, self.today),
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
        """The look-up page (/verifikasi/): a light page, as light as home."""
        return standalone(
            "verify_home.html.j2",
            "verifikasi/",
            title="Verifikasi sertifikat",
            root="../",
            **self.common,
        )

    def verification(self, v: UmkmView, cv: CertView) -> str:
        url = qr.verification_url(self.site_url, cv.c.id) if self.site_url else None
        # Without site_url there is no absolute address to encode: no QR rather than a guess.
        qr_img = qr.inline_png(url) if url else None
        label = STATUS_LABELS[cv.status]
        og_title = f"Sertifikat {cv.c.nomor} — {label[0]} · {v.u.nama}"
        timeline = history.events(cv.c, self.today)
        return ENV.get_template("verify.html.j2").render(
            root="../../",
            v=v,
            cv=cv,
            url=url,
            qr_img=qr_img,
            og_title=og_title,
            host=self.host,
            signed=bool(self.r.registri.kunci and self.site_url),  # a signed credential
            current=current_certificate(v, cv) if cv.status != "berlaku" else None,
            timeline=timeline,
            expired_event=any(e.jenis == "kedaluwarsa" for e in timeline),
            p=portfolio.verification_parts(
                self.r.registri, v, cv, url, self.site_url, og_title, self.today
            ),
            **self.common,
        )

    def not_found(self) -> str:
        """The 404 page (GitHub Pages serves it for every missing path): a light page, its
        URLs absolute from site_url's path, and a script that looks the address up before it
        says "mungkin palsu"."""
        return standalone(
            "notfound.html.j2",
            None,
            title="Tidak ditemukan · Not found",
            root=self.base_path,
            host=self.host,
            **self.common,
        )
