import math

import numpy as np
import pytest

from kit import ParameterError
from kit.params import NOCURE, REFERRALS, SCHEMAS


def test_defaults_validate():
    for schema in SCHEMAS.values():
        assert schema.validate() == schema.defaults()


def test_every_parameter_has_a_label_in_both_languages():
    from kit.text import catalogue

    for schema in SCHEMAS.values():
        for param in schema.params:
            assert param.label_key in catalogue("en")
            assert param.label_key in catalogue("nl")


def test_defaults_lie_inside_their_ranges():
    for schema in SCHEMAS.values():
        for param in schema.params:
            assert param.check(param.default) == param.default


def test_numpy_and_integral_floats_are_accepted():
    assert NOCURE["target"].check(np.int64(60)) == 60
    assert NOCURE["target"].check(60.0) == 60
    assert NOCURE["results"].check(np.array([1, 2])) == [1, 2]


@pytest.mark.parametrize(
    "name, value, fragment",
    [
        ("target", 0, "target = 0 is not allowed: a whole number from 1 to 100,000"),
        ("target", 2.5, "a whole number"),
        ("target", True, "a whole number"),
        ("target", "120", "a whole number"),
        ("volatility", -0.1, "a number from 0 to 3"),
        ("volatility", math.nan, "volatility = nan"),
        ("language", "de", "one of 'en', 'nl'"),
        ("results", [20, -1], "results[1] = -1"),
        ("results", "20, x", "results[1] = 'x'"),
        ("results", " ", "a list of whole numbers"),
        ("results", "[20, 1.5]", "results[1] = '1.5'"),
        ("n_contracts", 100_001, "from 1 to 100,000"),
    ],
)
def test_bad_values_name_parameter_value_and_range(name, value, fragment):
    with pytest.raises(ParameterError) as error:
        NOCURE.validate({name: value})
    assert fragment in str(error.value)
    assert isinstance(error.value, ValueError)


def test_unknown_names_get_a_suggestion():
    with pytest.raises(ParameterError, match="did you mean 'target'"):
        NOCURE.validate(traget=10)


def test_results_must_match_months():
    with pytest.raises(ParameterError, match="exactly months = 6 monthly results"):
        NOCURE.validate(results=[1, 2, 3])
    assert NOCURE.validate(results=[1, 2, 3], months=3)["months"] == 3


def test_worried_threshold_cannot_exceed_alarm():
    with pytest.raises(ParameterError, match="worried_drop = 0.6"):
        NOCURE.validate(worried_drop=0.6, alarm_drop=0.5)


def test_referral_probabilities_are_bounded():
    with pytest.raises(ParameterError, match="conversion = 1.5"):
        REFERRALS.validate(conversion=1.5)


def test_a_list_written_as_text_is_read_as_the_list():
    # papermill's -p passes text, so -p results '[10, 20, 5]' must mean the list
    assert NOCURE.validate(results="[10, 20, 5]", months=3)["results"] == [10, 20, 5]
    assert NOCURE.validate(results="10,20;5", months=3)["results"] == [10, 20, 5]
