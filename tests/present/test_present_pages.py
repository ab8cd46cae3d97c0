"""The presenter's own pages and the Voilà template: local, friendly, in the visitor's language."""

from __future__ import annotations

import json

from kit import present
from kit.text import t

STORIES = present.stories_in(present.NOTEBOOKS)


def test_the_index_links_every_story_in_its_language():
    for language in ("en", "nl"):
        page = present.index_html(STORIES, language)
        assert t("present.page_title", language) in page
        for story in STORIES:
            assert f'href="/voila/render/{language}/{story.file}"' in page
            assert f'href="/voila/render/{story.deck(language)}"' in page
        assert "http://" not in page and "https://" not in page and "src=" not in page


def test_room_full_page_is_friendly_and_local():
    page = present.room_full_html(25, "nl")
    assert "De zaal is vol" in page and "25" in page
    assert "https://" not in page


def test_an_error_page_says_what_happened_without_a_traceback():
    assert present.error_html(404, "nl") == present.not_found_html("nl")
    page = present.error_html(500, "en")
    assert t("present.error", "en", status=500) in page and 'lang="en"' in page
    assert "Traceback" not in page and "https://" not in page


def test_the_template_asks_no_cdn_for_anything():
    template = present.STATIC / "voila" / "templates" / "kit"
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    for path in template.iterdir():
        text = path.read_text()
        assert "https://" not in text and "http://" not in text, path.name


def test_qr_code_is_drawn_with_block_characters():
    code = present.qr_code("http://192.168.1.20:8866/?lang=nl")
    lines = code.splitlines()
    assert len(lines) > 10 and len({len(line) for line in lines}) == 1
    assert set(code) <= {" ", "\xa0", "█", "▀", "▄", "\n"}
