"""Presenter mode: the story notebooks as a code-free Voilà app, for a coach or a whole room.

``kit present`` copies each story notebook once per language (the language set in a cell
after the ``parameters`` cell, as papermill would), and serves the copies with Voilà behind
an index page in the chosen language. What it adds to a plain ``voila notebooks/``:

- **offline**: the pages use the kit's Voilà template (``kit/static/voila/templates/kit``),
  which drops the Font Awesome stylesheets that Voilà asks a CDN for (Voilà's own bundle
  already carries Font Awesome and its fonts); the story's charts are SVG drawn in the
  kernel, the live panel's are drawn in the browser from the kit's own bundle;
- **fast first page**: kernels are preheated (``--pool``): each one has run its notebook
  before anybody asks for it, so a page is sent at once; the first story is preheated
  first, its kernels are spares that started while Voilà was being imported
  (:mod:`kit.prestart`), a page never starts a second kernel beside a starting preheated
  one, and a pool refills a few seconds after a visitor took its kernel;
- **a cell timeout** (``--cell-timeout``): a stuck cell cannot hang a page load for the room;
- **room mode** (``--room``): binds to the machine's network address, prints the address and
  a QR code, gives every participant a kernel of their own, culls idle kernels and shows a
  friendly "the room is full" page beyond ``--max-participants``;
- **JupyterLab** (``--lab``) for coaches who show the code, always behind its token and
  never for the room.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import io
import ipaddress
import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.cache import SERVED_JS, cache_dir
from kit.text import LANGUAGES, t

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STATIC = Path(__file__).resolve().parent / "static"
TEMPLATE = "kit"

STORIES = (
    ("01_no_cure_no_pay.ipynb", "nocure"),
    ("02_referral_flywheel.ipynb", "referrals"),
)
"""Every story notebook the presenter knows, in the order of the index page: (file, topic)."""

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8866
FAVICON = '<link rel="icon" href="data:;base64,=">'


class PresentError(Exception):
    """A mistake in how ``kit present`` was called, or a machine it cannot serve from."""


@dataclass(frozen=True)
class Story:
    """One story notebook, served in every language.

    Parameters
    ----------
    file : str
        The notebook's file name in ``notebooks/``.
    topic : str
        Its text topic (``nocure``), for the title and blurb on the index page.
    """

    file: str
    topic: str

    def page(self, language: str) -> str:
        """The notebook's path under the served directory, e.g. ``nl/01_no_cure_no_pay.ipynb``."""
        return f"{language}/{self.file}"

    def title(self, language: str) -> str:
        """The story's title in ``language``."""
        return t(f"{self.topic}.title", language)


@dataclass(frozen=True)
class Options:
    """Everything ``kit present`` was asked to do, validated.

    Parameters
    ----------
    language : {"en", "nl"}
        The index page's and the terminal's language; the pool preheats this language.
    ip : str
        The address to listen on.
    port : int
        The port (0: any free port).
    room : bool
        Room mode: participants on the local network.
    max_participants : int
        Participant kernels at most; one more sees the "room is full" page.
    idle_minutes : float
        A kernel without a page connected and idle this long is shut down.
    pool : int
        Preheated kernels per story notebook in ``language`` (0: start kernels on demand).
    cell_timeout : int
        Seconds one notebook cell may run while a page loads.
    notebooks : Path
        Where the story notebooks are.
    """

    language: str = "en"
    ip: str = LOOPBACK
    port: int = DEFAULT_PORT
    room: bool = False
    max_participants: int = 40
    idle_minutes: float = 15.0
    pool: int = 1
    cell_timeout: int = 60
    notebooks: Path = NOTEBOOKS


# -- addresses ----------------------------------------------------------------------------------


def is_loopback(ip: str) -> bool:
    """True for an address only this machine can reach (127.0.0.1, ::1).

    >>> is_loopback("127.0.0.1"), is_loopback("192.168.1.20")
    (True, False)
    """
    return ipaddress.ip_address(ip).is_loopback


