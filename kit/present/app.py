"""The presenter's Voilà app: the index, the story pages, the room's cap, and serving.

Voilà is imported only inside these functions: ``kit present`` first starts its spare
kernels (:mod:`kit.present.spares`), then spends the half second Voilà takes to import.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import os
import re
import shutil
import signal
import tempfile
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kit.cache import SERVED_JS, cache_dir
from kit.kernelfree.serve import PREFIX, KernelFreeSite, site_handler, story_url
from kit.live.room_feed import VOTES_URL
from kit.present import spares
from kit.present.address import check_port, qr_code, url_for
from kit.present.follow import LOOPBACK_IPS, follow_handler
from kit.present.notebooks import Story, check_story, prepare_notebooks, stories_in
from kit.present.options import Options, PresentError
from kit.present.pages import error_html, index_html, not_found_html, room_full_html
from kit.present.room import Room, allow_shutdown_beacon, culling
from kit.present.votes import RoomVotes, give_cookie, vote_handlers
from kit.text import LANGUAGES, number, t
from kit.votes import RecordError
from kit.votes.box import BallotBox

STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATE = "kit"

STARTING_KERNEL_WAIT = 30.0
"""Seconds a page waits for its preheated kernel to start before Voilà starts another."""

REFILL_DELAY = 3.0
"""Seconds between a visitor taking a preheated kernel and the pool starting its next one:
the refill runs a whole notebook, which would otherwise slow down the visitor's own page."""


def unsafe_path(path: str) -> bool:
    """True for a URL path no page of the presenter has: a ``..`` segment, bad bytes.

    Voilà's template files answer ``..`` with a 500 and a traceback, and tornado
    answers bytes that are not UTF-8 with a 400 and a traceback; both get a quiet 404.

    >>> unsafe_path("/voila/templates/../../etc/passwd"), unsafe_path("/voila/render/%ff%fe")
    (True, True)
    >>> unsafe_path("/voila/render/nl/01_no_cure_no_pay.ipynb")
    False
    """
    try:
        text = urllib.parse.unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return "\x00" in text or ".." in re.split(r"[/\\]", text)


def _handlers(language: str) -> list[type]:
    """The presenter's request handlers (built late: importing Voilà takes a while)."""
    import tornado.routing
    import tornado.web
    from voila.tornado.handler import TornadoVoilaHandler

    class UnsafePath(tornado.routing.Matcher):
        def match(self, request: Any) -> dict | None:
            return {} if unsafe_path(request.path) else None

    class NotFoundHandler(tornado.web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(404)
            self.finish(not_found_html(language))

    class IndexHandler(tornado.web.RequestHandler):
        def initialize(self, stories: Sequence[Story]) -> None:
            self.stories = stories

        def get(self) -> None:
            chosen = self.get_argument("lang", language)
            self.set_header("Cache-Control", "no-store")
            self.finish(index_html(self.stories, chosen if chosen in LANGUAGES else language))

    class StoryHandler(TornadoVoilaHandler):
        """Voilà's page handler, for the known stories only and only while there is room."""

        def initialize(self, **kwargs: Any) -> None:
            self.room: Room = kwargs.pop("room")
            self.pages: set[str] = kwargs.pop("pages")
            self.site: KernelFreeSite = kwargs.pop("site")
            self.topics: dict[str, str] = kwargs.pop("topics")
            self.votes: RoomVotes = kwargs.pop("votes")
            super().initialize(**kwargs)

        async def get(self, path: str | None = None) -> None:
            first = (path or "").split("/", 1)[0]
            page_language = first if first in LANGUAGES else language
            if path not in self.pages:
                self.set_status(404)
                self.finish(not_found_html(page_language))
                return
            give_cookie(self, self.votes)  # the room's pages may vote
            if not self.room.has_place(self.kernel_manager):
                # past the kernels' cap: no kernel (503), but the same story drawn in the
                # participant's browser, where the page takes them at once
                topic = self.topics[path]
                ready = self.site.has_story(topic, page_language)
                elsewhere = story_url(topic, page_language) if ready else None
                self.set_status(503)
                self.set_header("Cache-Control", "no-store")
                self.set_header("Retry-After", "30")
                self.finish(room_full_html(self.room.capacity, page_language, elsewhere))
                return
            allow_shutdown_beacon(self)
            with self.room.seat():  # no await since has_place: nobody took it meanwhile
                await self.preheated_kernel_started(path)
                await super().get(path)

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

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            # the page the visitor sees; the terminal gets tornado's one warning line
            self.finish(error_html(status_code, language))

    return [UnsafePath, NotFoundHandler, IndexHandler, StoryHandler]


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

    config = Config()
    config.Voila.ip = options.ip
    config.Voila.port = options.port
    config.Voila.port_retries = 0
    config.Voila.open_browser = False
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.theme = "light"
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.preheat_kernel = options.pool > 0
    if options.pool and spares.available():
        # the first kernels are the spares started before Voilà was imported
        config.KernelProvisionerFactory.default_provisioner_name = spares.PROVISIONER
    config.VoilaConfiguration.default_pool_size = 0
    config.VoilaConfiguration.file_allowlist = []
    config.VoilaExecutor.timeout = options.cell_timeout
    config.VoilaExecutor.interrupt_on_timeout = False
    config.VoilaKernelManager.fill_delay = REFILL_DELAY
    # no pool at start: preheat_in_turn fills them story by story once the server listens
    config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}}
    if os.name != "nt":
        config.Voila.connection_dir_root = socket_folder()
        # Unix sockets, not TCP ports: a port jupyter_client picked for a kernel could be
        # handed to another connection before the kernel bound it ("Address already in
        # use"), and in a room of 25 that left a page waiting for a kernel that had died
        config.KernelManager.transport = "ipc"
    for name, value in culling(options.idle_minutes).items():
        setattr(config.MappingKernelManager, name, value)
    return config


