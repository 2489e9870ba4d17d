"""The CDNOW purchase data (bundled in ``files/``, see its README) in the setup of Fader, Hardie & Lee (2005).

Purchases on the same day are merged into one; time is in weeks (days / 7); calibration runs
from 1997-01-01 to 1997-09-30 (39 weeks) and the holdout from 1997-10-01 to 1998-06-30.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

FILES = Path(__file__).with_name("files")
START = date(1997, 1, 1)
CALIBRATION_END = date(1997, 9, 30)
HOLDOUT_END = date(1998, 6, 30)
HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END).days / 7


@dataclass(frozen=True)
class Purchases:
    """One row per customer and purchase day (same-day purchases merged)."""

    customer: np.ndarray
    day: np.ndarray  # days since 1997-01-01
    dollars: np.ndarray


@dataclass(frozen=True)
class CalibrationSummary:
    """Per customer: BG/NBD inputs over the calibration period, mean repeat spend, holdout repeat purchases."""

    customer: np.ndarray
    first_day: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray  # weeks
    age: np.ndarray  # weeks, T
    mean_repeat_spend: np.ndarray  # NaN for customers without a calibration repeat purchase
    holdout_purchases: np.ndarray


def _merge_same_day(customer: np.ndarray, day: np.ndarray, dollars: np.ndarray) -> Purchases:
    keys, inverse = np.unique(np.stack([customer, day]), axis=1, return_inverse=True)
    return Purchases(customer=keys[0], day=keys[1], dollars=np.bincount(inverse.ravel(), weights=dollars))


def _days_since_start(yyyymmdd: np.ndarray) -> np.ndarray:
    dates = np.array([f"{v // 10000:04d}-{v // 100 % 100:02d}-{v % 100:02d}" for v in yyyymmdd.tolist()], dtype="datetime64[D]")
    return (dates - np.datetime64(START.isoformat())).astype(np.int64)


def load_sample() -> Purchases:
    """The paper's 1/10 sample: 2,357 customers."""
    columns = np.loadtxt(FILES / "CDNOW_sample.txt", dtype=float, usecols=(1, 2, 4), unpack=True)
    return _merge_same_day(columns[0].astype(np.int64), _days_since_start(columns[1].astype(np.int64)), columns[2])


def load_master() -> Purchases:
    """All 23,570 customers who first bought in Q1 1997."""
    columns = np.loadtxt(FILES / "CDNOW_master.txt", dtype=float, skiprows=1, usecols=(0, 1, 3), unpack=True)
    return _merge_same_day(columns[0].astype(np.int64), _days_since_start(columns[1].astype(np.int64)), columns[2])


def summarise(purchases: Purchases) -> CalibrationSummary:
    calibration_end = (CALIBRATION_END - START).days
    customers, first_index = np.unique(purchases.customer, return_index=True)  # rows are sorted by (customer, day)
    position = np.searchsorted(customers, purchases.customer)
    in_calibration = purchases.day <= calibration_end
    repeat = np.ones(len(purchases.day), bool)
    repeat[first_index] = False
    first_day = purchases.day[first_index]
    frequency = np.bincount(position, weights=in_calibration & repeat, minlength=len(customers))
    last_day = np.full(len(customers), -1)
    np.maximum.at(last_day, position[in_calibration], purchases.day[in_calibration])
    repeat_spend = np.bincount(position, weights=np.where(in_calibration & repeat, purchases.dollars, 0.0), minlength=len(customers))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_repeat_spend = np.where(frequency > 0, repeat_spend / frequency, np.nan)
    return CalibrationSummary(
        customer=customers,
        first_day=first_day,
        frequency=frequency,
        recency=(last_day - first_day) / 7.0,
        age=(calibration_end - first_day) / 7.0,
        mean_repeat_spend=mean_repeat_spend,
        holdout_purchases=np.bincount(position, weights=~in_calibration, minlength=len(customers)),
    )


def weekly_repeat_purchases(purchases: Purchases) -> np.ndarray:
    """Total repeat purchases of the cohort in each of the 78 weeks from 1997-01-01 (the paper's Figure 3)."""
    first_index = np.unique(purchases.customer, return_index=True)[1]
    repeat = np.ones(len(purchases.day), bool)
    repeat[first_index] = False
    weeks = int(round((HOLDOUT_END - START).days / 7))
    return np.bincount(np.minimum(purchases.day[repeat] // 7, weeks - 1), minlength=weeks)
