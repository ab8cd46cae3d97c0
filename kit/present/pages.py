"""The presenter's own pages: the index of stories, "the room is full" and "no such story".

Each is one self-contained HTML page in the visitor's language: inline style, no request
to anywhere but the presenter, and no script but the room-full page's forward.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kit.text import LANGUAGES, t

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kit.present.notebooks import Story

FAVICON = '<link rel="icon" href="data:;base64,=">'

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       background: #f4f5f7; color: #1f2430; }
main { max-width: 760px; margin: 0 auto; padding: 40px 24px; }
h1 { font-size: 30px; margin: 0 0 12px 0; }
p.intro { font-size: 18px; line-height: 1.5; }
.story { display: block; background: #fff; border-radius: 10px; padding: 20px 24px;
         margin: 18px 0; text-decoration: none; color: inherit;
         box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); border-left: 6px solid #1565c0; }
.story:hover, .story:focus { box-shadow: 0 3px 10px rgba(0, 0, 0, 0.18); }
.story h2 { margin: 0 0 8px 0; font-size: 21px; color: #0d47a1; }
.story p { margin: 0 0 10px 0; line-height: 1.45; }
.story span { font-weight: 600; color: #1565c0; }
.language { margin-top: 28px; font-size: 15px; }
a.button { display: inline-block; background: #1565c0; color: #fff; padding: 10px 18px;
           border-radius: 6px; text-decoration: none; font-weight: 600; }
"""


def page_html(title: str, body: str, language: str, head: str = "") -> str:
    """A complete, self-contained HTML page (no external requests); ``head``: more of its head."""
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{FAVICON}\n{head}<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def index_html(stories: Sequence[Story], language: str) -> str:
    """The index page: one card per story, linking to its Voilà page in ``language``."""
    cards = "\n".join(
        f'<a class="story kit-story kit-story-{s.topic}" href="/voila/render/{s.deck(language)}">'
        f"<h2>{html.escape(s.title(language))}</h2>"
        f"<p>{html.escape(t(f'present.blurbs.{s.topic}', language))}</p>"
        f"<span>{html.escape(t('present.open', language))} &rarr;</span></a>"
        # the deck is the default; the notebook as one long page stays one click away
        f'<p class="kit-page-view"><a href="/voila/render/{s.page(language)}">'
        f"{html.escape(t('deck.ui.as_page', language))}</a></p>"
        for s in stories
    )
    other = next(lang for lang in LANGUAGES if lang != language)
    body = (
        f"<h1>{html.escape(t('present.page_title', language))}</h1>\n"
        f'<p class="intro">{html.escape(t("present.intro", language))}</p>\n{cards}\n'
        f'<p class="language"><a class="kit-other-language" href="/?lang={other}">'
        f"{html.escape(t('present.other_language', language))}</a></p>"
    )
    return page_html(t("present.page_title", language), body, language)


def room_full_html(limit: int, language: str, kernel_free: str | None = None) -> str:
    """The friendly page a participant sees when every place is taken.

    Parameters
    ----------
    limit : int
        Places with a kernel.
    language : str
    kernel_free : str, optional
        The address of the story's kernel-free page: the page then takes the participant
        there at once, to the scene they asked for (:data:`FORWARD`; without a script,
        ``<meta http-equiv="refresh">`` to the page's start), and links to it.
    """
    title = html.escape(t("present.room_full_title", language))
    if kernel_free is None:
        text = t("present.room_full_text", language, limit=limit)
        link, button = "", t("present.try_again", language)
    else:
        text = t("present.room_full_kernel_free", language, limit=limit)
        link, button = html.escape(kernel_free, quote=True), t("present.open_kernel_free", language)
    body = (
        f'<h1 class="kit-room-full">{title}</h1>\n'
        f'<p class="intro">{html.escape(text)}</p>\n'
        f'<p><a class="button" href="{link}">{html.escape(button)}</a></p>'
    )
    head = ""
    if link:
        address = json.dumps(kernel_free).replace("</", "<\\/")
        head = (
            f"<script>const kitKernelFree = {address};\n{FORWARD}</script>\n"
            f'<noscript><meta http-equiv="refresh" content="0; url={link}"></noscript>\n'
        )
    return page_html(t("present.room_full_title", language), body, language, head)


FORWARD = """\
// The scene lives in the address's fragment (#/contract, #/months/3), which never reaches
// the server: the participant past the cap is taken to the kernel-free page at that scene.
// A deck opened with ?follow goes to the coach's scene, as the deck would have.
(function () {
  const go = (scene) => location.replace(kitKernelFree + (scene || location.hash));
  if (!new URLSearchParams(location.search).has("follow")) return go();
  const page = decodeURIComponent(location.pathname.replace(/^.*?\\/voila\\/render\\//, ""));
  const asking = new AbortController();
  setTimeout(() => asking.abort(), 2000);  // a busy presenter: the participant's own scene
  fetch(`/kit/deck/scene?page=${encodeURIComponent(page)}`, {signal: asking.signal})
    .then((answer) => answer.json())
    .then((coach) => go(coach.scene && `#/${coach.scene}${coach.step ? `/${coach.step}` : ""}`))
    .catch(() => go());
})();
"""


def not_found_html(language: str) -> str:
    """The page for an address that is not one of the stories."""
    body = (
        f'<p class="intro">{html.escape(t("present.not_found", language))}</p>\n'
        f'<p><a class="button" href="/?lang={language}">'
        f"{html.escape(t('present.back', language))}</a></p>"
    )
    return page_html(t("present.page_title", language), body, language)


def error_html(status: int, language: str) -> str:
    """The page for a request that went wrong (no traceback: that stays on the server)."""
    if status == 404:
        return not_found_html(language)
    body = (
        f'<p class="intro">{html.escape(t("present.error", language, status=status))}</p>\n'
        f'<p><a class="button" href="/?lang={language}">'
        f"{html.escape(t('present.back', language))}</a></p>"
    )
    return page_html(t("present.page_title", language), body, language)
