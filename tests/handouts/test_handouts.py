"""Real handout runs: offline HTML, A4 PDF, manifest, Dutch in Dutch, atomic, rosters escaped."""

import hashlib
import http.server
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from helpers import SLIDERS_BESIDE_NAMES, previous_handouts, roster_workshop
from jupyter_client.blocking import BlockingKernelClient
from live.test_deck_browser import axe_source, serious_violations
from PIL import Image, ImageStat

from kit import handouts, resources
from kit.chromium import HEADLESS_FLAGS
from kit.cli import main
from kit.handouts import HandoutError, svg_images, write_handouts
from kit.stories import STORIES
from kit.text import t
from kit.workshop import DEFAULT_WORKSHOP, load_workshop

pytestmark = pytest.mark.notebook
__all__ = ["axe_source"]  # a fixture shared with the deck's browser tests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium")
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
KIT_SCRIPT = re.compile(
    r'(?:\s+(?:type="(?:module|application/json|text/csv|text/plain)"|class="kit-kernel-free-\w+"'
    r'|id="kit-vega-bundle"|data-(?:chart|name|packed)="[\w-]+"))+'
)
"""The attributes of the only scripts a handout has: its sliders' (kit.kernelfree.embed)."""
NETWORK_LOAD = re.compile(
    r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("default") / "handouts"
    outcome = write_handouts(load_workshop(DEFAULT_WORKSHOP), out, jobs=2)
    return out, outcome


def test_the_summary_speaks_dutch_numbers(default_run, capsys):
    """The trainer's table and lines in Dutch: 1,2 MB and 1,4 s, not 1.2 and 1.4."""
    from kit.commands.handouts import HandoutProgress, show_summary

    _, outcome = default_run
    show_summary(outcome, "nl")
    with HandoutProgress("nl") as progress:
        progress.report(1, len(outcome.written), outcome.written[0])
    said = capsys.readouterr()
    table = said.out
    assert re.search(r"html \d,\d MB", table), table  # the pages are 1.0-1.2 MB
    assert re.search(r"pdf \d+ kB", table), table
    seconds = re.findall(r"│\s+(\d+[.,]\d)\s+│", table)
    assert seconds and all("," in value for value in seconds), table
    assert re.search(r"geschreven in \d+,\d s", table), table
    assert re.search(r"^\[1/4 +\d+,\d s\] .*  \d+,\d s$", said.err.strip()), said.err


def stories():
    return [STORIES[s].notebook_path.stem for s in load_workshop(DEFAULT_WORKSHOP).notebooks]


def charts_of(notebook_path: Path, what: str = "svg") -> list:
    """SVGs (or specs) of every chart the executed notebook showed, except in live-only cells."""
    notebook = nbformat.read(notebook_path, as_version=4)
    outputs = [
        output
        for cell in notebook.cells
        if "live-only" not in cell.metadata.get("tags", [])
        for output in cell.get("outputs", [])
        if "image/svg+xml" in output.get("data", {})
    ]
    if what == "spec":
        return [output["metadata"]["kit"]["spec"] for output in outputs]
    return [output["data"]["image/svg+xml"] for output in outputs]


def same_drawing(svg: str) -> str:
    """An SVG without Vega's clip-path counter, which runs on over a kernel's lifetime."""
    return re.sub(r"clip\d+", "clip", svg)


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def printed_outputs(folder: Path) -> list[str]:
    """Every stream (stdout, stderr) or error output in the executed notebooks under ``folder``.

    The story cells display; they never print. Anything here is noise on a handout, such as
    IPython's "ERROR! Session/line number was not unique in database" from kernels that
    shared one history database.
    """
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") in ("stream", "error"):
                    text = output.get("text") or output.get("evalue") or ""
                    found.append(f"{path.relative_to(folder)} cell {index}: {text[:200]!r}")
    return found


def test_the_executed_notebooks_print_nothing(default_run):
    out, _ = default_run
    assert list(out.rglob("*.ipynb"))
    assert printed_outputs(out) == []


def test_warm_kernels_keep_their_history_in_memory(tmp_path):
    """Two warm kernels never share IPython's history database (its races print errors)."""
    kernel = handouts.WarmKernel()
    try:
        manager, _ = kernel.get(str(tmp_path))
        client = BlockingKernelClient(connection_file=manager.connection_file)
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        seen = []
        client.execute_interactive(
            "print(get_ipython().history_manager.hist_file)",
            timeout=60,
            output_hook=lambda msg: seen.append(msg["content"].get("text", "")),
        )
        client.stop_channels()
    finally:
        kernel.shutdown()
    assert "".join(seen).strip() == ":memory:"


def test_every_notebook_and_language_is_written(default_run):
    out, outcome = default_run
    for language in ("nl", "en"):
        for stem in stories():
            for suffix in (".html", ".pdf", ".ipynb"):
                assert (out / language / f"{stem}{suffix}").is_file()
    assert sorted(outcome.files) == sorted(tree(out))


def test_manifest_checksums_match_the_files(default_run):
    out, _ = default_run
    manifest = json.loads((out / "manifest.json").read_text())
    files = tree(out)
    files.pop("manifest.json")
    assert {path: entry["sha256"] for path, entry in manifest["files"].items()} == files
    workshop_bytes = DEFAULT_WORKSHOP.read_bytes()
    assert manifest["workshop"]["sha256"] == hashlib.sha256(workshop_bytes).hexdigest()
    assert manifest["parameters"]["nocure"]["seed"] == 2024
    assert manifest["packages"]["papermill"] and manifest["packages"]["python"]
    assert manifest["started"] <= manifest["finished"]
    assert {h["language"] for h in manifest["handouts"]} == {"nl", "en"}


def test_html_is_offline_small_and_shows_the_charts_without_code(default_run):
    out, _ = default_run
    for language in ("nl", "en"):
        for stem in stories():
            path = out / language / f"{stem}.html"
            html = path.read_text(encoding="utf-8")
            assert path.stat().st_size < 2_000_000
            assert not NETWORK_LOAD.search(html), NETWORK_LOAD.search(html)
            # scripts: only the sliders' own, inline (a spec's "$schema" names, never loads)
            assert all("src" not in attributes for attributes in SCRIPT_TAG.findall(html))
            outside = SCRIPT.sub("", html)
            assert "http://" not in outside and "https://" not in outside
            expected = charts_of(out / language / f"{stem}.ipynb")
            assert expected and svg_images(html) == expected
            assert "show_chart(" not in html and "from kit import" not in html
            assert "application/vnd.jupyter.widget" not in html
            assert "No description has been provided" not in html
            assert html.count('alt=""') == 0
            assert f'<html lang="{language}">' in html
            title, subtitle = {
                "nl": (
                    "Prestatiedeals en het vliegwiel van aanbevelingen",
                    "Waarom een gehaalde deal toch verloren gaat",
                ),
                "en": (
                    "Performance deals and the referral flywheel",
                    "Why a deal that was met is still lost",
                ),
            }[language]
            assert title in html and subtitle in html  # the cover in the handout's language


def test_the_dutch_handout_is_in_dutch(default_run):
    out, _ = default_run
    html = (out / "nl" / "01_no_cure_no_pay.html").read_text(encoding="utf-8")
    assert "Het doel is gehaald" in html and "14 maart 2025" in html and "Datum" in html
    assert "The target" not in html and "Date" not in html
    english = (out / "en" / "01_no_cure_no_pay.html").read_text(encoding="utf-8")
    assert "The target is met" in english and "14 March 2025" in english


def test_the_same_workshop_gives_the_same_numbers(default_run):
    out, _ = default_run
    again = out.parent / "again"
    write_handouts(load_workshop(DEFAULT_WORKSHOP), again, ["en"], ["html"], jobs=1)
    for stem in stories():
        first, second = (folder / "en" / f"{stem}.ipynb" for folder in (out, again))
        assert charts_of(second, "spec") == charts_of(first, "spec")
        assert [same_drawing(s) for s in charts_of(second)] == [
            same_drawing(s) for s in charts_of(first)
        ]


@needs_chromium
def test_pdf_is_a4_and_page_one_is_not_blank(default_run, tmp_path):
    out, _ = default_run
    for language in ("nl", "en"):
        pdf = out / language / "01_no_cure_no_pay.pdf"
        png = subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf)],
            capture_output=True,
            check=True,
        ).stdout
        image = Image.open(io.BytesIO(png)).convert("L")
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.01  # A4, not Letter
        stats = ImageStat.Stat(image)
        assert stats.stddev[0] > 20  # text and a chart, not an empty page
        dark = sum(image.histogram()[:128]) / (width * height)
        assert 0.01 < dark < 0.5