def socket_folder() -> str:
    """Where the kernels' Unix sockets go: the temporary folder, if its path is short.

    A socket's path may have at most 107 bytes, and Voilà adds about 65 to the folder
    (``voila_xxxxxxxx/kernel-<uuid>-ipc-4``): a long ``TMPDIR`` (a test's, a macOS
    user's) would make every kernel fail to start.
    """
    folder = tempfile.gettempdir()
    return folder if len(os.fsencode(folder)) <= 40 or not os.path.isdir("/tmp") else "/tmp"


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


def make_app(
    options: Options,
    stories: Sequence[Story],
    served: Path,
    announce: Callable[[], None] | None = None,
    box: BallotBox | None = None,
) -> Any:
    """Build the presenter's Voilà application (not yet listening).

    Parameters
    ----------
    options : Options
    stories : sequence of Story
    served : Path
        The directory made by :func:`~kit.present.notebooks.prepare_notebooks`.
    announce : callable, optional
        Called once the server listens (prints the address).
    box : BallotBox, optional
        The room's votes (default: a ballot in memory only).
    """
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(STATIC), os.environ.get("JUPYTER_PATH", "")) if p
    )
    from tornado.routing import Rule
    from tornado.web import StaticFileHandler
    from voila.app import Voila

    scripts = cache_dir() / "js"
    unsafe, not_found, index_handler, story_handler = _handlers(options.language)
    room = Room(options.max_participants, options.language)
    topics = {
        p: s.topic for s in stories for lang in LANGUAGES for p in (s.page(lang), s.deck(lang))
    }
    pages = set(topics)
    site = KernelFreeSite()
    votes = RoomVotes(box or BallotBox(), options.language, coach_ips(options.ip))

    class Presenter(Voila):
        def init_handlers(self) -> list:
            handlers: list = [Rule(unsafe(), not_found)]  # first: before Voilà's own
            for handler in super().init_handlers():
                pattern = handler[0]
                if pattern == self.server_url:
                    handlers.append((pattern, index_handler, {"stories": stories}))
                elif pattern.endswith("/voila/render/(.*)"):
                    handlers.append(
                        (
                            pattern,
                            story_handler,
                            {
                                **handler[2],
                                **{"room": room, "pages": pages, "votes": votes},
                                **{"site": site, "topics": topics},
                            },
                        )
                    )
                elif "/voila/tree" in pattern or "/voila/api/contents" in pattern:
                    continue  # the index page replaces Voilà's file browser
                else:
                    handlers.append(handler)
            board = (r"/kit/js/(board-[0-9a-f]+\.js)", StaticFileHandler, {"path": str(scripts)})
            handlers.append(board)
            handlers.append((r"/kit/deck/scene", follow_handler(), {"shown": {}, "pages": pages}))
            handlers += vote_handlers(votes)
            handlers.append((PREFIX + "(.*)", site_handler(site, not_found_html)))
            return handlers

        def initialize(self, argv: list[str] | None = None) -> None:
            handlers = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
            super().initialize(argv)
            for sig, handler in handlers.items():  # Voilà's SIGTERM handler needs a running loop
                signal.signal(sig, handler)

        def stop(self) -> None:
            from jupyter_core.utils import run_sync

            shutil.rmtree(self.connection_dir, ignore_errors=True)
            run_sync(shut_down_kernels)(self.kernel_manager)

        def listen(self) -> None:
            import tornado.ioloop

            room.watch(self.kernel_manager)
            loop = tornado.ioloop.IOLoop.current()
            stop_on_signals(loop.asyncio_loop)
            if announce is not None:
                loop.add_callback(announce)
            in_turn = []
            if options.pool:
                # the decks first: the coach's default view
                in_turn = [s.deck(options.language) for s in stories]
                in_turn += [s.page(options.language) for s in stories]

            async def warm_up() -> None:
                if in_turn:
                    await preheat_in_turn(self.kernel_manager, in_turn, options.pool)
                if options.room:
                    # after the pools: building the pages holds the interpreter a second or
                    # two, and nobody is past the cap while the first pages are wanted
                    prepare_site(site, options, stories, loop)

            loop.add_callback(warm_up)
            super().listen()

    app = Presenter(config=voila_config(options, stories))
    app.initialize([str(served)])
    return app