def room_address() -> str:
    """Find this machine's IPv4 address on the local network, for participants' laptops.

    The address of the default route if there is one (found without sending a packet),
    else the first private address of a network interface (an offline room on a hotspot).

    Raises
    ------
    PresentError
        When the machine has no network address besides loopback.
    """
    import psutil

    candidates = [
        addr.address
        for addrs in psutil.net_if_addrs().values()
        for addr in addrs
        if addr.family == socket.AF_INET and _reachable_by_room(addr.address)
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1; a UDP connect sends nothing
            routed = probe.getsockname()[0]
        except OSError:
            routed = None
    if routed and _reachable_by_room(routed):
        return routed
    private = [a for a in candidates if ipaddress.ip_address(a).is_private]
    if private or candidates:
        return (private or candidates)[0]
    raise PresentError(
        "this machine has no network address for the room; join the room's Wi-Fi "
        "(or pass --ip with the address participants can reach)"
    )


def _reachable_by_room(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    return not (address.is_loopback or address.is_link_local or address.is_unspecified)


def check_port(ip: str, port: int) -> int:
    """Make sure ``ip:port`` can be listened on; return the port (a free one for 0).

    Raises
    ------
    PresentError
        When the port is taken or the address is not this machine's.
    """
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError as error:
            if port and error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise PresentError(
                    f"port {port} on {ip} is in use (is `kit present` already running?); "
                    "choose another with --port"
                ) from None
            raise PresentError(f"cannot listen on {ip}:{port}: {error.strerror}") from None
        return sock.getsockname()[1]


def url_for(ip: str, port: int, path: str = "/") -> str:
    """The address a browser opens.

    >>> url_for("127.0.0.1", 8866)
    'http://127.0.0.1:8866/'
    """
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}:{port}{path}"


def qr_code(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for a terminal.

    Light modules are drawn, so the code reads right on a dark terminal.
    """
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(text)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


# -- notebooks ----------------------------------------------------------------------------------


def stories_in(notebooks: Path) -> list[Story]:
    """The story notebooks found in ``notebooks``, in index order.

    Raises
    ------
    PresentError
        When the directory holds none of them.
    """
    found = [Story(file, topic) for file, topic in STORIES if (notebooks / file).is_file()]
    if not found:
        names = ", ".join(file for file, _ in STORIES)
        raise PresentError(f"no story notebook in {notebooks} (looked for {names})")
    return found


def prepare_notebooks(stories: Sequence[Story], source: Path, target: Path) -> None:
    """Copy every story into ``target/<language>/``, with its language set for Voilà.

    Each copy gets, as papermill would, an ``injected-parameters`` cell right after the
    ``parameters`` cell that sets ``language``; a line at the top that links back to the
    index; and the story's title as the page title. Outputs are cleared.

    Parameters
    ----------
    stories : sequence of Story
    source : Path
        The directory of the original notebooks.
    target : Path
        The directory Voilà serves.
    """
    import nbformat

    for story in stories:
        original = nbformat.read(source / story.file, as_version=4)
        for language in LANGUAGES:
            notebook = _localised(original, story, language)
            path = target / story.page(language)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, path)


def _localised(original: Any, story: Story, language: str) -> Any:
    import copy

    import nbformat

    notebook = copy.deepcopy(original)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise PresentError(f"{story.file} needs exactly one cell tagged 'parameters'")
    injected = nbformat.v4.new_code_cell(
        f"language = {language!r}", metadata={"tags": ["injected-parameters"]}
    )
    back = nbformat.v4.new_markdown_cell(
        f'<div class="kit-back"><a href="/?lang={language}">&larr; '
        f"{html.escape(t('present.back', language))}</a></div>"
    )
    notebook.cells.insert(tagged[0] + 1, injected)
    notebook.cells.insert(0, back)
    notebook.metadata["title"] = story.title(language)
    return notebook


# -- pages --------------------------------------------------------------------------------------

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


def page_html(title: str, body: str, language: str) -> str:
    """A complete, self-contained HTML page (no external requests)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{FAVICON}\n<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def index_html(stories: Sequence[Story], language: str) -> str:
    """The index page: one card per story, linking to its Voilà page in ``language``."""
    cards = "\n".join(
        f'<a class="story kit-story kit-story-{s.topic}" href="/voila/render/{s.page(language)}">'
        f"<h2>{html.escape(s.title(language))}</h2>"
        f"<p>{html.escape(t(f'present.blurbs.{s.topic}', language))}</p>"
        f"<span>{html.escape(t('present.open', language))} &rarr;</span></a>"
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


def room_full_html(limit: int, language: str) -> str:
    """The friendly page a participant sees when every place is taken."""
    body = (
        f'<h1 class="kit-room-full">{html.escape(t("present.room_full_title", language))}</h1>\n'
        f'<p class="intro">{html.escape(t("present.room_full_text", language, limit=limit))}</p>\n'
        f'<p><a class="button" href="">{html.escape(t("present.try_again", language))}</a></p>'
    )
    return page_html(t("present.room_full_title", language), body, language)


def not_found_html(language: str) -> str:
    """The page for an address that is not one of the stories."""
    body = (
        f'<p class="intro">{html.escape(t("present.not_found", language))}</p>\n'
        f'<p><a class="button" href="/?lang={language}">'
        f"{html.escape(t('present.back', language))}</a></p>"
    )
    return page_html(t("present.page_title", language), body, language)


# -- the Voilà app ------------------------------------------------------------------------------


@dataclass
class Room:
    """Who is in the room: the cap on participant kernels, and the pages being opened.

    Parameters
    ----------
    capacity : int
        Participant kernels at most (preheated kernels waiting in the pool do not count).
    language : str
        The language of the "room is full" page.
    opening : int
        Pages whose kernel is being started right now (counted against the cap).
    """

    capacity: int
    language: str
    opening: int = 0

    def participants(self, kernel_manager: Any) -> int:
        """Running kernels that belong to a page (not waiting in the preheated pool)."""
        pooled, pending = set(), 0
        for pool in getattr(kernel_manager, "_pools", {}).values():
            for task in pool:
                if not task.done():
                    pending += 1
                elif not task.cancelled() and task.exception() is None:
                    pooled.add(task.result()["kernel_id"])
        running = set(kernel_manager.list_kernel_ids())
        return max(0, len(running - pooled) - pending)

    def has_place(self, kernel_manager: Any) -> bool:
        """True while one more participant fits."""
        return self.participants(kernel_manager) + self.opening < self.capacity


def _handlers() -> tuple[type, type]:
    """The index and story handlers (built late: importing Voilà takes a while)."""
    import tornado.web
    from voila.tornado.handler import TornadoVoilaHandler

    class IndexHandler(tornado.web.RequestHandler):
        def initialize(self, stories: Sequence[Story], language: str) -> None:
            self.stories = stories
            self.language = language

        def get(self) -> None:
            language = self.get_argument("lang", self.language)
            if language not in LANGUAGES:
                language = self.language
            self.set_header("Cache-Control", "no-store")
            self.finish(index_html(self.stories, language))

    class StoryHandler(TornadoVoilaHandler):
        """Voilà's page handler, for the known stories only and only while there is room."""

        def initialize(self, **kwargs: Any) -> None:
            self.room: Room = kwargs.pop("room")
            self.pages: set[str] = kwargs.pop("pages")
            super().initialize(**kwargs)

        async def get(self, path: str | None = None) -> None:
            language = (path or "").split("/", 1)[0]
            language = language if language in LANGUAGES else self.room.language
            if path not in self.pages:
                self.set_status(404)
                self.finish(not_found_html(language))
                return
            if not self.room.has_place(self.kernel_manager):
                self.set_status(503)
                self.set_header("Retry-After", "30")
                self.finish(room_full_html(self.room.capacity, language))
                return
            # Voilà's page shuts its kernel down when left (a beacon to /voila/api/shutdown),
            # which the server accepts only with the _xsrf cookie; Voilà never sets it, so
            # without this line a left page keeps its kernel, and its place, until culled.
            _ = self.xsrf_token
            self.room.opening += 1
            try:
                await self.preheated_kernel_started(path)
                await super().get(path)
            finally:
                self.room.opening -= 1

        async def preheated_kernel_started(self, path: str) -> None:
            """Wait while the page's preheated kernel is still starting.

            Voilà uses a pool only once its kernel has started; a visitor who comes
            sooner (the coach, right after ``kit present``) would get a kernel of their
            own, started from nothing, while the pool's kernel is half-way ready.
            """
            manager = self.kernel_manager
            pool = getattr(manager, "_pools", {}).get(path, [])
            if pool and path not in getattr(manager, "notebook_data", {}):
                await asyncio.wait(pool[:1], timeout=STARTING_KERNEL_WAIT)

    return IndexHandler, StoryHandler


def voila_config(options: Options, stories: Sequence[Story]) -> Any:
    """The traitlets configuration of the presenter's Voilà app.

    Parameters
    ----------
    options : Options
    stories : sequence of Story

    Returns
    -------
    traitlets.config.Config
    """
    from traitlets.config import Config

    from kit import prestart

    config = Config()
    config.Voila.ip = options.ip
    config.Voila.port = options.port
    config.Voila.port_retries = 0
    config.Voila.open_browser = False
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.theme = "light"
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.preheat_kernel = options.pool > 0
    if options.pool and prestart.available():
        # the first kernels are the spares kit.prestart started before Voilà was imported
        config.KernelProvisionerFactory.default_provisioner_name = prestart.PROVISIONER
    config.VoilaConfiguration.default_pool_size = 0
    config.VoilaConfiguration.file_allowlist = []
    config.VoilaExecutor.timeout = options.cell_timeout
    config.VoilaExecutor.interrupt_on_timeout = False
    config.VoilaKernelManager.fill_delay = REFILL_DELAY
    # no pool at start: preheat_in_turn fills them story by story once the server listens
    config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}}
    if os.name != "nt":
        # Unix sockets, not TCP ports: a port jupyter_client picked for a kernel could be
        # handed to another connection before the kernel bound it ("Address already in
        # use"), and in a room of 25 that left a page waiting for a kernel that had died
        config.KernelManager.transport = "ipc"
    config.MappingKernelManager.cull_idle_timeout = int(options.idle_minutes * 60)
    config.MappingKernelManager.cull_interval = min(60, int(options.idle_minutes * 60) // 2)
    config.MappingKernelManager.cull_connected = False
    return config


STARTING_KERNEL_WAIT = 30.0
"""Seconds a page waits for its preheated kernel to start before Voilà starts another."""

REFILL_DELAY = 3.0
"""Seconds between a visitor taking a preheated kernel and the pool starting its next one:
the refill runs a whole notebook, which would otherwise slow down the visitor's own page."""


async def preheat_in_turn(
    kernel_manager: Any,
    pages: Sequence[str],
    size: int,
    wait_s: float = 60.0,
    pause_s: float = REFILL_DELAY,
) -> None:
    """Fill the preheated pool of each page in turn, the first story first.

    Voilà starts every pool at once; on a two-core laptop the first page a coach
    opens then also waits for the other stories' notebooks. Here a page's pool
    starts ``pause_s`` seconds after the previous page's kernels have run their
    notebook (time for a visitor's browser to draw that page), or after ``wait_s``
    seconds, whichever comes first.

    Parameters
    ----------
    kernel_manager : voila's kernel manager (with ``preheat_kernel`` on)
    pages : sequence of str
        Notebook paths under the served folder, in the order to preheat.
    size : int
        Kernels in each page's pool.
    wait_s : float
        The longest wait for one page before the next one starts anyway.
    pause_s : float
        Seconds between one page's pool being ready and the next one starting.
    """
    for turn, page in enumerate(pages):
        if turn:
            await asyncio.sleep(pause_s)
        pools = dict(kernel_manager.kernel_pools_config)
        pools[page] = {"pool_size": size}
        kernel_manager.kernel_pools_config = pools
        kernel_manager.fill_if_needed(delay=0, notebook_name=page)
        warming = list(getattr(kernel_manager, "_pools", {}).get(page, []))
        try:
            await asyncio.wait_for(asyncio.gather(*map(_notebook_run, warming)), wait_s)
        except Exception as error:  # a slow or failed warm-up must not keep the next waiting
            kernel_manager.log.warning("preheating %s: %r", page, error)


async def _notebook_run(pool_task: asyncio.Task) -> None:
    # shielded: a timeout here must not cancel the pool's own tasks
    content = await asyncio.shield(pool_task)
    await asyncio.shield(content["task"])


def make_app(options: Options, stories: Sequence[Story], served: Path, announce=None) -> Any:
    """Build the presenter's Voilà application (not yet listening).

    Parameters
    ----------
    options : Options
    stories : sequence of Story
    served : Path
        The directory made by :func:`prepare_notebooks`.
    announce : callable, optional
        Called once the server listens (prints the address).
    """
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(STATIC), os.environ.get("JUPYTER_PATH", "")) if p
    )
    from tornado.web import StaticFileHandler
    from voila.app import Voila

    scripts = cache_dir() / "js"
    index_handler, story_handler = _handlers()
    room = Room(options.max_participants, options.language)
    pages = {story.page(language) for story in stories for language in LANGUAGES}

    class Presenter(Voila):
        def init_handlers(self) -> list:
            handlers = []
            for handler in super().init_handlers():
                pattern = handler[0]
                if pattern == self.server_url:
                    handlers.append(
                        (pattern, index_handler, {"stories": stories, "language": options.language})
                    )
                elif pattern.endswith("/voila/render/(.*)"):
                    handlers.append(
                        (pattern, story_handler, {**handler[2], "room": room, "pages": pages})
                    )
                elif "/voila/tree" in pattern or "/voila/api/contents" in pattern:
                    continue  # the index page replaces Voilà's file browser
                else:
                    handlers.append(handler)
            board = (r"/kit/js/(board-[0-9a-f]+\.js)", StaticFileHandler, {"path": str(scripts)})
            handlers.append(board)
            return handlers

        def listen(self) -> None:
            import tornado.ioloop

            loop = tornado.ioloop.IOLoop.current()
            if announce is not None:
                loop.add_callback(announce)
            if options.pool:
                in_turn = [story.page(options.language) for story in stories]
                loop.add_callback(preheat_in_turn, self.kernel_manager, in_turn, options.pool)
            super().listen()

    app = Presenter(config=voila_config(options, stories))
    app.initialize([str(served)])
    return app


