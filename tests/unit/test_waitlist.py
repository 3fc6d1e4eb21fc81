"""helpers.analysis.waitlist against NHSRwaitinglist's own test values and the EP worked example.

Expected values: ``modelling_methods.md`` §9.1 (the package's testthat files ``tests/testthat/test-calc_*.R`` and
its vignette) and §9.6 (the worked EP-queue example, hand calculations written out below).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.analysis import waitlist


def test_queue_load_matches_package():
    assert waitlist.queue_load(30, 27) == pytest.approx(1.1111111, abs=1e-7)
    np.testing.assert_allclose(waitlist.queue_load([35, 30, 52], [27, 25, 42]),
                               [1.2962963, 1.2, 1.2380952], atol=1e-7)


def test_target_mean_wait_matches_package():
    assert waitlist.target_mean_wait_weeks(52) == 13
    np.testing.assert_allclose(waitlist.target_mean_wait_weeks([35, 30, 52], [4, 4, 6]),
                               [8.75, 7.5, 8.6666667], atol=1e-7)


def test_target_queue_size_matches_package():
    assert waitlist.target_queue_size(30, 52) == pytest.approx(390)
    assert waitlist.target_queue_size(30, 50) == pytest.approx(375)
    assert waitlist.target_queue_size(30, 50, factor=6) == pytest.approx(250)


def test_target_queue_size_from_share_on_time():
    """F = −ln(1 − q): q = 1 − e⁻⁴ gives back F = 4 (390 for the ENT example); q = 0.95 gives F = ln 20 ≈ 2.996."""
    f = waitlist.factor_for_share_on_time(1 - math.exp(-4))
    assert f == pytest.approx(4.0)
    assert waitlist.target_queue_size(30, 52, factor=f) == pytest.approx(390)
    assert waitlist.factor_for_share_on_time(0.95) == pytest.approx(math.log(20))
    with pytest.raises(ValueError):
        waitlist.factor_for_share_on_time(1.0)


def test_relief_capacity_matches_package():
    assert waitlist.relief_capacity_per_week(30, 1200, 390, 26) == pytest.approx(61.153846, abs=1e-6)
    np.testing.assert_allclose(
        waitlist.relief_capacity_per_week([30, 33, 35], [1200, 800, 250], [390, 200, 100], [26, 30, 15]),
        [61.153846, 53, 45], atol=1e-6)


def test_relief_capacity_demand_margin():
    """Package uplift when demand is estimated: λ = 30, cv = 1, n = 3600 → margin 2·30·1/60 = 1 (not < 1, so no
    uplift); n = 14400 → margin 0.5 → λ = 30 / 0.5 = 60, relief = 60 + 810/26 = 91.153846."""
    assert waitlist.relief_capacity_per_week(30, 1200, 390, 26, referrals_observed=3600, cv_demand=1.0) \
        == pytest.approx(61.153846, abs=1e-6)
    assert waitlist.relief_capacity_per_week(30, 1200, 390, 26, referrals_observed=14400, cv_demand=1.0) \
        == pytest.approx(91.153846, abs=1e-6)


def test_target_capacity_matches_package():
    assert waitlist.target_capacity_per_week(30, 52, 3, 1.1, 1.2) == pytest.approx(30.076442, abs=1e-6)
    np.testing.assert_allclose(
        waitlist.target_capacity_per_week([30, 42, 35], [52, 65, 50], [3, 2, 1], [1.1, 1.2, 1.3], [1.4, 1.5, 1.6]),
        [30.0914423, 42.0567692, 35.0425], atol=1e-7)
    # vignette: F = 1 and F = 6.58 with c_a = c_s = 1
    assert waitlist.target_capacity_per_week(30, 52, 1) == pytest.approx(30.01923, abs=1e-5)
    assert waitlist.target_capacity_per_week(30, 52, 6.58) == pytest.approx(30.12654, abs=1e-5)


def test_pressure_matches_package():
    assert waitlist.waiting_list_pressure(63, 52) == pytest.approx(2.4230769, abs=1e-7)
    np.testing.assert_allclose(waitlist.waiting_list_pressure([63, 42, 55], [52, 24, 50]), [2.4230769, 3.5, 2.2],
                               atol=1e-7)
    assert waitlist.waiting_list_pressure(24, 4) == pytest.approx(12)  # P2 example


def test_pressure_in_weeks_not_days():
    """The package's wl_stats README example feeds a mean wait in days (1.8) against an 18-week target and prints
    0.2; in weeks a 1.8-day mean wait is 1.8/7 weeks, so the pressure is 2 · (1.8/7) / 18 = 0.02857."""
    assert waitlist.waiting_list_pressure(1.8 / 7, 18) == pytest.approx(0.0285714, abs=1e-7)


def test_ent_p4_walkthrough():
    """Vignette: queue 1200, demand 30, capacity 27, target 52 → load 1.11, L* 390, ratio 3.08, relief 61.15."""
    target = waitlist.target_queue_size(30, 52)
    assert waitlist.queue_load(30, 27) == pytest.approx(1.11, abs=0.005)
    assert 1200 / target == pytest.approx(3.08, abs=0.005)
    assert waitlist.relief_capacity_per_week(30, 1200, target) == pytest.approx(61.15, abs=0.005)


def test_factor_for_published_shares():
    """§1.3: q = 0.95 → F ≈ 3.0, q = 0.98 → F ≈ 3.9, q = 0.99 → F ≈ 4.6; 98.17% (= 1 − 1.83%) → F ≈ 4."""
    np.testing.assert_allclose(waitlist.factor_for_share_on_time([0.95, 0.98, 0.99, 0.9817]), [3.0, 3.9, 4.6, 4.0],
                               atol=0.02)


def test_ep_worked_example():
    """§9.6: backlog 400, throughput 10/wk, demand 12/wk, T = 6 wk.
    wait 400/10 = 40; L* = 12·6/4 = 18; relief = 12 + (400 − 18)/26 = 26.6923; target capacity 12 + 4/6 = 12.6667;
    pressure 2·40/6 = 13.33."""
    wait = waitlist.expected_wait_weeks(400, 10)
    target = waitlist.target_queue_size(12, 6)
    assert wait == pytest.approx(40)
    assert target == pytest.approx(18)
    assert waitlist.relief_capacity_per_week(12, 400, target, 26) == pytest.approx(26.692, abs=5e-4)
    assert waitlist.target_capacity_per_week(12, 6) == pytest.approx(12.667, abs=5e-4)
    assert waitlist.waiting_list_pressure(wait, 6) == pytest.approx(13.33, abs=5e-3)


def test_weeks_to_clear_fluid_balance():
    """Excess 382 with spare capacity 26.6923 − 12 = 14.6923/wk clears in 382/14.6923 = 26 weeks; no spare → inf."""
    assert waitlist.weeks_to_clear(382, 12, 12 + 382 / 26) == pytest.approx(26)
    assert waitlist.weeks_to_clear(100, 12, 10) == math.inf
    assert waitlist.weeks_to_clear(0, 12, 10) == 0
    np.testing.assert_allclose(waitlist.weeks_to_clear([10, 10], [1, 1], [2, 3]), [10, 5])
