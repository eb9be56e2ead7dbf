"""The pitfalls lab's leakage explorer: on pure noise the honest CV accuracy stays at chance for every width and
every number of selected features, while the leaky one climbs far above it, more so the more noise features there
are to choose from; selecting every feature is the same either way; the view updates and says what it shows."""
from __future__ import annotations

import numpy as np
import pytest

from course.explorers.leakage_lab import KS, MODES, WIDTHS, LeakageLab, describe, grid, leakage_explorer


def test_honest_selection_stays_at_chance_everywhere():
    for width in WIDTHS:
        r = LeakageLab(width=width).compute()
        assert np.all(np.abs(r.honest - 0.5) < 0.12), (width, r.honest.round(2))
        assert abs(r.honest.mean() - 0.5) < 0.05


def test_leaky_selection_climbs_far_above_chance_as_the_pool_grows():
    """The lesson: "The leaky curve climbs far above 50 % as the pool grows"."""
    at_20 = [LeakageLab(width=width, k=20).compute().leaky[19] for width in WIDTHS]
    assert all(b > a for a, b in zip(at_20[1:], at_20[2:])) and at_20[-1] > 0.9
    r = LeakageLab(width=1000, k=20).compute()
    assert r.accuracy > 0.8 and r.accuracy - r.other > 0.3
    assert np.all(r.leaky[4:] > r.honest[4:] + 0.15)


def test_selecting_every_feature_leaks_nothing():
    r = LeakageLab(width=50, k=50).compute()
    assert r.leaky[-1] == pytest.approx(r.honest[-1])


def test_the_chosen_mode_is_reported_and_bad_settings_are_refused():
    leaky = LeakageLab(width=200, k=10, mode=MODES[0]).compute()
    honest = LeakageLab(width=200, k=10, mode=MODES[1]).compute()
    assert leaky.accuracy == pytest.approx(honest.other) and honest.accuracy == pytest.approx(leaky.other)
    assert "10 of 200 noise features" in describe(leaky) and "the truth is 50%" in describe(leaky)
    grid_values = grid(200)
    assert grid_values[MODES[0]].shape == (6, len(KS))
    with pytest.raises(ValueError):
        LeakageLab(width=123).compute()
    with pytest.raises(ValueError):
        LeakageLab(k=0).compute()


def test_the_view_updates_and_draws(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = leakage_explorer()
    assert set(box.controls) == {"width", "k", "mode"}
    box.controls["k"].value = 35
    assert box.result.k == 35 and "35 of 1000" in box.status.value and "updated in" in box.status.value
    box.controls["mode"].value = MODES[1]
    assert box.result.mode == MODES[1] and abs(box.result.accuracy - 0.5) < 0.12
    box.controls["width"].value = 5000
    assert box.result.width == 5000
    assert box.output.outputs[0]["data"]["image/png"]