def serve(options: Options) -> int:
    """Serve the stories with Voilà until Ctrl+C; print the address (and a QR code in a room).

    Returns
    -------
    int
        The exit status (0).
    """
    stories = stories_in(options.notebooks)
    port = check_port(options.ip, options.port)
    options = dataclasses.replace(options, port=port)
    url = url_for(options.ip, port, f"/?lang={options.language}")
    language = options.language

    def announce() -> None:
        titles = "; ".join(story.title(language) for story in stories)
        lines = [t("present.terminal.serving", language, titles=titles)]
        if options.room:
            lines.append(
                t(
                    "present.terminal.room",
                    language,
                    limit=options.max_participants,
                    minutes=f"{options.idle_minutes:g}",
                )
            )
        lines.append(t("present.terminal.open_url", language, url=url))
        if options.room:
            lines += [t("present.terminal.scan", language), qr_code(url)]
        lines.append(t("present.terminal.stop", language))
        print("\n".join(lines), flush=True)

    from kit import prestart

    served = Path(tempfile.mkdtemp(prefix="kit-present-"))
    try:
        if not ipaddress.ip_address(options.ip).is_unspecified:
            # kernels send the live board's bundle as an address the browser can cache
            os.environ[SERVED_JS] = url_for(options.ip, port, "/kit/js/")
        # first the spare kernels, so they start while Voilà is still being imported
        (served / language).mkdir()
        if prestart.available():
            prestart.start_spares(options.pool, served / language)
        prepare_notebooks(stories, options.notebooks, served)
        app = make_app(options, stories, served, announce)
        app.start()
    finally:
        prestart.stop_spares()
        shutil.rmtree(served, ignore_errors=True)
    return 0


# -- JupyterLab ---------------------------------------------------------------------------------


def lab_command(ip: str, port: int, notebooks: Path, token: str) -> list[str]:
    """The command that opens JupyterLab on ``notebooks``.

    Raises
    ------
    PresentError
        For an empty token on an address other machines can reach: JupyterLab runs
        whatever code a visitor types, so it is never served like that.
    """
    if not token and not is_loopback(ip):
        raise PresentError(
            f"refusing to serve JupyterLab on {ip} without a token: anyone on the network "
            "could run code on this machine"
        )
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        str(notebooks),
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--IdentityProvider.token={token}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def serve_lab(options: Options) -> int:
    """Replace this process with JupyterLab on the notebooks, behind a fresh token."""
    port = check_port(options.ip, options.port)
    token = secrets.token_hex(24)
    command = lab_command(options.ip, port, options.notebooks, token)
    url = url_for(options.ip, port, f"/lab?token={token}")
    print(t("present.terminal.lab_url", options.language, url=url), flush=True)
    os.execv(command[0], command)
    return 0  # not reached: execv does not return


if __name__ == "__main__":
    from kit.commands.present import main

    sys.exit(main())
