"""Vectorised builders of Arrow string columns (no per-row Python)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engagement_warehouse.generator import reference as ref


def prefixed(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix`` followed by each number in decimal, e.g. ``cus_42``."""
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers, pa.int64()), pa.string()), "")


def categorical(values: Sequence[str], index: np.ndarray) -> pa.Array:
    """``values[index]`` as a string array; a negative index gives null."""
    index = np.asarray(index)
    return pa.DictionaryArray.from_arrays(
        pa.array(index, pa.int32(), mask=index < 0), pa.array(list(values), pa.string())
    ).dictionary_decode()


def iso_local(epoch_seconds: np.ndarray, country: np.ndarray) -> pa.Array:
    """ISO-8601 local time with the country's UTC offset, e.g. ``2026-08-01T09:30:00+05:30``."""
    local = epoch_seconds + ref.COUNTRY_UTC_OFFSET_SECONDS[country]
    text = pc.strftime(pa.array(local.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%S")
    return pc.binary_join_element_wise(text, categorical(list(ref.COUNTRY_UTC_OFFSET), country), "")


def iso_date(epoch_seconds: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(epoch_seconds.astype("datetime64[s]")), format="%Y-%m-%d")
