"""Each learning-rate scenario shows the behaviour it names, as the core computes it."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import logreg_core as lc
from dashboard import fields, scenarios
from logreg_core.limits import learning_rate_limits
from tests.app.helpers import page_text


def run_of(settings):
    data = lc.load_dataset(settings.dataset)
    return lc.train(data.X, data.y, learning_rate=settings.learning_rate,
                    steps=settings.steps, w0=settings.w0, b0=settings.b0, l2=settings.l2,
                    limits=learning_rate_limits(data.X, data.y, settings.l2)), data


@pytest.mark.parametrize("scenario", scenarios.SCENARIOS, ids=lambda s: s.key)
def test_scenario_verdict_is_the_one_it_names(scenario):
    history, _ = run_of(scenario.settings())
    assert history.verdict.kind == scenario.verdict


def test_scenario_sentences_hold():
    by = scenarios.BY_KEY
    wiki = lc.load_dataset("wikipedia_students")
    limits = learning_rate_limits(wiki.X, wiki.y)
    best = lc.fit_exact(wiki.X, wiki.y).loss
    slow, _ = run_of(by["too_small"].settings())
    assert slow.loss[-1] > best * 1.1  # "still well above the best fit"
    good, _ = run_of(by["good"].settings())
    assert by["good"].settings().learning_rate < limits.guaranteed
    assert good.loss[-1] == pytest.approx(best, rel=1e-9)  # "reaches the best fit"
    above = by["above_guarantee"].settings().learning_rate
    assert limits.guaranteed < above < limits.local
    settling, _ = run_of(by["above_guarantee"].settings())
    assert settling.verdict.first_rise is not None  # "the loss may rise on some steps"
    assert settling.loss[-1] == pytest.approx(best, rel=1e-9)  # "still settles there"
    cycle_settings = by["cycle"].settings()
    assert cycle_settings.learning_rate > limits.local
    cycle, _ = run_of(cycle_settings)
    tail = cycle.loss[-100:]
    assert tail.min() > best * 1.01 and np.allclose(tail[::2], tail[0], rtol=1e-9)  # a cycle
    diverging = by["diverging"].settings()
    assert diverging.learning_rate > 2 / diverging.l2  # "a rate above 2/λ"
    blown, _ = run_of(diverging)
    assert blown.verdict.stopped_at is not None  # "until the numbers overflow"
    separable = by["separable"].settings()
    five = lc.load_dataset("five_points")
    assert lc.fit_exact(five.X, five.y).separable  # "no best fit"
    assert separable.learning_rate > lc.curvature_bound(five.X).guaranteed_rate
    sweep = lc.learning_rate_sweep(five.X, five.y, [0.1, separable.learning_rate], 2000)
    assert sweep.final_loss[1] < sweep.final_loss[0]  # "ends lower than a small one"
    assert sweep.verdicts[1].first_rise is not None  # "however it zig-zags at first"


@pytest.mark.parametrize("scenario", scenarios.SCENARIOS, ids=lambda s: s.key)
def test_each_scenario_is_a_link_and_a_button(new_app, scenario):
    query = {k: v[0] for k, v in parse_qs(urlsplit(scenario.link()).query).items()}
    settings, notices = fields.from_query(query)
    assert notices == [] and settings == scenario.settings()
    at = new_app(tab="rates").run()
    at.button(key=f"scenario_{scenario.key}").click().run()
    assert not at.exception
    assert at.session_state.learning_rate == scenario.settings().learning_rate
    assert at.session_state.dataset == scenario.settings().dataset
    history, _ = run_of(scenario.settings())
    assert history.verdict.describe() in page_text(at).replace("-", "−").replace("−", "-") \
        or history.verdict.describe().replace("−", "-") in page_text(at)
