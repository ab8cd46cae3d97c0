"""The kernel-free deck as static files: ``kit export-site DIR``.

The folder holds an index in both languages, one page per story per language with
the story's kernel-free scenes (:mod:`kit.kernelfree.specs`), the Vega, Vega-Lite
and Vega-Embed JavaScript from vl-convert's offline bundle, a style sheet and
``site.json``, the manifest. Any web server can serve it to any number of people:
every slider is answered in the browser, nothing is fetched from elsewhere.

The folder is written into a stage folder beside ``DIR`` and swapped in at the end,
so a failed or interrupted export leaves ``DIR`` as it was. An existing ``DIR`` is
replaced only when it is empty or an earlier export: its ``site.json`` is the kit's
and lists every file in it, unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import kit
from kit.folders import STAGE, Marker, leftovers_of
from kit.text import LANGUAGES, t

MANIFEST = "site.json"
"""The export's manifest: how a later export recognises a folder it may replace."""
GENERATOR = "workshop-kit export-site"
ASSETS = "assets"
BUNDLE = f"{ASSETS}/vega.js"
STYLE = f"{ASSETS}/site.css"
MARKER = ".kit-export"
"""In a stage or old folder while an export runs: whose it is (pid, host, since)."""
EXPORT_MARKER = Marker(MARKER, GENERATOR)
"""How ``kit export-site`` marks its stage and old folders."""


class SiteError(Exception):
    """A folder the export must not write to or replace; the message is one line."""


@dataclass(frozen=True)
class Page:
    """One file of the site: its path in the folder and its text."""

    path: str
    text: str


# -- pages -------------------------------------------------------------------------------------


def site_pages(languages: tuple[str, ...] = LANGUAGES) -> list[Page]:
    """Every file of the site except the manifest: index, story pages, script and style."""
    from kit.stories import STORIES

    pages = [Page("index.html", index_page(languages))]
    for language in languages:
        for name in STORIES:
            pages.append(Page(f"{language}/{name}.html", story_page(name, language)))
    pages.append(Page(BUNDLE, vega_bundle()))
    pages.append(Page(STYLE, STYLE_SHEET))
    return pages


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed from vl-convert's offline bundle (cached on disk).

    Bundled once per vl-convert version, in a process of its own (:mod:`kit.vlconvert`).
    """
    import vl_convert as vlc

    from kit.cache import digest, remembered
    from kit.vlconvert import convert_apart

    name = f"site-{digest(vlc.__version__, 'javascript_bundle')}.js"
    # bundled in a process of its own: `kit handouts` forks its workers after this
    return remembered("js", name, lambda: convert_apart("javascript_bundle"), keep=8)


def index_page(languages: tuple[str, ...]) -> str:
    """The front page: every story in every language, each list marked with its language."""
    from kit.stories import STORIES

    sections = []
    for language in languages:
        links = "".join(
            f'<li><a href="{language}/{name}.html">{escape(t(entry.title_key(), language))}</a>'
            "</li>"
            for name, entry in STORIES.items()
        )
        sections.append(
            f'<section lang="{language}"><h2>{escape(t("common.language_name", language))}</h2>'
            f"<p>{escape(t('site.index_text', language))}</p><ul>{links}</ul></section>"
        )
    title = " / ".join(t("site.index_title", language) for language in languages)
    heading = " / ".join(
        f'<span lang="{language}">{escape(t("site.index_title", language))}</span>'
        for language in languages
    )
    body = f"<h1>{heading}</h1>{''.join(sections)}"
    return _document(languages[0], escape(title), body, STYLE)


def story_page(name: str, language: str) -> str:
    """One story's kernel-free scenes in one language, charts drawn in the browser."""
    import mistune

    from kit.kernelfree import embed, specs
    from kit.stories import STORIES
    from kit.stories.base import Chart, Words

    story = STORIES[name].story(language=language)
    markdown = mistune.create_markdown(escape=True)
    free = specs.SCENES.get(name, {})
    body, grids_on_page, shown = [], set(), []
    for scene in story.scenes:
        has_chart = any(isinstance(part, Chart) for part in scene.parts)
        if scene.name not in free and (has_chart or scene.controls):
            continue  # it needs a kernel to answer its controls: the notebook shows it
        shown.append(scene.name)
        level = scene.level
        parts = [f"<h{level}>{escape(t(scene.heading, language))}</h{level}>"]
        if scene.text:
            parts.append(_text_html(t(scene.text, language), markdown))
        if scene.name in free:
            parts.append(embed.scene_fragment(story, scene.name, grids_on_page))
        else:
            words = [part for part in scene.parts if isinstance(part, Words)]
            parts += [markdown(part.write(story)) for part in words]
        body.append(f'<section id="{scene.name}">{"".join(parts)}</section>')
    other = next(other for other in LANGUAGES if other != language)
    nav = (
        f'<nav><a href="../index.html">{escape(t("site.home", language))}</a> · '
        f'<a href="../{other}/{name}.html" lang="{other}" hreflang="{other}">'
        f"{escape(t('common.language_name', other))}</a></nav>"
    )
    places = json.dumps(scene_places([scene.name for scene in story.scenes], shown))
    places = f'<script type="application/json" id="{PLACES_ID}">{places}</script>'
    script = DECK_KEYS + embed.embed_script() + DRAWN
    title = escape(t(STORIES[name].title_key(), language))
    return _document(
        language, title, nav + places + "".join(body), f"../{STYLE}", f"../{BUNDLE}", script
    )


