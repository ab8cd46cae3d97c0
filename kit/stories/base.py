"""A story: its parameters validated once, its results computed once, its scenes declared once.

A :class:`Story` subclass declares

* ``schema``: the parameters a room may set (:class:`kit.params.Schema`);
* its results as :class:`computed` attributes: a model call and the parameters it
  reads, computed on first use and shared by every scene that needs it;
* ``scenes``: one idea per screen, each a heading, an optional text, and parts
  (:class:`Chart` and :class:`Words`) with the parameters each part depends on, and
  the controls a participant may move there.

The notebook shows the scenes in order (``story.show("months")``), the live panel
redraws the parts whose parameters moved (:meth:`Story.moved` keeps every result whose
inputs did not change), the handouts print the notebook, and the tests and benchmarks
walk the same scenes. Nobody writes the pipeline twice.
"""

from __future__ import annotations

import ast
import contextvars
import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from kit.errors import ParameterError
from kit.params import Schema
from kit.text import add_texts


class computed:  # noqa: N801 - used as a decorator, like functools.cached_property
    """A story result: computed on first use, then kept, and carried over by :meth:`Story.moved`.

    Parameters
    ----------
    *depends : str
        Every parameter the result reads, directly or through other results. A move
        of any other parameter keeps the result as it is.
    """

    def __init__(self, *depends: str) -> None:
        self.depends = frozenset(depends)
        self.name = ""
        self.compute: Callable[[Story], Any] | None = None

    def __call__(self, compute: Callable[[Story], Any]) -> computed:
        """Take the function that computes the result (used as a decorator)."""
        self.compute = compute
        self.__doc__ = compute.__doc__
        return self

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, story: Story | None, owner: type) -> Any:
        if story is None:
            return self
        results = story._results
        if self.name not in results:
            results[self.name] = self.compute(story)
        return results[self.name]


@dataclass(frozen=True)
class ChartRows:
    """A chart's numbers apart from its shape: what a live board sends when only numbers move.

    Parameters
    ----------
    shape : hashable
        Everything besides the rows that the chart's Vega-Lite spec depends on (the
        language, numbers in its title, a scale's domain, which layers it has): two
        calls with the same shape give specs that differ in their rows only.
    tables : mapping of str to tuple of dict
        The chart's row tables by name, each as :func:`kit.stories.look.inline` gives
        its ``values``.
    kept : mapping of str to tuple of dict, optional
        Tables that change only with the shape (the shape says when: a digest of them),
        kept in the skeleton: a large table that most moves leave as it is travels once.
    """

    shape: Hashable
    tables: Mapping[str, tuple[dict[str, Any], ...]]
    kept: Mapping[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)

    def data(self, name: str) -> dict[str, Any]:
        """One table as a chart's inline data (``{"values": rows}``), a new dict each call.

        A new dict: Altair moves data that several layers share as one object up to the
        chart, which would change the chart's spec.
        """
        rows = self.tables[name] if name in self.tables else self.kept[name]
        return {"values": rows}


_ROWS_ONLY = contextvars.ContextVar("rows_only", default=False)


def drawn_from(rows: Callable[..., ChartRows]) -> Callable[[Callable], Callable]:
    """Declare a chart builder's row function: same arguments, its :class:`ChartRows`.

    A story's :class:`Chart` calls its builder through ``draw``; inside
    :meth:`Chart.rows` that same call returns the row function's answer instead of
    building the chart, so a live board gets the numbers without Altair.
    """

    def declare(builder: Callable) -> Callable:
        @functools.wraps(builder)
        def build(*args: Any, **kwargs: Any) -> Any:
            return (rows if _ROWS_ONLY.get() else builder)(*args, **kwargs)

        build.rows = rows
        return build

    return declare


@dataclass(frozen=True)
class Chart:
    """A chart of a scene.

    Parameters
    ----------
    name : str
        Stable name: the chart's file and board slot (``mood_bars``).
    depends : tuple of str
        Parameters whose change redraws it.
    draw : callable
        ``story -> altair chart``; it draws results the story computed.
    on_board : bool
        Shown on the live panel's board (every chart is, unless it says otherwise).
    """

    name: str
    depends: tuple[str, ...]
    draw: Callable[[Story], Any]
    on_board: bool = True

    def rows(self, story: Story) -> ChartRows | Any:
        """The chart's :class:`ChartRows` for ``story``, or the chart itself.

        ``draw`` runs with every builder declared :func:`drawn_from` a row function
        answering with that function; a builder without one draws the chart as always.
        """
        token = _ROWS_ONLY.set(True)
        try:
            return self.draw(story)
        finally:
            _ROWS_ONLY.reset(token)


@dataclass(frozen=True)
class Words:
    """Sentences of a scene with the story's numbers filled in (Markdown).

    Parameters
    ----------
    name : str
        Stable name of its slot on the live board (``verdict``).
    depends : tuple of str
        Parameters whose change rewrites it.
    write : callable
        ``story -> Markdown``; it formats results the story computed.
    on_board : bool
        Also shown on the live panel's board, under the charts it explains.
    """

    name: str
    depends: tuple[str, ...]
    write: Callable[[Story], str]
    on_board: bool = False


Part = Chart | Words


@dataclass(frozen=True)
class Scene:
    """One idea on one screen.

    Parameters
    ----------
    name : str
        The scene's name, used by ``story.show(name)``, deep links and tests.
    heading : str
        Text key of the heading.
    text : str, optional
        Text key of a fixed paragraph (or numbered list) under the heading.
    parts : tuple of Chart and Words
        What the scene shows, in order.
    controls : tuple of str
        The parameters a participant may move on this scene.
    tab : str, optional
        Text key of the short title of this scene's controls in the live panel.
    level : int
        Heading level (1 for the story's title scene).
    """

    name: str
    heading: str
    text: str | None = None
    parts: tuple[Part, ...] = ()
    controls: tuple[str, ...] = ()
    tab: str | None = None
    level: int = 2

    @property
    def depends(self) -> frozenset[str]:
        """Every parameter that changes something on this scene."""
        return frozenset(name for part in self.parts for name in part.depends)


