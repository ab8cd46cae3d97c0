"""Story A's notebook, executed by papermill as CI and the handouts do."""

import papermill as pm
import pytest
from conftest import charts_in, run_notebook, text_in

NAME = "01_no_cure_no_pay.ipynb"
CHARTS = {"mood_bars", "progress", "outcomes", "regression", "income"}

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def default_run(session_tmp):
    return run_notebook(NAME, session_tmp / "default")


def _data(spec):
    """The inline rows of a (layered) chart spec."""
    for layer in [spec, *spec.get("layer", [])]:
        if "data" in layer and "values" in layer["data"]:
            return layer["data"]["values"]
    return list(spec["datasets"].values())[0]


def test_defaults_tell_the_article(default_run):
    charts = charts_in(default_run)
    assert set(charts) == CHARTS
    for chart in charts.values():
        assert chart["svg"].lstrip().startswith("<svg")
        assert 'href="http' not in chart["svg"] and "url(http" not in chart["svg"]
    months = _data(charts["mood_bars"]["spec"])
    assert [m["result"] for m in months] == [20, 15, 5, 45, 20, 15]
    assert [m["mood"] for m in months] == [
        "pleased",
        "worried",
        "alarm",
        "pleased",
        "alarm",
        "worried",
    ]
    text = text_in(default_run)
    assert "120 of 120" in text and "The target is met." in text
    assert "The client walks away" in text
    assert "See? The talk worked!" in text
    assert "met the target *and still*" not in text  # the summary is filled, not a template
    assert "{" not in text


def test_dutch_run_speaks_dutch(session_tmp):
    notebook = run_notebook(NAME, session_tmp / "nl", language="nl")
    text = text_in(notebook)
    assert "120 van 120" in text and "Het doel is gehaald." in text
    assert "De klant haakt af" in text
    assert "The target" not in text
    charts = charts_in(notebook)
    assert charts["mood_bars"]["language"] == "nl"
    assert "Maand" in charts["mood_bars"]["svg"] and "tevreden" in charts["mood_bars"]["svg"]


def test_a_steady_deliverer_keeps_the_client(session_tmp):
    notebook = run_notebook(NAME, session_tmp / "steady", results=[20] * 6)
    text = text_in(notebook)
    assert "The client is happy to continue." in text
    months = _data(charts_in(notebook)["mood_bars"]["spec"])
    assert {m["mood"] for m in months} == {"pleased"}


def test_a_year_long_contract_with_other_settings(session_tmp):
    results = [30, 28, 12, 40, 31, 25, 30, 22, 35, 9, 33, 30]
    notebook = run_notebook(
        NAME,
        session_tmp / "year",
        months=12,
        results=results,
        target=360,
        mean=30.0,
        volatility=0.8,
        n_contracts=2000,
        seed=7,
        language="nl",
    )
    charts = charts_in(notebook)
    assert [m["result"] for m in _data(charts["mood_bars"]["spec"])] == results
    assert "3.600" not in text_in(notebook) and "360 van 360" not in text_in(notebook)
    assert "325 van 360" in text_in(notebook) and "Het doel is niet gehaald." in text_in(notebook)
    assert "2.000" in charts["outcomes"]["svg"]  # Dutch thousands separator in the title


def test_bad_parameters_fail_on_the_validation_cell_with_the_kits_message(session_tmp):
    with pytest.raises(pm.PapermillExecutionError) as error:
        run_notebook(NAME, session_tmp / "bad", results=[20, 15, -5, 45, 20, 15])
    assert error.value.ename == "ParameterError"
    assert "results[2] = -5 is not allowed" in error.value.evalue
    assert "from_notebook(globals())" in error.value.source  # the validation cell, not a scene


def test_a_misspelled_parameter_is_refused_not_ignored(session_tmp):
    # papermill only warns about a name the parameters cell lacks and runs the defaults
    with pytest.raises(pm.PapermillExecutionError) as error:
        run_notebook(NAME, session_tmp / "typo", tagret=90)
    assert error.value.ename == "ParameterError"
    assert "tagret" in error.value.evalue and "did you mean 'target'" in error.value.evalue


def test_a_list_written_as_text_is_read_as_the_list(session_tmp):
    # papermill's -p passes text: -p results '[10, 20, 5]' and -p results 10,20,5
    for typed in ("[10, 20, 5]", "10,20,5"):
        notebook = run_notebook(NAME, session_tmp / "text-list", results=typed, months=3)
        months = _data(charts_in(notebook)["mood_bars"]["spec"])
        assert [m["result"] for m in months] == [10, 20, 5]