PLACES_ID = "kit-scene-places"
"""The id of the JSON script that says where on the page each of the deck's scenes is."""


def scene_places(scenes: list[str], shown: list[str]) -> dict[str, str]:
    """Where a deck's scene that needs a kernel is on a kernel-free page: the scene before it.

    A participant sent here from the deck's ``#/terms`` (a room past its cap) lands where
    the story stood just before, and reads on from there.

    >>> scene_places(["title", "months", "terms", "price"], ["title", "months", "price"])
    {'terms': 'months'}
    """
    places, before = {}, None
    for scene in scenes:
        if scene in shown:
            before = scene
        else:
            places[scene] = before or shown[0]
    return places


def _text_html(value: Any, markdown) -> str:
    if isinstance(value, list):
        value = "\n".join(f"1. {line}" for line in value)
    return markdown(value)


DECK_KEYS = """\
// One scene per screen, moved as in every slide tool: Right, Space, PageDown forward;
// Left, PageUp back; Home, End. In a text field keys type; on a slider only PageDown and
// PageUp (a clicker's keys) move the deck, the arrows move the slider.
const scenes = Array.from(document.querySelectorAll('main > section'));
function current() {
  const top = window.scrollY + 2;
  let index = 0;
  scenes.forEach((scene, i) => { if (scene.offsetTop <= top) index = i; });
  return index;
}
function go(index) {
  const scene = scenes[Math.max(0, Math.min(scenes.length - 1, index))];
  scene.scrollIntoView({block: 'start'});
  history.replaceState(null, '', `#${scene.id}`);
}
// The deck's addresses lead here too: #/months, #/months/3 (all months are on this page) or
// #months; a scene that needs a kernel leads to the scene before it (the page's map).
const places = JSON.parse(document.getElementById('kit-scene-places')?.textContent || '{}');
function sceneAt(hash) {
  let name = hash.replace(/^#\\/?/, '').split('/')[0];
  try { name = decodeURIComponent(name); } catch (malformed) { return -1; }
  const id = Object.hasOwn(places, name) ? places[name] : name;
  return scenes.findIndex((scene) => scene.id === id);
}
let readerMoved = false;  // the reader scrolled or pressed a key: the address is theirs now
for (const kind of ['wheel', 'touchstart', 'keydown', 'mousedown']) {
  window.addEventListener(kind, () => { readerMoved = true; }, {once: true, passive: true});
}
function fromAddress() {
  const found = sceneAt(location.hash);
  if (found >= 0) go(found);
}
fromAddress();
window.addEventListener('hashchange', fromAddress);
document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const field = event.target.closest && event.target.closest('input, textarea, select');
  const clicker = ['PageDown', 'PageUp'].includes(event.key);
  if (field && !clicker) return;
  const moves = {ArrowRight: 1, ' ': 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
  if (event.key in moves) go(current() + moves[event.key]);
  else if (event.key === 'Home') go(0);
  else if (event.key === 'End') go(scenes.length - 1);
  else return;
  event.preventDefault();
});
"""

DRAWN = """\
// the charts above the scene grew as they were drawn: back to the address's scene
if (!readerMoved) fromAddress();
"""


def _document(
    language: str,
    title: str,
    body: str,
    style: str,
    bundle: str | None = None,
    script: str | None = None,
) -> str:
    scripts = ""
    if bundle:
        scripts = f'<script type="module" src="{bundle}"></script>'
        scripts += f'<script type="module">\n{script}</script>'
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{title}</title>\n"
        f'<link rel="stylesheet" href="{style}">\n{scripts}\n</head>\n'
        f"<body><main>{body}</main></body>\n</html>\n"
    )


