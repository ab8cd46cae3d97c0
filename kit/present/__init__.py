"""Presenter mode: the story notebooks as a code-free Voilà app, for a coach or a whole room.

``kit present`` copies each story notebook once per language (parameterised with
``language`` by papermill's own function), and serves the copies with Voilà behind an
index page in the chosen language. What it adds to a plain ``voila notebooks/``:

- **offline**: the pages use the kit's Voilà template (``kit/static/voila/templates/kit``),
  which drops the Font Awesome stylesheets that Voilà asks a CDN for (Voilà's own bundle
  already carries Font Awesome and its fonts); the story's charts are SVG drawn in the
  kernel, the live panel's are drawn in the browser from the kit's own bundle;
- **fast first page**: kernels are preheated (``--pool``): each one has run its notebook
  before anybody asks for it, so a page is sent at once; the first story is preheated
  first, its kernels are spares that started while Voilà was being imported
  (:mod:`kit.present.spares`), a page never starts a second kernel beside a starting preheated
  one, and a pool refills a few seconds after a visitor took its kernel;
- **a cell timeout** (``--cell-timeout``): a stuck cell cannot hang a page load for the room;
- **room mode** (``--room``): binds to the machine's network address, prints the address and
  a QR code, gives every participant a kernel of their own, culls idle kernels and, beyond
  ``--max-participants``, takes a participant to the story's kernel-free page
  (:mod:`kit.kernelfree.serve`; "the room is full" while those pages are being built);
- **kernel-free** (``--kernel-free``): only those pages, for everyone: no kernel, no Voilà;
- **JupyterLab** (``--lab``) for coaches who show the code, always behind its token and
  never for the room.

The package, one concern per module:

- :mod:`~kit.present.options`: :class:`Options` and :class:`PresentError`;
- :mod:`~kit.present.address`: the room's address, a free port, the URL and its QR code;
- :mod:`~kit.present.notebooks`: the stories found, checked and copied per language;
- :mod:`~kit.present.pages`: the index, "the room is full" and "no such story" pages;
- :mod:`~kit.present.room`: a seat per participant up to the cap, leaving, idle kernels;
- :mod:`~kit.present.app`: the Voilà app, its handlers and configuration, and :func:`serve`;
- :mod:`~kit.present.votes`: the room's votes API (``/kit/room/votes``, ``join``, ``control``)
  over :mod:`kit.votes`;
- :mod:`~kit.present.lab`: JupyterLab for the coach, behind its token;
- :mod:`~kit.present.spares` and :mod:`~kit.present.provisioner`: kernels started before
  Voilà is imported, and the jupyter_client provisioner that hands them out.

The command line is :mod:`kit.commands.present`; every module here is light to import
(Voilà, papermill and nbformat are imported where they are used).
"""

from kit.present.address import check_port, is_loopback, qr_code, room_address, url_for
from kit.present.app import (
    REFILL_DELAY,
    STARTING_KERNEL_WAIT,
    STATIC,
    TEMPLATE,
    make_app,
    preheat_in_turn,
    serve,
    unsafe_path,
    voila_config,
)
from kit.present.lab import lab_command, serve_lab
from kit.present.notebooks import (
    Story,
    check_story,
    every_story,
    prepare_notebooks,
    read_story,
    stories_in,
)
from kit.present.options import DEFAULT_PORT, LOOPBACK, Options, PresentError
from kit.present.pages import error_html, index_html, not_found_html, page_html, room_full_html
from kit.present.room import Room, Seat
from kit.resources import NOTEBOOKS

__all__ = [
    "DEFAULT_PORT",
    "LOOPBACK",
    "NOTEBOOKS",
    "REFILL_DELAY",
    "STARTING_KERNEL_WAIT",
    "STATIC",
    "TEMPLATE",
    "Options",
    "PresentError",
    "Room",
    "Seat",
    "Story",
    "check_port",
    "check_story",
    "error_html",
    "every_story",
    "index_html",
    "is_loopback",
    "lab_command",
    "make_app",
    "not_found_html",
    "page_html",
    "prepare_notebooks",
    "preheat_in_turn",
    "qr_code",
    "read_story",
    "room_address",
    "room_full_html",
    "serve",
    "serve_lab",
    "stories_in",
    "unsafe_path",
    "url_for",
    "voila_config",
]
