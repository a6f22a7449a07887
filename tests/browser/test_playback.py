"""Playback in the browser: the model player (dashboard/player.py, dashboard/assets/player.js)
draws the frames the server computed once, at 15 frames per second or more, with no rerun per
frame; pause, the scrubber and a click on the loss curve set the inspected step.

The frame rate measured here goes to test-artifacts/playback.json; ``python -m bench --only
browser`` measures it as a figure too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PLAYBACK_TIMEOUT_MS,
    assert_clean,
    button,
    counters,
    keyed,
    loss_chart,
    model_picture,
    open_app,
    pause,
    player,
    player_step,
    record,
    rerun,
    wait_for,
    wait_for_run_after,
    wait_idle,
)

pytestmark = pytest.mark.browser

LAST = 200
MIN_FPS = 15

#: Records every frame the player draws: (time in ms, frame index), from a MutationObserver
#: on the player's data-frame attribute.
FRAME_RECORDER = """
root => {
  window.__frames = [];
  new MutationObserver(() => window.__frames.push([performance.now(), root.dataset.frame]))
    .observe(root, {attributes: true, attributeFilter: ['data-drawn']});
}
"""
STOPPED = "() => window.__frames.length > 1 && window.__player.dataset.playing === 'no'"


def play_button(page):
    return player(page).locator("button.play")


def test_play_draws_at_least_15_frames_a_second_without_a_rerun_per_frame(page, app_url):
    open_app(page, app_url, "?step=0")
    root = player(page)
    expect(root).to_have_attribute("data-step", "0")
    root.evaluate(FRAME_RECORDER)
    root.evaluate("root => { window.__player = root; }")
    before = counters(page)
    play_button(page).click()
    expect(root).to_have_attribute("data-playing", "yes")
    wait_for(page, STOPPED, "playback to reach the end", timeout=PLAYBACK_TIMEOUT_MS)
    frames = page.evaluate("() => window.__frames")
    during = counters(page)
    # The frames drawn while playing: distinct, in order, from the first to the last.
    shown = [int(f) for _, f in frames]
    assert shown == sorted(shown) and shown[-1] == int(root.get_attribute("data-frame"))
    seconds = (frames[-1][0] - frames[0][0]) / 1000
    fps = (len(set(shown)) - 1) / seconds
    record("playback.json", "normal", {"frames": len(set(shown)), "seconds": round(seconds, 2),
                                       "distinct_frames_per_second": round(fps, 1)})
    assert fps >= MIN_FPS, f"{fps:.1f} distinct frames per second over {seconds:.1f} s"
    # Not one script run while playing: the end sends the step once, and that is one rerun.
    assert during["runs"] <= before["runs"] + 1, (before, during)
    wait_idle(page)
    assert player_step(page) == LAST
    expect(page.get_by_text(f"Every sample at step {LAST}", exact=True)).to_be_visible()
    wait_for(page, "s => new URLSearchParams(location.search).get('step') === s",
             "the link to carry the step", arg=str(LAST))  # it may follow the run
    assert_clean(page)


def test_pause_keeps_the_step_and_the_tables_follow(page, app_url):
    open_app(page, app_url, "?step=0")
    root, play = player(page), play_button(page)
    play.click()
    expect(root).to_have_attribute("data-playing", "yes")
    root.evaluate("root => { window.__player = root; }")
    wait_for(page, "() => Number(window.__player.dataset.step) >= 20",
             "playback to pass step 20")
    # While it plays, the page still describes the inspected step, and says so: the caption
    # named "the dot" (a walk: "Dot at step 200" beside a dot at step 25).
    inspected = page.get_by_text(re.compile(r"^Loss .* Inspected step "))
    expect(inspected).to_contain_text("Inspected step 0: 0.6931.")
    expect(page.get_by_text("Every sample at step 0", exact=True)).to_be_visible()
    assert page.get_by_text(re.compile("[Dd]ot at step")).count() == 0
    with rerun(page):
        play.click()  # Pause
    expect(root).to_have_attribute("data-playing", "no")
    paused = player_step(page)
    assert 0 < paused < LAST
    expect(inspected).to_contain_text(f"Inspected step {paused:,}: ")
    pause(1.0)  # deliberately: a dozen frames, had it kept playing
    assert player_step(page) == paused
    expect(page.get_by_text(f"Every sample at step {paused:,}", exact=True)).to_be_visible()
    wait_for(page, "s => new URLSearchParams(location.search).get('step') === s",
             "the link to carry the step", arg=str(paused))  # it may follow the run
    assert_clean(page)


def test_a_click_on_the_loss_curve_inspects_that_step(page, app_url):
    open_app(page, app_url)
    assert player_step(page) == LAST
    curve = loss_chart(page)
    box = curve.bounding_box()
    # The plot spans the canvas less its padding (52 px left, 12 px right; player.js PAD).
    left, right = 52, box["width"] - 12
    with rerun(page):
        curve.click(position={"x": left + 0.25 * (right - left), "y": box["height"] / 3})
    step = player_step(page)
    assert abs(step - LAST // 4) <= 2, step
    expect(page.get_by_text(f"Every sample at step {step:,}", exact=True)).to_be_visible()
    wait_for(page, "s => new URLSearchParams(location.search).get('step') === s",
             "the link to carry the step", arg=str(step))  # it may follow the run
    # The step buttons move it by one, with a rerun each.
    with rerun(page):
        root = player(page)
        root.get_by_role("button", name="Step forward").click()
    assert player_step(page) == step + 1
    expect(page.get_by_text(f"Every sample at step {step + 1:,}", exact=True)).to_be_visible()
    assert_clean(page)


def landed_at(page, step: int) -> None:
    """Wait until the link carries ``step`` and the page is idle; then the player shows it and
    the table under it is that step's."""
    wait_for(page, "s => new URLSearchParams(location.search).get('step') === s",
             "the link to carry the step", arg=str(step))
    wait_idle(page)
    assert player_step(page) == step
    expect(page.get_by_text(f"Every sample at step {step:,}", exact=True)).to_be_visible()


