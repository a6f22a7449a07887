"""The view area is a fragment: a tab or a view's own control reruns the view alone, and a view
control that changes what the rest of the page shows reruns the whole page.

AppTest reruns the whole script for a fragment, so it cannot tell the two apart: here a real
``streamlit run`` server is driven by the protocol client (`bench.protocol`), which sends a
widget's fragment id as the browser does and reads whether the server ran the fragment alone.
"""

from __future__ import annotations

import json

import logreg_core as lc
from bench.protocol import Session
from dashboard.text import fmt
from tests import async_run


def metrics(result) -> dict[str, str]:
    return dict(result.metrics)


def test_a_tab_and_a_views_own_control_rerun_the_view_alone(protocol_server):
    async def walk():
        session = Session(protocol_server.url, "")
        first = await session.open()
        assert first.ok and not first.fragment, first.problem()
        tab = await session.set_widget("view_tab", "Compare learning rates")
        rates_link = session.query
        picker = await session.set_widget("pick_rates", "Optimizers")
        optimizers_link = session.query
        beta = await session.set_widget("momentum", 0.5)
        beta_link = session.query
        await session.close()
        return first, tab, rates_link, picker, optimizers_link, beta, beta_link

    first, tab, rates_link, picker, optimizers_link, beta, beta_link = async_run.run(walk())
    for result in (tab, picker, beta):
        assert result.ok and result.fragment, result.problem()
        assert result.elements < first.elements  # the first screen is not sent again
        assert not result.metrics  # the first screen's figures are not among them
    assert "tab=rates" in rates_link
    assert "tab=optimizers" in optimizers_link and "beta" not in optimizers_link
    assert "tab=optimizers" in beta_link and "beta=0.5" in beta_link
    assert "lr=0.5" in beta_link  # the rest of the link is the page's, as before


def test_a_view_control_that_changes_the_run_reruns_the_whole_page(protocol_server):
    """A click on the sweep chart sets the learning rate: the first screen must follow."""
    async def pick():
        session = Session(protocol_server.url, "tab=rates")
        first = await session.open()
        assert first.ok, first.problem()
        state = {"selection": {"pick": [{"learning_rate": 0.3}]}}
        picked = await session.set_widget("sweep_chart", json.dumps(state))
        link = session.query
        again = await session.set_widget("view_tab", "Take a step apart")
        await session.close()
        return first, picked, link, again

    first, picked, link, again = async_run.run(pick())
    assert picked.ok, picked.problem()
    # The fragment saw the new rate and asked for the whole page, which then ran.
    assert not picked.fragment and picked.metrics
    history = lc.train(lc.load_dataset("five_points").X, lc.load_dataset("five_points").y,
                       learning_rate=0.3, steps=200)
    assert metrics(picked)["Loss at step 200"] == fmt(history.loss[-1])
    assert metrics(first)["Loss at step 200"] != metrics(picked)["Loss at step 200"]
    assert "lr=0.3" in link and "tab=rates" in link
    assert again.ok and again.fragment, again.problem()  # and views switch alone again


def test_an_edit_of_the_data_in_the_data_view_reruns_the_whole_page(protocol_server):
    """The table editor lives in the Data view; its edits are no setting, but the run, the
    first screen and the link's data all follow them."""
    from dashboard import sources, tables

    key = sources.editor_key("builtin:five_points")  # + "_{times forgotten}_{layers}"
    tick = {"edited_rows": {"2": {tables.EDITOR_LABEL: True}}, "added_rows": [],
            "deleted_rows": []}  # sample 3 (x = 3) becomes class 1, as a tick does

    async def edit():
        session = Session(protocol_server.url, "tab=data")
        first = await session.open()
        assert first.ok, first.problem()
        edited = await session.set_widget(f"{key}_0_0", json.dumps(tick))
        # Found by a walk: two other views later the edits were gone (a data editor keeps
        # no state once it is not drawn), and the page was back on the data as loaded.
        away = [await session.set_widget("view_tab", view)
                for view in ("Compare learning rates", "Walk the loss landscape")]
        back = await session.set_widget("view_tab", "Your data and links")
        # The editor drawn again starts from the edited table; a new edit goes on top of it:
        # sample 5 (x = 5) becomes class 0.
        flip = {"edited_rows": {"4": {tables.EDITOR_LABEL: False}}, "added_rows": [],
                "deleted_rows": []}
        again = await session.set_widget(f"{key}_0_1", json.dumps(flip))
        await session.close()
        return first, edited, away, back, again

    first, edited, away, back, again = async_run.run(edit())
    assert edited.ok and not edited.fragment, edited.problem()
    five = lc.load_dataset("five_points")
    y = five.y.copy()
    y[2] = 1.0
    loss = fmt(lc.train(five.X, y, learning_rate=0.5, steps=200).loss[-1])
    assert metrics(edited)["Loss at step 200"] == loss
    assert metrics(first)["Loss at step 200"] != loss
    for result in (*away, back):
        assert result.ok, result.problem()
        assert metrics(result).get("Loss at step 200", loss) == loss  # a view alone: no metric
    assert all(r.fragment for r in away), [r.fragment for r in away]
    y[4] = 0.0
    assert again.ok, again.problem()
    assert metrics(again)["Loss at step 200"] == fmt(
        lc.train(five.X, y, learning_rate=0.5, steps=200).loss[-1])


