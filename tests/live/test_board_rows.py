"""A chart built once per shape: a move that changes only numbers sends rows, drawn the same.

The board keeps each chart's skeleton (its spec without rows) per shape and, on a later
move of the same shape, computes and sends only the rows. These tests move every slider
of both stories and compare what the board would draw with the chart built afresh.
"""

import json
import re

import pytest
import vl_convert as vlc
from helpers import find_widget as find

from kit.errors import ParameterError
from kit.live import board
from kit.live.deck import deck_chart_item
from kit.live.panel import board_item
from kit.stories.base import Chart, ChartRows
from kit.stories.nocure.story import NoCureStory
from kit.stories.referrals.story import ReferralsStory

STORIES = {
    "A": lambda language: NoCureStory(language=language, n_contracts=300),
    "B": lambda language: ReferralsStory(language=language, runs=300),
}


def charts(story):
    return [part for part in story.parts() if isinstance(part, Chart)]


def moves(story):
    """Stories one slider away from ``story``: both ends and the middle of every slider."""
    for param in story.schema.params:
        if param.name == "language" or param.kind in ("int_list", "float_list"):
            continue
        if param.kind == "choice":
            values = list(param.choices)
        else:
            low, high = param.slider_range
            middle = (low + high) / 2
            values = [low, round(middle) if param.kind == "int" else middle, high]
        for value in values:
            try:
                yield param.name, story.moved({param.name: value})
            except ParameterError:
                continue  # e.g. months alone: the panel moves it together with the results


def as_drawn(item):
    """What the browser draws for a board item: its spec with the rows inline."""
    if "spec" in item:
        return board.joined(*board.split(item["spec"]))
    return board.joined(item["skeleton"], item["rows"])


def same(left, right):
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("name", ["A", "B"])
def test_rows_of_a_known_shape_draw_the_chart_built_afresh(name, language):
    story = STORIES[name](language)
    for part in charts(story):
        board_item(part, story)  # the first shape of every chart is built here
    for moved_name, moved in moves(story):
        for part in charts(moved):
            item = board_item(part, moved)
            assert "shape" in item, f"{part.name} is sent whole"
            fresh = part.draw(moved).to_dict(validate=False)
            assert same(as_drawn(item), as_drawn({"spec": fresh})), (part.name, moved_name)


@pytest.mark.parametrize("name", ["A", "B"])
def test_the_decks_rows_draw_the_decks_chart_built_afresh(name):
    story = STORIES[name]("nl")
    for moved_name, moved in moves(story):
        for part in charts(moved):
            item = deck_chart_item(part, moved)
            board._skeletons.clear()  # built afresh: no skeleton kept
            fresh = deck_chart_item(part, moved)
            assert fresh["skeleton"] is not item["skeleton"]
            assert same(as_drawn(item), as_drawn(fresh)), (part.name, moved_name)
            assert (item["alt"], item.get("steps")) == (fresh["alt"], fresh.get("steps"))


def test_a_rows_only_chart_renders_as_the_whole_spec():
    """The SVG Vega-Lite draws from skeleton + rows is the one it draws from the full spec."""
    story = NoCureStory(n_contracts=500)
    part = next(part for part in charts(story) if part.name == "outcomes")
    board_item(part, story)
    moved = story.moved({"volatility": 1.1})
    item = board_item(part, moved)
    assert "spec" not in item
    drawn = svg(board.joined(item["skeleton"], item["rows"]))
    assert drawn == svg(part.draw(moved).to_dict(validate=False))


def svg(spec):
    """The chart as SVG, its clip paths numbered from 0 (vl-convert counts them per process)."""
    ids = {}
    return re.sub(
        r"clip\d+",
        lambda m: ids.setdefault(m.group(0), f"clip{len(ids)}"),
        vlc.vegalite_to_svg(spec),
    )


def test_every_builder_draws_from_its_rows():
    """A builder's rows are the rows of the chart it draws (the row function is its data)."""
    for name in STORIES:
        story = STORIES[name]("en")
        for part in charts(story):
            rows = part.rows(story)
            assert isinstance(rows, ChartRows), part.name
            _, drawn = board.split(part.draw(story).to_dict(validate=False))
            tables = [list(table) for table in {**rows.tables, **rows.kept}.values()]
            assert all(values in tables for values in drawn.values()), part.name


class Comm:
    """Records what a widget sends to the browser."""

    kernel = object()
    comm_id = "test"

    def __init__(self):
        self.sent = []

    def send(self, data=None, buffers=None):
        self.sent.append(data)

    def on_msg(self, callback):
        pass

    def close(self, *args, **kwargs):
        pass


@pytest.fixture
def flywheel():
    panel = ReferralsStory(runs=500).panel()
    chart_board = find(panel, "kit-board")
    chart_board.comm = comm = Comm()
    yield panel, chart_board, comm
    chart_board.comm = None


def test_a_move_of_numbers_sends_rows_and_no_spec(flywheel):
    panel, chart_board, comm = flywheel
    shapes = dict(chart_board.shapes)
    find(panel, "kit-slider-conversion").value = 0.5
    assert [sorted(message["state"]) for message in comm.sent] == [["items", "version"]]
    assert chart_board.shapes == shapes
    band = next(item for item in comm.sent[0]["state"]["items"] if item["name"] == "band")
    assert set(band) == {"name", "kind", "shape", "rows"}
    assert '"$schema"' not in json.dumps(comm.sent)  # no spec travels


def test_a_change_of_shape_sends_the_new_skeleton_once(flywheel):
    panel, chart_board, comm = flywheel
    before = dict(chart_board.shapes)
    find(panel, "kit-choice-scale").value = "log"
    assert [sorted(message["state"]) for message in comm.sent] == [["items", "shapes", "version"]]
    after = chart_board.shapes
    assert len(after) == len(before)  # the linear skeletons the board no longer shows are gone
    changed = set(after) - set(before)
    assert len(changed) == 2  # the band's and the hunter's y scales
    assert all('"symlog"' in json.dumps(after[key]) for key in changed)
    # a shape seen before comes back from the kernel's skeletons, built no more
    built = dict(board._skeletons)
    find(panel, "kit-choice-scale").value = "linear"
    assert dict(board._skeletons).keys() == built.keys()
    assert chart_board.shapes.keys() == before.keys()
    assert chart_board.spec("band")["layer"][0]["encoding"]["y"]["scale"]["type"] == "linear"


def test_a_table_kept_in_the_skeleton_travels_only_with_a_new_shape(flywheel):
    """The map's 441 squares stay in its skeleton; a conversion move sends the room's square."""
    panel, chart_board, comm = flywheel
    find(panel, "kit-slider-conversion").value = 0.5
    sent = next(item for item in comm.sent[0]["state"]["items"] if item["name"] == "map")
    assert list(sent["rows"]) == ["kit-you"]
    squares = [row for row in board.split(chart_board.spec("map"))[1]["kit"] if "year" in row]
    assert len(squares) == 441
    comm.sent.clear()
    find(panel, "kit-slider-new_logos_per_year").value = 20  # a new map: a new skeleton
    assert [sorted(message["state"]) for message in comm.sent] == [["items", "shapes", "version"]]


def test_a_chart_without_a_row_function_goes_whole():
    import altair as alt

    story = NoCureStory(n_contracts=300)
    part = Chart(
        "plain", ("target",), lambda s: alt.Chart({"values": [{"x": s["target"]}]}).mark_point()
    )
    item = board_item(part, story)
    assert set(item) == {"kind", "spec"}
    assert item["spec"]["mark"] == {"type": "point"}