def test_a_held_arrow_key_and_fast_clicks_lose_no_step_and_keep_the_session(page, app_url):
    """60 arrow-key presses 20 ms apart on the scrubber, then 10 clicks of Step back 200 ms
    apart: the player lands exactly 70 steps back, with one rerun after each burst, not one per
    press (a rerun per press broke the session: "Cached ForwardMsg MISS"; and a rerun that came
    back with an older step undid the presses made meanwhile)."""
    open_app(page, app_url)
    assert player_step(page) == LAST
    scrub = player(page).locator("input.scrub")
    scrub.focus()
    before = counters(page)
    for _ in range(60):
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(20)
    wait_for_run_after(page, before)
    assert counters(page)["runs"] - before["runs"] <= 2
    assert player_step(page) == LAST - 60
    back = player(page).get_by_role("button", name="Step back")
    for _ in range(10):
        back.click()
        page.wait_for_timeout(200)
    landed_at(page, LAST - 70)
    assert page.get_by_text("Connection error").count() == 0
    # Reset puts the step back to 200 on the server: the player follows it, and five more
    # presses count from there (a review found it stuck at 130 while the page said 200)
    with rerun(page):
        keyed(page, "reset").locator("button").first.click()
    assert player_step(page) == LAST
    scrub.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(20)
    landed_at(page, LAST - 5)
    assert_clean(page)


def test_bursts_of_presses_on_a_long_run_lose_none(page, app_url):
    """On 2,000 steps the player is sent a frame of the inspected step, so each move brings new
    frames; a rerun with them came back between bursts and undid the presses since (a review:
    four bursts of 15 ended 3 to 10 steps short)."""
    open_app(page, app_url, "?data=wikipedia_students")
    scrub = player(page).locator("input.scrub")
    scrub.focus()
    start = player_step(page)
    for _ in range(4):
        for _ in range(15):
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(20)
        page.wait_for_timeout(350)
    landed_at(page, start - 60)
    assert_clean(page)


LOSS_IN_READOUT = r"loss ([0-9.e+-]+)"


