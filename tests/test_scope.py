"""The engine at two scopes: the platform's week and the world's use of Chinese-made models."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tokenpower import engine as sc
from tokenpower.engine import scope
from tokenpower.models import world
from tokenpower_book.cli import main


@pytest.fixture(scope="module")
def market():
    return sc.build_market()


def _value(table, measure, key):
    row = table[(table["measure"] == measure) & (table["key"] == key)]
    assert len(row) == 1, (measure, key)
    return float(row["value"].iloc[0])


def test_the_world_scale_is_the_layers_foreign_tokens_over_openrouters(market):
    # by hand from the layer's central inputs: OpenRouter's part of the router channel is its
    # weekly tokens x weeks a year x the Chinese-made share x the share used outside China
    x = market.world["central"]
    openrouter = (
        x["openrouter_t_per_week"]
        * 365.25
        / 7
        * x["cn_share_openrouter"]
        * x["foreign_share_openrouter"]
    )
    abroad = world.channel_tokens(x.to_dict())["abroad_total"]
    (scale,) = scope.world_scale(market.world)
    assert scale == pytest.approx(abroad / openrouter)
    # the layer has other channels than OpenRouter, so the world is larger than the platform
    assert scale > 1


def test_world_draws_are_the_world_layers_draws(market):
    draws = world.monte_carlo(sc.market_tables(), scope.PERIOD, draws=50, seed=3)
    openrouter = (
        draws["openrouter_t_per_week"]
        * world.WEEKS_PER_YEAR
        * draws["cn_share_openrouter"]
        * draws["foreign_share_openrouter"]
    )
    expected = (draws["abroad_total"] / openrouter).to_numpy()
    assert np.allclose(scope.world_scale(market.world, 50, 3), expected)


def test_platform_scope_reproduces_the_calibration_week(market):
    params = sc.validate_scenario(market, "t", {"demand_scope": "platform"})
    table = sc.outcomes(sc.solve(market, params, "t"))
    assert _value(table, "demand_scale", "total") == 1.0
    # with no restriction, every token of the calibration week is served
    assert _value(table, "tokens_per_week", "total") == pytest.approx(
        market.total_tokens_per_week, rel=1e-6
    )


def test_world_scope_scales_volumes_and_keeps_shares_and_prices(market):
    platform = sc.outcomes(
        sc.solve(market, sc.validate_scenario(market, "t", {"demand_scope": "platform"}))
    )
    world_ = sc.outcomes(sc.solve(market, sc.validate_scenario(market, "t", {})))
    k = _value(world_, "demand_scale", "total")
    assert k == pytest.approx(scope.world_scale(market.world)[0])
    for measure, key in [
        ("exported_electricity_gwh_per_year", "CHN"),
        ("tokens_per_week", "total"),
        ("capacity_tokens_per_week", "CHN"),
    ]:
        assert _value(world_, measure, key) == pytest.approx(k * _value(platform, measure, key))
    for measure, key in [
        ("token_share_model_origin", "CHN"),
        ("token_share_serving_country", "CHN"),
        ("serving_cost_usd_per_m", "CHN"),
        ("average_price_by_model_origin_usd_per_m", "USA"),
    ]:
        assert _value(world_, measure, key) == pytest.approx(_value(platform, measure, key))


def test_scenario_command_reports_world_electricity_with_a_band_and_the_platform_on_request(capsys):
    assert main(["scenario", "baseline", "--format", "json", "--draws", "40"]) == 0
    records = {(r["measure"], r["key"]): r for r in json.loads(capsys.readouterr().out)}
    gwh, k = (
        records[("exported_electricity_gwh_per_year", "CHN")],
        records[("demand_scale", "total")],
    )
    assert k["value"] > 1
    assert gwh["p05"] < gwh["p95"]
    assert k["p05"] < k["p95"]
    assert main(["scenario", "baseline", "--format", "json", "--set", "demand_scope=platform"]) == 0
    platform = {(r["measure"], r["key"]): r for r in json.loads(capsys.readouterr().out)}
    assert platform[("demand_scale", "total")]["value"] == 1
    assert gwh["value"] == pytest.approx(
        k["value"] * platform[("exported_electricity_gwh_per_year", "CHN")]["value"]
    )


def test_an_unknown_scope_is_refused_with_exit_2(capsys):
    assert main(["scenario", "baseline", "--set", "demand_scope=moon"]) == 2
    err = capsys.readouterr().err
    assert "demand_scope" in err and "world" in err and "platform" in err
