"""MkDocs hook: regenerate the registry pages before every `mkdocs build` / `mkdocs serve` build.

A few lines over generator.pipeline: it refuses a site_dir that a build may not replace, holds the
project's build lock while it generates and the engine builds, writes only files whose content
changed (so `serve` does not loop), and marks the built site. `watch: [data]` in mkdocs.yml makes
serve rebuild on data edits."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from generator import pipeline, signing
from generator.data import config as registri_config
from generator.data import load, trust
from generator.publish import lock, site_folder
from generator.site import assets, docs_files, postbuild, search, security

log = logging.getLogger("mkdocs.registri")
_command = "build"
_held = ExitStack()
_registry = None  # the last registry generated without error (serve keeps showing it)


def on_startup(command: str, **kwargs) -> None:
    global _command
    _command = command
    if command == "serve":
        pipeline.fix_clock()  # rebuilds caused by our own writes then write nothing: no loop


def on_config(config, **kwargs):
    # site_url becomes a SiteUrl here, once, for everything below (it is still a str to MkDocs)
    config["site_url"] = registri_config.SiteUrl.of(config.site_url)
    if _command != "serve":  # serve builds into a temporary folder of its own
        project = Path(config.config_file_path).parent
        cfg = {"docs_dir": config.docs_dir, "theme": {"custom_dir": config.theme.custom_dir}}
        try:
            site_folder.check_site_dir(
                Path(config.site_dir), project, pipeline.data_path(project), cfg
            )
        except site_folder.SiteDirError as e:
            raise PluginError(str(e)) from None
    return config


def on_pre_build(config, **kwargs) -> None:
    global _registry
    project = Path(config.config_file_path).parent
    try:
        _held.enter_context(lock.project_lock(project))
    except lock.LockError as e:
        raise PluginError(str(e)) from None
    try:
        _registry = pipeline.generate(
            project,
            pipeline.data_path(project),
            config.site_url,
            docs_dir=Path(config.docs_dir),
            config_file=Path(config.config_file_path),
            # a preview (mkdocs serve: site_url is 127.0.0.1; generator serve) is not published
            refuse_placeholders=_command != "serve" and not pipeline.preview,
            for_preview=_command == "serve",
        )
    except signing.SigningError as e:
        raise PluginError(str(e)) from None
    except load.DataError as e:
        message = "data registri tidak sah:\n" + "\n".join(e.lines())
        if _command != "serve":
            raise PluginError(message) from None
        # serve: keep showing the last good pages (nothing was written) and say what is wrong
        log.error(message + "\nHalaman terakhir yang sah tetap ditampilkan.")


def on_files(files, config):
    # The credentials (one per certificate) are placed into the built site by pipeline.finish,
    # linked rather than copied by the engine (issue 11: what signing adds to a build). A
    # preview is never finished: the engine copies them there.
    if _command != "serve" and not pipeline.preview:
        for f in [f for f in files if pipeline.placed_after_engine(f.src_uri)]:
            files.remove(f)
        pipeline.take_generated(files)  # linked in by place_generated (on_post_build)
    # Our scripts and stylesheets are written compacted by the engine itself (postbuild's
    # compaction then finds them done), so an incremental build can link them (reuse.py).
    for f in [f for f in files if assets.is_ours(f.src_uri)]:
        files.remove(f)
        files.append(
            File.generated(config, f.src_uri, content=assets.compacted(f.src_uri, f.content_string))
        )
    return files


def on_nav(nav, config, files):
    # `generator build`/`serve`: the engine renders only the outputs whose inputs changed
    # since the previous site; the others are linked from it (generator/publish/reuse.py)
    pipeline.plan_reuse(nav, config, files, (_command, pipeline.preview))
    return nav


def on_env(env, config, files):
    return pipeline.engine_env(env)


_raw_html: dict[str, str] = {}  # the set-aside HTML of the page being built


def on_page_markdown(markdown: str, page, config, files) -> str:
    # A generated page always has a title in its front matter: without one, MkDocs could not
    # parse it and would render it as Markdown. Never publish such a page.
    if docs_files.is_generated(page.file.src_uri) and "title" not in page.meta:
        message = f"{page.file.src_uri}: front matter halaman buatan generator tidak terbaca"
        if _command == "serve":
            log.error(message)
        else:
            raise PluginError(message)
    # Generated pages that are one HTML block skip Python-Markdown (docs_files.raw_html_page): set
    # aside here, put back as the page's content; one page at a time.
    html = docs_files.raw_html_page(page.file.src_uri, markdown)
    if html is None:
        return markdown
    _raw_html[page.file.src_uri] = html
    return ""


def on_page_content(html: str, page, config, files) -> str:
    return _raw_html.pop(page.file.src_uri, html)


def on_post_page(output: str, page, config) -> str:
    output = postbuild.compact_html(output)
    # CSP last: its hashes are of the inline scripts exactly as published. Plain `mkdocs
    # serve` injects an inline live-reload script the policy would block: no policy there
    # (`python -m generator serve` keeps it).
    return output if _command == "serve" else security.protect(output)


def on_post_template(output: str, template_name: str, config) -> str:
    # theme pages outside the docs (404.html): the same policy
    if _command == "serve" or not template_name.endswith(".html"):
        return output
    return security.protect(output)


def on_post_build(config, **kwargs) -> None:
    pipeline.engine_done()  # first: what is written below is not the engine's (reuse.py)
    if _command != "serve" and not pipeline.preview:
        pipeline.place_generated(Path(config.site_dir))  # what take_generated took
    if _command != "serve":  # build, gh-deploy
        trust.write_cname(Path(config.site_dir), config.site_url)
    # The search index and the sitemaps are made from the finished site (site/postbuild.py).
    if _registry is not None:
        try:
            seconds = postbuild.finish(
                Path(config.site_dir), _registry, registri_config.build_datetime(), config.site_url
            )
            pipeline.TIMINGS.add("postbuild", seconds)
        except search.SearchIndexError as e:
            if _command != "serve":
                _held.close()
                raise PluginError(str(e)) from None
            log.error(str(e))
    site_folder.mark_site(Path(config.site_dir))
    # last: SHA256SUMS (and its JWS) over the final site. `generator build` does this itself
    # after the engine; a preview (serve) publishes nothing.
    try:
        if _command != "serve" and not pipeline.preview and not pipeline.building():
            pipeline.finish(Path(config.site_dir))
    finally:
        _held.close()


def on_build_error(error, **kwargs) -> None:
    _held.close()
