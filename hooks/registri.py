"""MkDocs hook: regenerate the registry pages before every `mkdocs build` / `mkdocs serve` build.

A few lines over generator.site.generate; it writes only files whose content changed, so
`serve` does not loop. `watch: [data]` in mkdocs.yml makes serve rebuild on data edits."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from generator import load, site, trust

log = logging.getLogger("mkdocs.registri")
_command = "build"


def on_startup(command: str, **kwargs) -> None:
    global _command
    _command = command
    if command == "serve":
        site.fix_clock()  # rebuilds caused by our own writes then write nothing: no loop


def on_pre_build(config, **kwargs) -> None:
    project = Path(config.config_file_path).parent
    try:
        site.generate(
            project,
            site.data_path(project),
            config.site_url,
            docs_dir=Path(config.docs_dir),
            config_file=Path(config.config_file_path),
            refuse_placeholders=_command != "serve",  # serve's site_url is 127.0.0.1
        )
    except load.DataError as e:
        message = "data registri tidak sah:\n" + "\n".join(e.lines())
        if _command != "serve":
            raise PluginError(message) from None
        # serve: keep showing the last good pages (nothing was written) and say what is wrong
        log.error(message + "\nHalaman terakhir yang sah tetap ditampilkan.")


def on_post_build(config, **kwargs) -> None:
    if _command != "serve":
        trust.write_cname(Path(config.site_dir), config.site_url)


def on_post_page(output: str, page, config) -> str:
    return site.compact_html(output)