def test_a_landscape_click_beyond_the_starts_allowed_is_refused_in_words(protocol_server):
    """Found by a walk: on a diverging run the picture spans far more than a start may be
    (±1000), and a click there wrote -1.31e47 into the start sliders' state, which raised on
    every later rerun. Such a click now leaves the start as it was and says why; a click
    inside the range still sets the start."""
    def click(a, c):
        return json.dumps({"selection": {"start_at": [{"at_a": a, "at_c": c}]}})

    async def walk():
        session = Session(protocol_server.url, "tab=landscape&l2=1&lr=10&steps=50")
        first = await session.open()  # its headline is an error box: "Diverging"
        assert first.status == "ok" and not first.exceptions, first.problem()
        far = await session.set_widget("landscape_chart", click(-1.31e47, 2.5))
        far_link = session.query
        again = await session.set_widget("view_tab", "Take a step apart")
        near = await session.set_widget("view_tab", "Walk the loss landscape")
        inside = await session.set_widget("landscape_chart", click(-2.04, 3.51))
        inside_link = session.query
        await session.close()
        return far, far_link, again, near, inside, inside_link

    far, far_link, again, near, inside, inside_link = async_run.run(walk())
    for result in (far, again, near, inside):
        assert result.status == "ok" and not result.exceptions, result.problem()
    (said,) = [w for w in far.warnings if "farther out than a start may be" in w]
    assert "-1.31e+47" in said and "at most 1000 either way" in said, said
    assert "w0=" not in far_link or "w0=0" in far_link, far_link  # the start stays at 0
    assert not any("farther out than a start" in w for w in near.warnings)  # said once
    assert "w0=-2.04" in inside_link and "b0=3.51" in inside_link, inside_link


def test_a_sweep_click_on_a_rate_the_page_does_not_take_is_refused_in_words(protocol_server):
    """Found by a walk: with λ = 1e-9 on the 5 points 2/μ* is 2.4e6 and the sweep reaches it;
    a click on η = 713,857 set a rate no link or slider takes (the link it made was refused
    when opened). The rate now stays, and the page says why, once."""
    async def walk():
        session = Session(protocol_server.url, "tab=rates&l2=1e-9&steps=50")
        first = await session.open()
        assert first.ok, first.problem()
        state = {"selection": {"pick": [{"learning_rate": 713857.458}]}}
        picked = await session.set_widget("sweep_chart", json.dumps(state))
        link = session.query
        again = await session.set_widget("sweep_count", 31)
        await session.close()
        return picked, link, again

    picked, link, again = async_run.run(walk())
    assert picked.ok and again.ok, (picked.problem(), again.problem())
    (said,) = [w for w in picked.warnings if "η = 713857" in w]
    assert "outside the rates the page runs (1e-12 to 1000)" in said, said
    assert "so the rate stays 0.5" in said, said
    assert "lr=713857" not in link
    assert not any("η = 713857" in w for w in again.warnings)  # said once


def test_a_key_given_twice_in_a_link_gets_a_notice(protocol_server):
    """A real server reads ?lr=0.1&lr=5 as the browser sends it: the last rate, and a notice."""
    async def walk():
        session = Session(protocol_server.url, "lr=0.1&lr=5&steps=3")
        first = await session.open()
        link = session.query
        await session.close()
        return first, link

    first, link = async_run.run(walk())
    assert first.ok, first.problem()
    assert any("gives lr 2 times" in w.replace("**", "").replace("\\", "") for w in
               first.warnings), first.warnings
    assert "lr=5" in link and "lr=0.1" not in link, link
