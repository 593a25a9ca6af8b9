"""A person opens the portal on a phone and reads the national headline figures."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _metric_value(page: object, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_headline_figures_on_a_phone(phone: object, portal_url: str) -> None:
    phone.goto(portal_url)
    phone.get_by_text("Keluarga aktif").first.wait_for()
    assert _metric_value(phone, "Keluarga aktif") == "5"
    assert _metric_value(phone, "Individu aktif") == "10"
    body = phone.locator("body").inner_text()
    assert "Traceback" not in body
    # Nothing overflows the 360 px viewport horizontally.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
