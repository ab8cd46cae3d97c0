"""Story A's notebook, executed by papermill as CI and the handouts do."""

import papermill as pm
import pytest
from conftest import charts_in, run_notebook, text_in

NAME = "01_no_cure_no_pay.ipynb"
CHARTS = {"mood_bars", "progress", "outcomes", "regression", "income", "terms"}

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
        "worried",
        "worried",
    ]
    text = text_in(default_run)
    assert "120 of 120" in text and "The target is met." in text
    assert "The client walks away" in text
    assert "The talk worked!" in text and "I'll give it one more month" in text
    assert "This doesn't work. Down on last month again." in text  # the article's month 6
    for heading in ("Should I take this deal?", "Trust runs both ways", "dare to say NO"):
        assert heading in text
    assert "€1,800" in text  # 4 hours x €75 x 6 months of reports
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
    assert "Going well." in text and "A good start: right on target" not in text
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
    assert "van 3.600" not in text_in(notebook) and "360 van 360" not in text_in(notebook)
    assert "325 van 360" in text_in(notebook) and "Het doel is niet gehaald." in text_in(notebook)
    assert "2.000" in charts["outcomes"]["svg"]  # Dutch thousands separator in the title
    text = text_in(notebook)
    assert "\u00a0" in text and "€ " not in text  # amounts never break across lines
    assert "4 uur rapportage" in text and "4,0 uur" not in text


def test_a_quarterly_client_and_a_providers_own_history(session_tmp):
    history = [30, 28, 12, 40, 31, 25, 30, 22, 35, 9, 33, 30, 27, 31]
    notebook = run_notebook(
        NAME, session_tmp / "quarter", review="quarter", history=history, n_contracts=2000
    )
    text = text_in(notebook)
    assert "The client judges every quarter against the quarter before." in text
    assert "The client is happy to continue." in text  # the article's months, per quarter
    assert "Your 14 months: on average **27.4** a month" in text
    terms = _data(charts_in(notebook)["terms"]["spec"])
    walks = {row["term"]: row["walks"] for row in terms}
    assert walks["total"] == 0 and walks["month"] > walks["quarter"]


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
