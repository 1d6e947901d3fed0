"""Shared fixtures. Qt tests run offscreen; no test needs a screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from storage import Store  # noqa: E402

PROFILE = {"unit": "福州市鼓楼区市场监督管理局", "city": "福州市", "district": "鼓楼区",
           "reporter": "林晓", "phone": "0591-87530216", "year": 2023, "report_date": "2023-05-18"}


@pytest.fixture
def store():
    s = Store.open(":memory:")
    s.set_profile(PROFILE)
    yield s
    s.close()


@pytest.fixture
def city_store(store):
    """``store`` as a city's (tests.listings.CITY), which consolidates its districts' needs."""
    from tests.listings import CITY

    store.set_profile(CITY)
    return store


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "wanlixing.db"