STYLE_SHEET = """\
body { margin: 0; font: 20px/1.5 system-ui, sans-serif; color: #1f2933; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
h1 { font-size: 2rem; line-height: 1.2; }
h2 { font-size: 1.5rem; line-height: 1.25; margin-top: 2.5rem; }
nav { font-size: 1rem; }
a { color: #1565c0; }
.chart { width: 100%; margin: 1rem 0; }
.chart .vega-embed { width: 100%; }
.vega-bindings { display: flex; flex-wrap: wrap; gap: 0.1rem 1.5rem; font-size: 0.9rem; }
.vega-bind { display: flex; flex-direction: column; }
.vega-bind-name { display: block; }  /* above its slider, wrapped or not */
.vega-bind input[type="range"] { width: 11rem; max-width: 100%; vertical-align: middle; }
.vega-bind input[type="text"] { font-size: 1rem; width: 18rem; max-width: 100%; }
.note { font-size: 0.9rem; color: #52606d; }
/* a projector: one scene per screen, its controls and chart together */
@media (min-width: 800px) and (min-height: 600px) {
  main > section { min-height: 100vh; box-sizing: border-box; padding-top: 0.5rem; }
  main > section > h2 { margin-top: 0.5rem; }
}
@media (max-width: 480px) { body { font-size: 18px; } main { padding: 0.5rem 0.75rem 3rem; } }
"""


# -- writing the folder ------------------------------------------------------------------------


def export_site(target: Path, languages: tuple[str, ...] = LANGUAGES) -> dict[str, Any]:
    """Write the kernel-free deck into ``target`` (replaced only when all was written).

    Parameters
    ----------
    target : Path
        The folder; created if missing, replaced if it holds an earlier export.
    languages : tuple of str

    Returns
    -------
    dict
        The manifest written (``site.json``).

    Raises
    ------
    SiteError
        ``target`` is a file, not empty and not an earlier export, read-only, or its
        parent cannot be written.
    """
    target = Path(target).absolute()
    with staged(target) as stage:
        records = []
        for page in site_pages(languages):
            path = stage / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            data = page.text.encode("utf-8")
            path.write_bytes(data)
            records.append(
                {"path": page.path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            )
        manifest = {
            "generator": GENERATOR,
            "kit": kit.__version__,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            "languages": list(languages),
            "files": records,
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def check_target(target: Path) -> None:
    """Refuse a ``target`` the export must not replace; a missing or empty one is fine.

    Raises
    ------
    SiteError
    """
    try:
        if not target.exists():
            parent = next(p for p in target.parents if p.exists())
            if not parent.is_dir():
                raise SiteError(f"cannot make the folder {target}: {parent} is a file")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise SiteError(f"cannot write to the folder {parent}: permission denied")
            return
        if not target.is_dir():
            raise SiteError(f"{target} is a file, not a folder; choose a folder for the site")
        if not os.access(target, os.W_OK | os.X_OK) or not os.access(
            target.parent, os.W_OK | os.X_OK
        ):
            raise SiteError(
                f"{target} cannot be replaced: it or its parent folder is read-only; "
                "make it writable or choose another folder"
            )
        if not any(target.iterdir()):
            return
    except OSError as error:
        raise SiteError(f"cannot read the folder {target}: {error.strerror}") from None
    foreign = foreign_files(target)
    if foreign is None:
        raise SiteError(
            f"{target} is not empty and holds no {MANIFEST} of an earlier kit export-site: "
            "it will not be replaced; choose an empty or new folder"
        )
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise SiteError(
            f"{target} holds files the export did not write or that changed since ({shown}): "
            "it will not be replaced; move them out or choose another folder"
        )


def foreign_files(folder: Path) -> list[str] | None:
    """Files in an earlier export that its manifest does not list as they are; None: no export."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        return None
    foreign = []
    for root, folders, files in os.walk(folder):
        here = Path(root)
        for name in files:
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if relative in (MANIFEST, MARKER):
                continue  # the marker: an export killed between its swap and its cleanup
            if path.is_symlink() or listed.get(relative) != _sha256(path):
                foreign.append(relative)
        for name in folders:
            if (here / name).is_symlink():
                foreign.append((here / name).relative_to(folder).as_posix() + "/")
    return sorted(foreign)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A stage folder beside ``target`` that replaces it only if the block succeeds.

    Stage and old folders left beside ``target`` by an export that was killed (their
    marker names a process that no longer runs) are removed first.
    """
    check_target(target)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        EXPORT_MARKER.remove_stale(parent, leftovers_of(target.name))
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGE}", dir=parent))
        EXPORT_MARKER.write(stage)
    except OSError as error:
        raise SiteError(f"cannot write to the folder {parent}: {error.strerror}") from None
    try:
        yield stage
        stage.chmod(0o755)
        check_target(target)  # nobody put a file there meanwhile
        EXPORT_MARKER.swap_into_place(stage, target)
        (target / MARKER).unlink()
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
