"""The page builds each optimizer of the core's registry from its own settings."""

from dashboard import fields
from dashboard.views.optimizers import build
from logreg_core import OPTIMIZERS, Adam, MiniBatchSGD, Momentum, Nesterov


def test_each_optimizer_takes_the_settings_of_its_own_fields():
    settings = fields.with_changes(fields.defaults("wikipedia_students"), learning_rate=0.1,
                                   momentum=0.7, batch_size=4, seed=2)
    built = [build(cls, settings, 20) for cls in OPTIMIZERS.values()]
    assert [type(o) for o in built] == list(OPTIMIZERS.values())
    assert built[1] == Momentum(0.1, beta=0.7) and built[2] == Nesterov(0.1, beta=0.7)
    assert built[3] == MiniBatchSGD(0.1, batch_size=4, seed=2)
    assert built[4] == Adam(0.1)  # its betas are not page settings: the core's defaults


def test_a_batch_larger_than_the_data_is_cut_to_the_data():
    settings = fields.with_changes(fields.defaults("wikipedia_students"), batch_size=99)
    assert build(MiniBatchSGD, settings, 20).batch_size == 20