def test_the_loss_axis_ticks_read_differently_and_stay_short(page):
    """Found by a walk: at η = 1e-12 the loss moves by 1e-13 and its axis had three ticks
    "0.6931"; on a log axis the middle tick ("0.3444") ran into the axis title."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "dashboard" / "assets" / "player.js"
              ).read_text(encoding="utf-8")
    functions = "\n".join(re.search(rf"^function {name}\(.*?^}}$", source, re.S | re.M).group(0)
                          for name in ("niceTicks", "label", "tickLabels", "logTicks"))
    run = lambda call: page.evaluate(f"() => {{ {functions}; return {call}; }}")  # noqa: E731
    flat = run("tickLabels(niceTicks(0.6931471805599, 0.6931471805601, 4))")
    assert len(flat) == 1 and flat[0][1].startswith("0.69314")  # one tick, not three alike
    apart = run("tickLabels(niceTicks(0.69312, 0.69318, 4))")
    assert len({text for _, text in apart}) == len(apart) > 1
    assert run("logTicks(0.3444, 0.6931)") == [0.3444, 0.6931]  # no middle tick to collide
    decades = run("logTicks(3.8e-21, 0.6931)")
    assert 2 <= len(decades) <= 6 and all(str(t).startswith("1e") for t in decades[:-1])
    assert run("label(1e-21)") == "1e-21" and run("label(2e300)") == "2e300"
    # The step axis (whole = true): 1 step read 0, 0.2, ... 1 and 3 steps 0, 0.5, ... 3.
    assert run("niceTicks(0, 1, 6, true)") == [0, 1]
    assert run("niceTicks(0, 3, 6, true)") == [0, 1, 2, 3]
    # An axis up to the largest double (a diverging run) has a few ticks, all finite: the
    # last one's step overflowed to inf and the loop never ended ("Invalid array length").
    for call in ("niceTicks(0, Number.MAX_VALUE, 4)", "logTicks(1e300, Number.MAX_VALUE)"):
        ticks = run(call)
        assert 1 <= len(ticks) <= 6 and all(t <= 1.8e308 for t in ticks), (call, ticks)
    for last in (2, 5, 7, 10, 13, 200, 2000, 100_000):
        ticks = run(f"niceTicks(0, {last}, 6, true)")
        assert all(t == int(t) for t in ticks) and len(set(ticks)) == len(ticks) > 1, ticks


def drawn_ticks(page) -> dict:
    """The tick labels the player drew on its loss chart: {"x": [...], "y": [...]}."""
    return player(page).evaluate("root => root.__player.lossGeometry.ticks")


@pytest.mark.parametrize(("query", "steps"), [("?steps=1", ["0", "1"]),
                                              ("?steps=3", ["0", "1", "2", "3"])])
def test_the_step_axis_has_whole_distinct_ticks(page, app_url, query, steps):
    """Found by a walk: 1 step had step ticks 0, 0.2, 0.4, 0.6, 0.8, 1."""
    open_app(page, app_url, query)
    assert drawn_ticks(page)["x"] == steps
    assert_clean(page)


def test_a_loss_up_to_the_largest_double_is_drawn(page, app_url):
    """λ = 19 at η = 0.2 on the 5 points, 500 steps: the loss reaches 1.7e308, the axis runs
    to the largest double, and the player stopped with "Invalid array length" (its ticks)."""
    open_app(page, app_url, "?l2=19&lr=0.2&steps=500")
    expect(player(page).locator(".readout")).to_contain_text("Step ")
    assert len(drawn_ticks(page)["y"]) >= 2
    assert page.get_by_text("BidiComponent Error").count() == 0
    assert_clean(page)


def test_a_loss_that_barely_moves_has_a_loss_axis_with_ticks(page, app_url):
    """Found by a walk: at η = 1e-12 (a change of 2e-11) the loss axis had one label,
    "0.693147", and the curve fell from its top to its bottom. The axis is at least 1% of the
    loss tall (player.loss_range), so its labels read apart and the curve is flat."""
    open_app(page, app_url, "?lr=1e-12")
    labels = drawn_ticks(page)["y"]
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels
    values = [float(t) for t in labels]
    assert min(values) < 0.6931 < max(values), labels
    assert_clean(page)


def test_the_readout_writes_the_loss_as_the_page_does(page, app_url):
    """On the 20 students at η = 100 one digit of the loss is certain: 14.87 is "1e+01" on the
    page, and the readout said "10", which reads as exact."""
    open_app(page, app_url, "?data=wikipedia_students&lr=100")
    caption = page.get_by_text(re.compile(r"Inspected step 2,000: ")).inner_text()
    dot = re.search(r"Inspected step 2,000: (\S+)\.$", caption).group(1)
    readout = player(page).locator(".readout").inner_text()
    assert re.search(LOSS_IN_READOUT, readout).group(1) == dot == "1e+01"
    assert_clean(page)


def test_a_click_on_the_plane_adds_a_sample_and_the_loss_follows(page, app_url):
    """On the two-feature iris data: a sample of class 0 dropped among the class-1 samples
    (the top right corner of the plane) raises the loss at the last step; a click on it
    removes it again, and the loss comes back."""
    open_app(page, app_url, "?data=iris_petals")
    readout = player(page).locator(".readout")
    before = readout.inner_text()
    player(page).get_by_role("button", name="0", exact=True).click()
    picture = model_picture(page)
    box = picture.bounding_box()
    corner = {"x": box["width"] - 20, "y": 20}
    with rerun(page):
        picture.click(position=corner)
    changed = page.get_by_text(re.compile(r"^You changed the data: "))
    expect(changed).to_have_text(
        "You changed the data: 1 added, 0 removed. Links do not carry these changes.")
    after = readout.inner_text()
    loss = lambda text: float(re.search(LOSS_IN_READOUT, text).group(1))  # noqa: E731
    assert loss(after) > loss(before), (before, after)
    # Standardizing follows the data, so the new sample is drawn near, not at, the click.
    added = player(page).evaluate(
        """root => { const s = root.__player, i = s.d.points.x.length - 1;
                    return {x: s.geometry.sx(s.d.points.x[i]),
                            y: s.geometry.sy(s.d.points.y[i])}; }""")
    with rerun(page):
        picture.click(position=added)  # on the sample just added: removes it
    expect(changed).to_contain_text("1 added, 1 removed")
    expect(readout).to_have_text(before)
    with rerun(page):
        page.get_by_role("button", name="Put the data back").click()
    expect(changed).to_have_count(0)
    assert_clean(page)


def test_while_a_prediction_is_open_the_readout_counts_the_hidden_steps(page, app_url):
    """The player is sent only the steps up to the question's; its readout still says how
    many the run has (the Steps slider's 200), and that the rest come after the reveal."""
    open_app(page, app_url, "?step=100")
    with rerun(page):
        keyed(page, "predict_mode").locator("label").first.click()
    readout = player(page).locator(".readout")
    expect(readout).to_contain_text(
        f"Step 100 of {LAST} (the later ones after your reveal) · loss ")
    forward = player(page).get_by_role("button", name="Step forward")
    expect(forward).to_have_attribute("aria-disabled", "true")  # it had seemed to do nothing
    expect(forward).to_have_attribute("title", "The later steps show after your reveal")
    assert_clean(page)


def test_after_a_reveal_the_next_step_and_then_the_whole_run_on_request(page, app_url):
    """After the reveal the player is sent one step more (the answer) and Step forward goes
    there, and no further: the later steps come as the learner predicts them. "Show the
    whole run", in the views' place (a fragment), reruns the whole page: the views, the
    verdict and every step appear."""
    open_app(page, app_url, "?step=100")
    with rerun(page):
        keyed(page, "predict_mode").locator("label").first.click()
    for group in page.get_by_role("radiogroup").all():
        with rerun(page):
            group.get_by_role("radio").first.click(force=True)
    with rerun(page):
        page.get_by_role("button", name="Reveal").click()
    readout = player(page).locator(".readout")
    expect(readout).to_contain_text(f"Step 100 of {LAST} (the later ones as you predict them)")
    forward = player(page).get_by_role("button", name="Step forward")
    expect(forward).to_have_attribute("aria-disabled", "false")
    expect(page.get_by_role("tab")).to_have_count(0)
    with rerun(page):
        button(page, "predict_show_all").click()
    expect(page.get_by_role("tab").first).to_be_visible()
    expect(readout).to_contain_text(f"Step 100 of {LAST} · loss ")
    assert_clean(page)
