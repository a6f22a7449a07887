"""What the benchmark reports as a call's seconds: the whole call, or the part it names."""

from bench import Pair, Timed, run_pair, time_call


def test_a_side_that_names_its_timed_part_is_reported_by_it():
    """A side that sets the scene first (the busy key press lets other sessions settle for a
    second) reports the seconds it returns, not the whole call's."""
    assert time_call(lambda: Timed(0.125)) == 0.125
    result = run_pair(Pair("p", lambda: Timed(2.0), lambda: Timed(0.5), target=None), 3)
    assert result.baseline_times == (2.0,) * 3 and result.measured_times == (0.5,) * 3


def test_a_plain_side_is_reported_by_the_whole_call():
    assert time_call(lambda: None) >= 0.0