@dataclass(frozen=True)
class ListInput:
    """How a participant gives a list parameter: typed, uploaded as CSV, or reset.

    Parameters
    ----------
    parse_text : callable
        ``text -> list`` for typed values (raises ParameterError).
    parse_csv : callable
        ``(text, source) -> list`` for an uploaded CSV file (raises ParameterError).
    reset : sequence
        The values the reset button brings back.
    length : str, optional
        A parameter that follows the list's length (story A's ``months``).
    """

    parse_text: Callable[[str], list]
    parse_csv: Callable[[str, str], list]
    reset: Sequence[Any]
    length: str | None = None


# papermill's injected cell starts with this line (our own parameters cell does not).
PAPERMILL_HEADER = "# Parameters"

VIEWS = ("page", "deck")
"""How a notebook shows its scenes: one long page (SVG charts), or a deck of live scenes."""


class Story:
    """Base class of a story; see the module docstring.

    Parameters
    ----------
    values : mapping, optional
        Parameter values (validated here, once; defaults fill the rest).
    **params
        More values by name.

    Raises
    ------
    ParameterError
        For an unknown name or a value the schema does not allow.
    """

    name: ClassVar[str]
    schema: ClassVar[Schema]
    scenes: ClassVar[tuple[Scene, ...]]
    lists: ClassVar[Mapping[str, ListInput]] = {}
    texts: ClassVar[Path | None] = None  # a folder with en.yaml, nl.yaml (else kit/text)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.texts is not None:
            add_texts(cls.texts)

    def __init__(self, values: Mapping[str, Any] | None = None, /, **params: Any) -> None:
        self.values = self.schema.validate(values, **params)
        self._results: dict[str, Any] = {}
        self.presentation = "page"  # or "deck": see from_notebook and show

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_notebook(cls, namespace: Mapping[str, Any]) -> Story:
        """The story for a notebook's parameters: its globals, after papermill injected values.

        A name papermill injected that the story does not know (``-p tagret 90``) is
        refused: papermill itself only warns and runs the defaults. Besides the schema's
        names, ``view`` (one of :data:`VIEWS`, "page" when not given) says how
        :meth:`show` shows a scene; the presenter injects ``view = "deck"`` for its deck.
        """
        for name in injected_names(namespace.get("In")):
            if name not in cls.schema.names and name != "view":
                raise cls.schema.unknown(name)
        view = namespace.get("view", "page")
        if not isinstance(view, str) or view not in VIEWS:
            raise ParameterError("view", view, "one of " + ", ".join(map(repr, VIEWS)))
        story = cls({name: namespace[name] for name in cls.schema.names if name in namespace})
        story.presentation = view
        return story

    def moved(self, changes: Mapping[str, Any]) -> Story:
        """The same story with some values changed: validated, keeping unaffected results."""
        values = self.schema.validate({**self.values, **changes})
        changed = {name for name in values if values[name] != self.values[name]}
        story = object.__new__(type(self))
        story.values = values
        story.presentation = self.presentation
        story._results = {
            name: result
            for name, result in self._results.items()
            if not changed & type(self).result(name).depends
        }
        return story

    @classmethod
    def result(cls, name: str) -> computed:
        """The :class:`computed` declaration of one result."""
        declaration = getattr(cls, name)
        if not isinstance(declaration, computed):
            raise KeyError(name)
        return declaration

    # -- reading --------------------------------------------------------------------------

    @property
    def language(self) -> str:
        """The room's language."""
        return self.values["language"]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @classmethod
    def scene(cls, name: str) -> Scene:
        """The scene called ``name``."""
        for scene in cls.scenes:
            if scene.name == name:
                return scene
        known = ", ".join(scene.name for scene in cls.scenes)
        raise ParameterError("scene", name, f"one of {known}")

    @classmethod
    def parts(cls) -> list[Part]:
        """Every part of every scene, in order."""
        return [part for scene in cls.scenes for part in scene.parts]

    @classmethod
    def controls(cls) -> list[str]:
        """Every parameter a participant may move, in scene order, each once."""
        return list(dict.fromkeys(name for scene in cls.scenes for name in scene.controls))

    # -- showing ---------------------------------------------------------------------------

    def show(self, name: str) -> None:
        """Display one scene in the running notebook: heading, text, charts and sentences.

        In the deck view the scene is live instead: its controls beside its charts, all
        scenes of the notebook moving one story (:mod:`kit.live.deck`).
        """
        scene = self.scene(name)
        if self.presentation == "deck":
            from kit.live.deck import show_slide

            show_slide(self, scene)
            return
        from kit.live import display

        display.show_scene(self, scene)

    def panel(self) -> Any:
        """The live panel: every control of the story and the parts they redraw."""
        from kit.live.panel import Panel

        return Panel(self).widget


def injected_names(history: Any) -> list[str]:
    r"""Names assigned in the last cell papermill injected (``# Parameters`` first line).

    ``history`` is IPython's ``In`` list (executed cells' sources); outside IPython
    there is none and nothing was injected.

    >>> injected_names(["x = 1", "# Parameters\ntagret = 90\nmonths = 6\n", "..."])
    ['tagret', 'months']
    """
    if not isinstance(history, list):
        return []
    for source in reversed(history):
        if isinstance(source, str) and source.split("\n", 1)[0].strip() == PAPERMILL_HEADER:
            return _assigned(source)
    return []


def _assigned(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
