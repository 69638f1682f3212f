"""What the generator reads from mkdocs.yml and the environment."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import user_files


class ConfigError(Exception):
    """A setting is missing or wrong; the message is for the admin, in plain words."""


class _TolerantLoader(yaml.SafeLoader):
    """Safe loader that skips the tags mkdocs.yml may hold (!ENV, !!python/name:...)."""


def _ignore_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def read_mkdocs_yml(path: str | Path = "mkdocs.yml") -> dict:
    p = Path(path)
    try:
        text = user_files.read_text(p, user_files.CONFIG, encoding="utf-8")
        data = yaml.load(text, Loader=_TolerantLoader)
    except user_files.UserFileError as e:
        if e.missing:
            raise ConfigError(f"{p}: berkas konfigurasi situs tidak ditemukan") from None
        if str(e).startswith("ini folder"):
            raise ConfigError(
                f"{p}: ini folder; sebut berkas konfigurasi situs (mkdocs.yml)"
            ) from None
        raise ConfigError(f"{p}: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{p}: berkas ini bukan teks UTF-8; simpan ulang sebagai UTF-8 (di Notepad: Save As, "
            "Encoding: UTF-8)"
        ) from None
    except OSError as e:
        raise ConfigError(f"{p}: berkas tidak bisa dibaca ({e.strerror or e})") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{p}: kesalahan susunan YAML: {e}") from None
    except RecursionError:  # the pure-Python loader recurses once per level of nesting
        raise ConfigError(
            f"{p}: susunan bersarang terlalu dalam; bukan mkdocs.yml yang sah"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: isi harus berupa pemetaan kunci: nilai")
    return data


class SiteUrl(str):
    """mkdocs.yml's `site_url`, normalised once where the configuration is read (`SiteUrl.of`,
    `read_site_url`, `require_site_url`) and passed on as this value: it ends in exactly one
    slash, so pages and files join paths to it as to a str (`site_url + "verifikasi/x/"`), and
    its host and path are read here, not parsed again by each user."""

    __slots__ = ()

    def __new__(cls, url: str) -> SiteUrl:
        return super().__new__(cls, url.rstrip("/") + "/")

    @classmethod
    def of(cls, url: object) -> SiteUrl | None:
        """The value of a raw setting (any YAML scalar), or None when unset or empty."""
        if isinstance(url, SiteUrl) or url is None:
            return url
        return cls(str(url)) if str(url) else None

    @property
    def host(self) -> str:
        """The host name, lower case ('' when the address has none)."""
        return urlsplit(self).hostname or ""

    @property
    def path(self) -> str:
        """Where the site lives on its host: '/' or '/registri-umkm/'."""
        return urlsplit(self).path or "/"


def read_site_url(config_file: str | Path) -> SiteUrl | None:
    """site_url of a mkdocs.yml (ConfigError when the file cannot be read)."""
    return SiteUrl.of(read_mkdocs_yml(config_file).get("site_url"))


def require_site_url(url: str | None, source: str = "mkdocs.yml") -> SiteUrl:
    """An absolute http(s) site_url, or ConfigError: printed QR codes must never guess it."""
    if not url:
        raise ConfigError(
            f"{source}: site_url belum diisi. Kode QR cetak harus memuat alamat "
            "lengkap situs, mis. site_url: https://dinas.github.io/registri/"
        )
    if not (url.startswith("https://") or url.startswith("http://")) or " " in url:
        raise ConfigError(
            f"{source}: site_url '{url}' bukan alamat lengkap: harus diawali "
            "https://, mis. https://dinas.github.io/registri/"
        )
    rest = url.split("://", 1)[1]
    if not rest or rest.startswith("/"):
        raise ConfigError(f"{source}: site_url '{url}' tidak memuat nama situs")
    return SiteUrl(url)


def build_datetime() -> datetime:
    """The build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except ValueError:
            raise ConfigError(
                f"SOURCE_DATE_EPOCH '{epoch}' harus berupa angka detik sejak 1970-01-01"
            ) from None
    return datetime.now(tz=UTC).replace(microsecond=0)


def build_date() -> date:
    return build_datetime().date()


def published_folder(path: str | Path, projects: list[Path]) -> tuple[Path, str] | None:
    """(folder, what) when `path` lies in a folder that a project in `projects` publishes or
    replaces: its docs_dir (copied into the site), its site_dir (uploaded, and replaced by
    every build) or its theme overrides. Only folders holding a mkdocs.yml count as projects.
    Secrets (the private key, a workbook with the RAHASIA sheet) must never go there."""
    target = Path(os.path.abspath(path))
    target = target.parent.resolve() / target.name
    for project in dict.fromkeys(p.resolve() for p in projects):
        if not (project / "mkdocs.yml").is_file():
            continue
        try:
            cfg = read_mkdocs_yml(project / "mkdocs.yml")
        except ConfigError:
            cfg = {}
        theme = cfg.get("theme") if isinstance(cfg.get("theme"), dict) else {}
        for name, what in (
            (cfg.get("docs_dir") or "docs", "folder halaman situs (docs_dir)"),
            (cfg.get("site_dir") or "site", "folder situs (site_dir)"),
            (theme.get("custom_dir") or "overrides", "folder tema (overrides)"),
        ):
            folder = (project / str(name)).resolve()
            if target == folder or folder in target.parents:
                return folder, what
    return None