@needs_chromium
def test_chromium_offline_draws_every_chart(default_run, tmp_path):
    """Open each handout in Chromium with the network off and ask it which images decoded."""
    out, _ = default_run
    probe = (
        "<script>addEventListener('load', () => { for (const img of document.images)"
        " img.setAttribute('data-drawn', img.complete && img.naturalWidth > 0"
        " ? img.naturalWidth + 'x' + img.naturalHeight : 'no'); });</script>"
    )
    for language in ("nl", "en"):
        for stem in stories():
            html = (out / language / f"{stem}.html").read_text(encoding="utf-8")
            page = tmp_path / f"{language}-{stem}.html"
            page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
            dom = subprocess.run(
                [
                    CHROMIUM,
                    *handouts.CHROMIUM_FLAGS,
                    f"--user-data-dir={tmp_path / 'profile'}",
                    "--virtual-time-budget=5000",
                    "--dump-dom",
                    page.as_uri(),
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            ).stdout
            drawn = re.findall(r'data-drawn="([^"]*)"', dom)
            assert len(drawn) == len(charts_of(out / language / f"{stem}.ipynb"))
            assert drawn and all(re.fullmatch(r"\d{2,}x\d{2,}", size) for size in drawn), drawn


@needs_chromium
@pytest.mark.parametrize("flags", ["all", "the page's route alone"])
def test_the_printer_asks_the_network_for_nothing(tmp_path, monkeypatch, flags):
    """A page that would load from a server (here one on loopback, which Chromium reaches
    even with a proxy set) is printed without a single request leaving the browser: with
    every flag, and with the browser's own network flags taken away (the page's route,
    which aborts all but local files, holds alone)."""
    if flags != "all":
        monkeypatch.setattr(handouts.pdf, "CHROMIUM_FLAGS", HEADLESS_FLAGS)
    asked = []

    class Server(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's hook
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    page = tmp_path / "page.html"
    page.write_text(
        f'<!doctype html><link rel="stylesheet" href="{address}/style.css">'
        f'<p>Handout</p><img src="{address}/chart.png"><script src="{address}/app.js"></script>'
        f'<iframe src="{address}/frame"></iframe>',
        encoding="utf-8",
    )
    printer = handouts.Printer(str(tmp_path))
    try:
        for name in ("one.pdf", "two.pdf"):  # one browser for both
            printer.print(page, tmp_path / name)
            assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    finally:
        printer.close()
        server.shutdown()
    assert asked == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.pdf", "page.html", "two.pdf"]


ROSTER = (
    "name,month_1,month_2,month_3,month_4,month_5,month_6\n"
    "<script>alert(1)</script>,30,10,25,20,40,15\n"
    "Jansen & Zn,,,,,,\n"
)


def test_roster_participants_get_their_own_escaped_handouts(tmp_path, capsys):
    out = tmp_path / "handouts"
    code = main(
        [
            "handouts",
            str(roster_workshop(tmp_path, ROSTER)),
            "--out",
            str(out),
            "--format",
            "html",
            "--jobs",
            "2",
        ]
    )
    assert code == 0
    folder = out / "en" / "participants"
    script = (folder / "01_no_cure_no_pay--script-alert-1-script.html").read_text()
    jansen = (folder / "01_no_cure_no_pay--jansen-zn.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in script
    assert "<script>alert" not in script
    assert all(KIT_SCRIPT.fullmatch(tag) for tag in SCRIPT_TAG.findall(script))  # the kit's own
    assert "Jansen &amp; Zn" in jansen and "Jansen & Zn" not in jansen
    assert "140 of 120" in script  # their own months: 30 + 10 + 25 + 20 + 40 + 15
    assert "120 of 120" in jansen
    # Same parameters, another kernel or the same warm one: the same charts.
    general = svg_images((out / "en" / "01_no_cure_no_pay.html").read_text())
    assert [same_drawing(s) for s in svg_images(jansen)] == [same_drawing(s) for s in general]
    assert printed_outputs(out) == []
    printed = capsys.readouterr()
    assert "3/3" in printed.err and "Jansen & Zn" in printed.out + printed.err


def raising_notebook(tmp_path: Path) -> Path:
    """A copy of story A's notebook whose third cell raises, in a notebooks folder of its own."""
    notebook = nbformat.read(STORIES["nocure"].notebook_path, as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell("raise RuntimeError('the projector broke')"))
    path = tmp_path / "broken" / STORIES["nocure"].notebook
    path.parent.mkdir()
    nbformat.write(notebook, path)
    return path


def test_a_failing_run_leaves_the_previous_handouts_untouched(tmp_path, monkeypatch, capsys):
    # the workers' kernel sockets go here, and must not stay (a short path: Unix sockets)
    temporary = Path(tempfile.mkdtemp(prefix="kt-"))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    out = tmp_path / "handouts"
    previous_handouts(out)
    before = tree(out)
    monkeypatch.setattr(resources, "NOTEBOOKS", raising_notebook(tmp_path).parent)
    workshop = roster_workshop(tmp_path, ROSTER)
    code = main(["handouts", str(workshop), "--out", str(out), "--format", "html", "--jobs", "2"])
    assert code == 1
    err = capsys.readouterr().err
    assert "01_no_cure_no_pay.ipynb (en" in err
    assert "cell 3" in err and "RuntimeError: the projector broke" in err
    assert "untouched" in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "broken",
        "handouts",
        "roster.csv",
        "workshop.yaml",
    ]
    with pytest.raises(HandoutError):
        write_handouts(load_workshop(workshop), out, formats=["html"], jobs=1)
    assert tree(out) == before
    assert list(temporary.iterdir()) == []  # killed workers' kernel sockets removed too
    temporary.rmdir()


def test_ctrl_c_leaves_the_previous_handouts_untouched(tmp_path):
    out = tmp_path / "handouts"
    previous_handouts(out)
    before = tree(out)
    (tmp_path / "workshop").mkdir()  # 11 handouts: still running a second after they began
    rows = "".join(f"Participant {i},20,15,5,45,20,15\n" for i in range(10))
    roster = "name,month_1,month_2,month_3,month_4,month_5,month_6\n" + rows
    workshop = roster_workshop(tmp_path / "workshop", roster)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kit",
            "handouts",
            str(workshop),
            "--out",
            str(out),
            "--lang",
            "en",
            "--format",
            "html",
            "--jobs",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        p.name.startswith(".handouts.tmp-") for p in tmp_path.iterdir()
    ):
        time.sleep(0.1)
    time.sleep(1.0)  # the notebooks are running now
    os.kill(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handouts", "workshop"]


# -- the handout HTML keeps its sliders (kit.kernelfree) -----------------------------------------

LIVE_SCENES = {
    "01_no_cure_no_pay": ["months", "contract", "chance"],
    "02_referral_flywheel": ["tree", "doubling", "honest", "hunting"],
}
"""The scenes with a kernel-free form that the default workshop's values allow."""
ARTIFACTS = ROOT / "test-artifacts"


def test_html_carries_the_sliders_of_every_kernel_free_scene_once(default_run):
    from kit.kernelfree import embed

    out, _ = default_run
    for language in ("nl", "en"):
        for stem in stories():
            html = (out / language / f"{stem}.html").read_text(encoding="utf-8")
            scenes = re.findall(rf'class="{embed.SPEC_CLASS}" data-chart="([a-z_]+)"', html)
            assert scenes == LIVE_SCENES[stem]
            assert html.count('class="jp-OutputArea-output kit-live"') == len(scenes)
            assert html.count(f'id="{embed.BUNDLE_ID}"') == 1  # Vega once per page
            assert html.count(f'class="{embed.GRID_CLASS}"') == 1  # each grid once
            assert t("handouts.live_note", language) in html


@needs_chromium
def test_the_pdf_prints_the_workshops_charts_not_the_sliders(default_run):
    out, _ = default_run
    for language in ("nl", "en"):
        for stem in stories():
            pdf = out / language / f"{stem}.pdf"
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert t("handouts.live_note", language).split(":")[0] not in text


MOVE = """([name, value]) => {
    const input = document.querySelector(`input[name="p_${name}"]`);
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
}"""
CHART_TEXTS = """name => Array.from(document.querySelectorAll(`#chart-${name} svg text`))
    .map(e => e.textContent)"""


READOUTS = """() => Array.from(document.querySelectorAll('input[type=range]'))
    .map(input => [input.name, +input.value, input.nextElementSibling.textContent])"""
RELEASE = """([name, value]) => {
    const input = document.querySelector(`input[name="p_${name}"]`);
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
}"""


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_handout_slider_reads_as_on_the_kernels_slides(default_run, language):
    """Each kernel-free readout shows its value as the kernel's slides do (60%, € 1.600, 0,50,
    seed 2024), on opening, after a slider is released (Vega writes the raw value then), and on
    another chart whose slider followed it. On a phone's width every slider is under its name."""
    from playwright.sync_api import sync_playwright

    from kit.live.readout import readout_text

    out, _ = default_run
    schema = {
        name: story.story.schema[name]
        for story in STORIES.values()
        for name in story.story.schema.names
    }
    seen, beside = {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(HEADLESS_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            for stem in stories():
                page.goto((out / language / f"{stem}.html").as_uri())
                page.wait_for_function(
                    "() => document.documentElement.classList.contains('kit-interactive')",
                    timeout=60_000,
                )
                seen[stem] = page.evaluate(READOUTS)
                beside[stem] = page.evaluate(SLIDERS_BESIDE_NAMES)
                if stem.startswith("02"):  # conversion is on two charts: move one of them
                    page.evaluate(RELEASE, ["conversion", 0.3])
                    page.wait_for_timeout(300)
                    seen["moved"] = page.evaluate(READOUTS)
        finally:
            browser.close()
    readouts = [row for rows in seen.values() for row in rows]
    assert len(readouts) > 10
    for name, value, text in readouts:
        param = schema[name.removeprefix("p_")]
        assert text.replace("\u00a0", " ") == readout_text(param, value, language), name
    moved = [text for name, _, text in seen["moved"] if name == "p_conversion"]
    assert len(moved) >= 2 and set(moved) == {"30%"}, moved
    assert beside == {stem: [] for stem in stories()}


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize(
    ("language", "stem", "chart", "slider", "value", "shown"),
    [
        ("en", "02_referral_flywheel", "tree", "per_fan", 3, "Total: 40"),
        ("nl", "01_no_cure_no_pay", "chance", "volatility", 0, None),
    ],
)
def test_a_handout_slider_redraws_its_chart_offline_and_passes_axe(
    default_run, axe_source, language, stem, chart, slider, value, shown
):
    """The handout opened from disk: its chart drawn in the browser, a slider moved redraws
    it, nothing is asked of any server, no console error, no serious axe violation; in
    print media the kernel's chart is back and the sliders are gone."""
    from playwright.sync_api import sync_playwright

    from kit.chromium import HEADLESS_FLAGS

    out, _ = default_run
    path = out / language / f"{stem}.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(HEADLESS_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            errors, requests = [], []
            page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            page.wait_for_function(
                "() => document.documentElement.classList.contains('kit-interactive')",
                timeout=60_000,
            )
            before = page.evaluate(CHART_TEXTS, chart)
            static = page.locator(".kit-static").first
            assert not static.is_visible() and page.locator(".kit-live").first.is_visible()
            page.evaluate(MOVE, [slider, value])
            page.wait_for_function(
                f"before => JSON.stringify({CHART_TEXTS.replace(chr(10), ' ')}('{chart}'))"
                " !== JSON.stringify(before)",
                arg=before,
                timeout=10_000,
            )
            after = page.evaluate(CHART_TEXTS, chart)
            violations = serious_violations(page, axe_source)
            page.emulate_media(media="print")
            printed = static.is_visible(), page.locator(".kit-live").first.is_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"handout-{language}-{stem}.png"), full_page=True)
            # opened to be printed (as the PDF printer does): nothing drawn, until on a screen
            printing = browser.new_page()
            printing.emulate_media(media="print")
            printing.goto(path.as_uri())
            printing.wait_for_timeout(500)
            drawn_in_print = printing.evaluate("() => window.kitViews !== undefined")
            printing.emulate_media(media="screen")
            printing.wait_for_function(
                "() => document.documentElement.classList.contains('kit-interactive')",
                timeout=60_000,
            )
        finally:
            browser.close()
    assert shown is None or shown in after, after
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
    assert errors == []
    assert violations == []
    assert printed == (True, False)
    assert not drawn_in_print
