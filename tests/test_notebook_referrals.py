"""Story B's notebook, executed by papermill as CI and the handouts do."""

import papermill as pm
import pytest
from conftest import charts_in, run_notebook, text_in

NAME = "02_referral_flywheel.ipynb"
CHARTS = {"tree", "doubling", "band", "hunting", "map"}

pytestmark = pytest.mark.notebook


def _rows(spec):
    """Inline rows of every layer of a chart spec, concatenated."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    for layer in [spec, *spec.get("layer", [])]:
        rows += layer.get("data", {}).get("values", [])
    return rows


@pytest.fixture(scope="module")
def default_run(session_tmp):
    return run_notebook(NAME, session_tmp / "b_default")


def test_defaults_tell_the_articles_arithmetic(default_run):
    charts = charts_in(default_run)
    assert set(charts) == CHARTS
    tree = _rows(charts["tree"]["spec"])
    assert [r["new"] for r in tree if "label" in r][:4] == [1, 10, 100, 1000]
    doubling = _rows(charts["doubling"]["spec"])
    assert max(r["fans"] for r in doubling) == 1024
    text = text_in(default_run)
    assert "**1,111** ecosystems: 1 + 10 + 100 + 1,000 = 1,111" in text
    assert "After 10 years that is **1,024** fans" in text
    assert "grows by **50%** a year" in text
    assert "and 7.4% ever" in text  # the closed form, one fan
    assert "{" not in text


def test_the_default_handout_closes_with_the_articles_point_and_no_jargon(default_run):
    text = text_in(default_run)
    # the hunter leads in year 10; the framing says when and what it takes
    assert "Within 10 years the hunter stays ahead" in text
    assert "passes the hunter in year **11**" in text
    assert "at least **62%** of the introductions must become a fan" in text
    assert "fans pay off from year 11" in text
    assert "branching" not in text.lower() and "NPS" not in text
    squares = [r for r in _rows(charts_in(default_run)["map"]["spec"]) if "year" in r]
    assert len(squares) == 21 * 21


def test_band_is_aggregated_and_below_the_promise(default_run):
    band = [r for r in _rows(charts_in(default_run)["band"]["spec"]) if "low" in r]
    assert len(band) == 11  # one row a year, never one row per run
    assert band[-1]["median"] < 1024 and band[-1]["low"] <= band[-1]["median"] <= band[-1]["high"]


def test_dutch_run_speaks_dutch(session_tmp):
    notebook = run_notebook(NAME, session_tmp / "b_nl", language="nl")
    text = text_in(notebook)
    assert "**1.111** ecosystemen: 1 + 10 + 100 + 1.000 = 1.111" in text
    assert "Vragen voor de groep" in text and "Questions for the room" not in text
    assert "Gemiddeld groeit het aantal fans met **50%** per jaar" in text
    assert "haalt de jager in jaar **11** in" in text and " in in " not in text
    assert "minstens **62%** van de introducties" in text
    assert "vertakkingsproces" not in text
    assert "Generatie" in charts_in(notebook)["tree"]["svg"]


def test_a_strong_flywheel_reaches_the_goal_and_overtakes_the_hunter(session_tmp):
    notebook = run_notebook(
        NAME,
        session_tmp / "b_strong",
        introductions_per_year=2,
        conversion=0.9,
        churn=0.05,
        years=20,
        runs=2000,
        seed=3,
        scale="log",
        new_logos_per_year=50,
    )
    text = text_in(notebook)
    assert "Half of the flywheels reach 1,000 fans within" in text
    assert "On average the flywheel passes the hunter in year" in text
    assert "With these settings the article is right" in text
    spec = charts_in(notebook)["band"]["spec"]
    assert any(
        layer["encoding"]["y"].get("scale", {}).get("type") == "symlog" for layer in spec["layer"]
    )


def test_a_dying_flywheel_is_called_so(session_tmp):
    notebook = run_notebook(NAME, session_tmp / "b_dying", conversion=0.05, churn=0.5, runs=1000)
    text = text_in(notebook)
    assert "sooner or later every flywheel stalls" in text
    assert "the flywheel does not turn" in text


def test_bad_parameters_fail_on_the_validation_cell(session_tmp):
    with pytest.raises(pm.PapermillExecutionError) as error:
        run_notebook(NAME, session_tmp / "b_bad", conversion=1.5)
    assert error.value.ename == "ParameterError"
    assert "conversion = 1.5 is not allowed: a number from 0 to 1" in error.value.evalue


def test_the_largest_tree_the_schema_allows_runs_and_reads(session_tmp):
    # issue 14: 100 introductions for 12 generations outgrow 64-bit integers
    notebook = run_notebook(
        NAME, session_tmp / "b_huge", per_fan=100, generations=12, runs=500, language="nl"
    )
    text = text_in(notebook)
    assert "**1,0 × 10²⁴** ecosystemen" in text
    assert "meer mensen dan er op aarde wonen" in text
    assert "1,0 × 10²⁴" in charts_in(notebook)["tree"]["svg"]