def prepare_site(
    site: KernelFreeSite, options: Options, stories: Sequence[Story], loop: Any = None
) -> None:
    """Build the kernel-free pages (in the background when ``loop`` is given), saying so.

    A room builds them once the server listens, for the participants beyond the cap;
    ``--kernel-free`` builds them before it listens, as they are all it serves.
    """
    import time

    from kit.kernelfree import grids

    language = options.language
    titles = "; ".join(story.title(language) for story in stories)
    print(t("present.terminal.preparing", language, titles=titles), flush=True)
    if grids.missing():
        print(t("site.computing", language), flush=True)
    started = time.perf_counter()

    def done(built: KernelFreeSite) -> None:
        limit = options.max_participants
        if built.failed:
            line = t(
                "present.terminal.kernel_free_failed", language, error=built.failed, limit=limit
            )
        else:
            seconds = number(time.perf_counter() - started, language, decimals=1)
            line = t("present.terminal.kernel_free_ready", language, seconds=seconds, limit=limit)
        print(line, flush=True)

    if loop is None:
        site.build()
    else:
        site.build_in_background(lambda built: loop.add_callback(done, built))


def coach_ips(ip: str) -> tuple[str, ...]:
    """The addresses a request from the presenting machine comes from.

    Loopback, and the address the presenter serves on: a coach's deck opened on the
    room's address reaches the server from that address.

    >>> coach_ips("192.168.1.20")
    ('127.0.0.1', '::1', '192.168.1.20')
    """
    if ipaddress.ip_address(ip).is_unspecified or ip in LOOPBACK_IPS:
        return LOOPBACK_IPS
    return (*LOOPBACK_IPS, ip)


def open_ballot_box(options: Options) -> BallotBox:
    """The room's ballot box: recorded in ``options.record``, or in memory only.

    Raises
    ------
    PresentError
        For a record folder the kit cannot use, or files in it the kit did not write.
    """
    try:
        return BallotBox(options.record)
    except RecordError as error:
        raise PresentError(f"--record {error}") from None


async def shut_down_kernels(kernel_manager: Any) -> None:
    """End every kernel at once, on the way out, whatever state each one is in.

    Voilà asks each kernel to shut down and waits, and gives up on the first kernel
    that is already gone (one that died while starting): the rest are left running and
    a traceback is printed. The presenter's kernels keep nothing worth saving, so each
    is killed (``now``), each on its own, and the pools' kernels still starting after.
    """

    async def kill(kernel_id: str) -> None:
        try:
            await kernel_manager.shutdown_kernel(kernel_id, now=True)
        except Exception as error:  # already gone: nothing left to end
            kernel_manager.log.info("kernel %s: %s", kernel_id, error)

    await asyncio.gather(*map(kill, kernel_manager.list_kernel_ids()))
    try:
        await kernel_manager.shutdown_all(now=True)  # Voilà's: the pools' starting kernels
    except Exception as error:
        kernel_manager.log.info("shutting down the pools: %s", error)


STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""Ctrl-C, what ``kill`` or a service manager sends, and a closed terminal: each one stops
the presenter the same way."""


def stop_on_signals(loop: asyncio.AbstractEventLoop) -> None:
    """Let Ctrl-C, SIGTERM and SIGHUP stop the server's loop, once, between two callbacks.

    A KeyboardInterrupt raised inside whatever callback runs (a kernel starting, a page
    being rendered) would leave half-done tasks that print tracebacks on the way out;
    stopping the loop lets Voilà shut the kernels down and :func:`serve` clean up.
    """

    def stop() -> None:
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, lambda: None)  # later ones: already stopping
        loop.stop()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop)


def announcement(options: Options, stories: Sequence[Story], url: str) -> str:
    """What the terminal shows once the server listens: the address (and a QR code)."""
    language = options.language
    titles = "; ".join(story.title(language) for story in stories)
    lines = [t("present.terminal.serving", language, titles=titles)]
    if options.kernel_free:
        lines.append(t("present.terminal.kernel_free", language))
    elif options.room:
        decimals = len(f"{options.idle_minutes:g}".partition(".")[2])  # 10, 2.5: as typed
        minutes = number(options.idle_minutes, language, decimals)
        limit = number(options.max_participants, language)
        lines.append(t("present.terminal.room", language, limit=limit, minutes=minutes))
    if options.record is not None:
        lines.append(t("present.votes.recording", language, folder=options.record))
    lines.append(t("present.terminal.open_url", language, url=url))
    if options.room:
        lines += [t("present.terminal.scan", language), qr_code(url)]
    lines.append(t("present.terminal.stop", language))
    return "\n".join(lines)


def serve(options: Options) -> int:
    """Serve the stories with Voilà until Ctrl+C; print the address (and a QR code in a room).

    Returns
    -------
    int
        The exit status (0).

    Raises
    ------
    PresentError
        For a port in use, an address that is not this machine's, a story notebook
        that cannot be read, or a record folder the kit cannot use.
    """
    stories = stories_in(options.notebooks)
    for story in stories:
        check_story(options.notebooks / story.file)
    port = check_port(options.ip, options.port)
    options = dataclasses.replace(options, port=port)
    url = url_for(options.ip, port, f"/?lang={options.language}")
    if options.kernel_free:
        return serve_kernel_free(options, stories, url)
    box = open_ballot_box(options)
    served = Path(tempfile.mkdtemp(prefix="kit-present-"))
    try:
        if not ipaddress.ip_address(options.ip).is_unspecified:
            # kernels send the live board's bundle as an address the browser can cache
            os.environ[SERVED_JS] = url_for(options.ip, port, "/kit/js/")
        # a deck's kernel asks here for the room's answers (kit.live.room_feed)
        ip = "127.0.0.1" if ipaddress.ip_address(options.ip).is_unspecified else options.ip
        os.environ[VOTES_URL] = url_for(ip, port, "/kit/room/votes")
        # first the spare kernels, so they start while Voilà is still being imported
        (served / options.language).mkdir()
        if options.pool and spares.available():
            spares.start_spares(options.pool, served / options.language)
            if options.room:
                # a room's kernels past the spares: forks of one process that has the kit
                spares.start_zygote()
        prepare_notebooks(stories, options.notebooks, served)
        app = make_app(
            options,
            stories,
            served,
            lambda: print(announcement(options, stories, url), flush=True),
            box,
        )
        app.start()
    finally:
        box.shut()
        spares.stop_spares()
        spares.stop_zygote()
        shutil.rmtree(served, ignore_errors=True)
    return 0


def serve_kernel_free(options: Options, stories: Sequence[Story], url: str) -> int:
    """``kit present --kernel-free``: the kernel-free pages only, no kernel and no Voilà.

    The pages are built before the server listens (they are all it serves); ``/``
    leads to their index. Ctrl-C, SIGTERM and SIGHUP stop it (exit 0).
    """
    import tornado.routing
    import tornado.web

    site = KernelFreeSite()
    prepare_site(site, options, stories)

    class UnsafePath(tornado.routing.Matcher):
        def match(self, request: Any) -> dict | None:
            return {} if unsafe_path(request.path) else None

    class NotFound(tornado.web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(404)
            self.finish(not_found_html(options.language))

    class Front(tornado.web.RequestHandler):
        def get(self) -> None:
            self.redirect(f"{PREFIX}index.html")

    app = tornado.web.Application(
        [
            tornado.routing.Rule(UnsafePath(), NotFound),
            (r"/", Front),
            (PREFIX + "(.*)", site_handler(site, not_found_html)),
        ],
        default_handler_class=NotFound,
        log_function=lambda handler: None,  # a room of 200 would fill the terminal
    )

    async def run() -> None:
        server = app.listen(options.port, options.ip)
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stopped.set)
        print(announcement(options, stories, url), flush=True)
        await stopped.wait()
        server.stop()

    asyncio.run(run())
    return 0
