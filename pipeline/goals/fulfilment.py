"""Goal fulfilment (måluppfyllelse), the equalising rule (utjämnande anvisning) and its forecast.

As of date t, `assigned_k` counts the assignments to k dated 2016-01-01..t (both kinds), `total`
all of them, `target_k = share_k / 1000 ‰ × total` and `fulfilment_k = assigned_k / target_k`.
The next equalising assignment goes to the lowest `assigned_k / share_k` among positive shares;
ties go to the larger share, then the lower municipality code. Ratios are compared exactly, by
cross-multiplying integers (shares in units of 10^-decimals ‰), never in floating point.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl

from pipeline.core.errors import AnvisningError, ModelError
from pipeline.core.units import total_units
from pipeline.goals.ledger import FIRST_DATE
from pipeline.presentation.formats import PRINT

Counts = Mapping[str, int] | Sequence[int]
SHARE_COLUMNS = ["municipality_code", "municipality_name", "county_code", "share_units"]


def _counts(ledger: pl.DataFrame, as_of: date) -> pl.DataFrame:
    return (
        ledger.filter(pl.col("date").is_between(FIRST_DATE, as_of))
        .group_by("municipality_code")
        .len("assigned")
    )


def assigned_counts(ledger: pl.DataFrame, as_of: date) -> dict[str, int]:
    """Assignments per municipality dated 2016-01-01..as_of, both kinds (absent codes have 0)."""
    counts = _counts(ledger, as_of)
    return dict(zip(counts["municipality_code"], counts["assigned"], strict=True))


def fulfilment_table(
    ledger: pl.DataFrame, shares: pl.DataFrame, as_of: date, decimals: int = 2
) -> pl.DataFrame:
    """Goal fulfilment per municipality as of `as_of`, one row per row of `shares`.

    `shares` holds municipality_code, municipality_name, county_code and share_units (the final
    shares of the year of `as_of`, in units of 10^-decimals ‰). Columns returned, by code:
    municipality_code, municipality_name, county_code, share_units, share_promille (exact
    Decimal), assigned, target (2 decimals, half up, for display), target_exact (exact Decimal)
    and fulfilment_pct (percent, 1 decimal, half up; null without a target: share 0 or no
    assignments yet). The national total is the sum of `assigned`.
    """
    missing = set(SHARE_COLUMNS) - set(shares.columns)
    if missing:
        raise AnvisningError(f"the share table lacks the columns {sorted(missing)}")
    if shares["municipality_code"].is_duplicated().any():
        raise AnvisningError("the share table lists a municipality more than once")
    if shares["share_units"].null_count() or (shares["share_units"] < 0).any():
        raise AnvisningError("every share in the share table is a number ≥ 0")
    counts = _counts(ledger, as_of)
    unknown = counts.join(shares, on="municipality_code", how="anti")["municipality_code"]
    if len(unknown):
        raise AnvisningError("the ledger has assignments to municipalities missing from the "
                             f"share table: {', '.join(sorted(unknown))}")
    total = int(counts["assigned"].sum())
    return (
        shares.select(SHARE_COLUMNS)
        .with_columns(pl.col("share_units").cast(pl.Int64))
        .join(counts, on="municipality_code", how="left")
        .with_columns(pl.col("assigned").fill_null(0).cast(pl.Int64))
        .with_columns(share_promille=_promille(decimals),
                      **_goal_columns("assigned", total, decimals))
        .select("municipality_code", "municipality_name", "county_code", "share_units",
                "share_promille", "assigned", "target", "target_exact", "fulfilment_pct")
        .sort("municipality_code")
    )


def _promille(decimals: int) -> pl.Expr:
    return pl.col("share_units").cast(pl.Decimal(38, decimals)) / 10**decimals


def _goal_columns(assigned: str, total: int, decimals: int) -> dict[str, pl.Expr]:
    """The one home of target and fulfilment, from integers only: with `scale` units in 1000 ‰,
    `target = share_units × total / scale`, held exactly as the integer `share_units × total`."""
    scale = total_units(decimals)
    scaled = pl.col("share_units") * total
    tenths_of_pct = (2 * pl.col(assigned) * 1000 * scale + scaled) // (2 * scaled)
    return {
        "target": _as_float((200 * scaled + scale) // (2 * scale), 2),
        "target_exact": scaled.cast(pl.Decimal(38, 3 + decimals)) / scale,
        "fulfilment_pct": pl.when(scaled > 0).then(_as_float(tenths_of_pct, 1)),
    }


def _as_float(units: pl.Expr, places: int) -> pl.Expr:
    """Integer units of 10^-places as the nearest float (through Decimal: polars divides floats by
    a constant through its reciprocal, which gives 2.8000000000000003 for 28 / 10)."""
    return (units.cast(pl.Decimal(38, places)) / 10**places).cast(pl.Float64)


def _aligned(
    assigned: Counts, share_units: Counts, codes: Sequence[str] | None
) -> tuple[list[str], list[int], list[int]]:
    """Codes, assigned counts and shares as parallel lists of Python ints (mappings are keyed by
    code; a code absent from `assigned` has 0)."""
    if codes is None:
        if not isinstance(share_units, Mapping):
            raise TypeError("give `codes` when the shares are not a mapping by code")
        codes = sorted(share_units)
    codes = [str(c) for c in codes]
    if isinstance(share_units, Mapping):
        shares = [int(share_units[c]) for c in codes]
    else:
        shares = [int(s) for s in share_units]
    if isinstance(assigned, Mapping):
        counts = [int(assigned.get(c, 0)) for c in codes]
    else:
        counts = [int(a) for a in assigned]
    if not len(codes) == len(shares) == len(counts):
        raise ValueError("codes, assigned counts and shares differ in length")
    if len(set(codes)) != len(codes):
        raise ValueError("a municipality code appears twice")
    if min(shares + counts, default=0) < 0:
        raise ValueError("shares and assigned counts are non-negative")
    return codes, counts, shares


@dataclass(frozen=True, slots=True)
class QueueKey:
    """A municipality's place in the queue for the next equalising assignment: the one tie rule.

    Lower goal fulfilment first (the ratio assigned/share, compared exactly by cross-multiplying
    integers), then the larger share, then the lower municipality code. `assign`, `forecast`, the
    step-by-step reference and `queue_places` (the site's "Plats i kön") all order municipalities
    by this key.
    """

    assigned: int
    share: int
    code: str

    def __lt__(self, other: QueueKey) -> bool:
        left, right = self.assigned * other.share, other.assigned * self.share
        if left != right:
            return left < right
        if self.share != other.share:
            return self.share > other.share
        return self.code < other.code


def queue_places(assigned: Counts, share_units: Counts,
                 codes: Sequence[str] | None = None) -> dict[str, int]:
    """Each municipality's place in the queue for the next equalising assignment (plats i
    kön), 1 = next, in the order of `QueueKey`; a municipality with share 0 is not in the queue.
    """
    codes, counts, shares = _aligned(assigned, share_units, codes)
    order = sorted(QueueKey(a, s, c) for c, a, s in zip(codes, counts, shares, strict=True)
                   if s > 0)
    return {key.code: place for place, key in enumerate(order, start=1)}


def next_equalising(
    assigned: Counts, share_units: Counts, codes: Sequence[str] | None = None
) -> str:
    """The municipality that receives the next equalising assignment."""
    codes, counts, shares = _aligned(assigned, share_units, codes)
    keys = [QueueKey(a, s, c) for c, a, s in zip(codes, counts, shares, strict=True) if s > 0]
    if not keys:
        raise ModelError("no municipality has a positive share to receive an assignment")
    return min(keys).code


def forecast(
    assigned: Counts, share_units: Counts, codes: Sequence[str] | None, m: int
) -> dict[str, int]:
    """How many of the next `m` equalising assignments each municipality receives: exactly what
    `next_equalising` applied `m` times gives, in O(n log(m·max share)) instead of O(m·n).

    Municipality k's picks have ratios (a_k + j)/s_k, j = 0, 1, ...; the rule always takes the
    smallest open one, so the m picks are the m smallest of all of them in the order (ratio,
    larger share, lower code). At most `floor(λ·s_k) − a_k + 1` of k's ratios are ≤ λ. A binary
    search over λ = p/q with q = (max share)² finds p with fewer than m ratios ≤ p/q and at least m
    ratios ≤ (p+1)/q. Two different ratios differ by at least 1/q, so that interval holds exactly
    one threshold ratio λ*: everything below it is taken, and the rest of the m go one each to the
    municipalities whose next ratio equals λ*, in tie order.
    """
    codes, counts, shares = _aligned(assigned, share_units, codes)
    if m < 0:
        raise ValueError("the number of assignments to forecast is non-negative")
    result = dict.fromkeys(codes, 0)
    active = [(c, a, s) for c, a, s in zip(codes, counts, shares, strict=True) if s > 0]
    if m == 0:
        return result
    if not active:
        raise ModelError("no municipality has a positive share to receive an assignment")
    q = max(s for _, _, s in active) ** 2

    def taken_up_to(p: int) -> int:
        return sum(max(0, p * s // q - a + 1) for _, a, s in active)

    lo = -1
    hi = -(-(max(a for _, a, _ in active) + m) * q // min(s for _, _, s in active))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if taken_up_to(mid) < m:
            lo = mid
        else:
            hi = mid
    next_up = [(max(a, lo * s // q + 1), s, c) for c, a, s in active]
    threshold = min(Fraction(v, s) for v, s, _ in next_up)
    tied = sorted(QueueKey(v, s, c) for v, s, c in next_up
                  if v * threshold.denominator == s * threshold.numerator)
    for c, a, s in active:
        result[c] = max(0, lo * s // q - a + 1)
    for key in tied[: m - taken_up_to(lo)]:
        result[key.code] += 1
    _verify(result, active, m, threshold)
    return result


def _verify(
    result: dict[str, int], active: list[tuple[str, int, int]], m: int, threshold: Fraction
) -> None:
    """Cheap integer proof of the invariants: m picks, none above the threshold, none skipped
    below it."""
    p, q = threshold.numerator, threshold.denominator
    if sum(result.values()) != m or any(
        (result[c] > 0 and (a + result[c] - 1) * q > p * s) or (a + result[c]) * q < p * s
        for c, a, s in active
    ):
        raise ModelError("internal error: the forecast broke its own invariants")


def step_by_step(
    assigned: Counts, share_units: Counts, codes: Sequence[str] | None, m: int
) -> dict[str, int]:
    """The rule applied m times, one assignment after another: the reference for `forecast`.

    A heap of `QueueKey`s: take the first, give it one more assignment, put it back.
    """
    codes, counts, shares = _aligned(assigned, share_units, codes)
    result = dict.fromkeys(codes, 0)
    if m == 0:
        return result
    heap = [QueueKey(a, s, c) for c, a, s in zip(codes, counts, shares, strict=True) if s > 0]
    if not heap:
        raise ModelError("no municipality has a positive share to receive an assignment")
    heapq.heapify(heap)
    for _ in range(m):
        first = heap[0]
        result[first.code] += 1
        heapq.heapreplace(heap, QueueKey(first.assigned + 1, first.share, first.code))
    return result


# The most children a forecast takes: far above any year's arrivals (35 369 in 2015), and low
# enough that every count and target stays exact in 64-bit integers (share units × total).
MAX_FORECAST = 10**9


def check_forecast_size(m: int) -> None:
    if not 0 <= m <= MAX_FORECAST:
        raise ModelError(f"the number of children to forecast must be 0 to "
                         f"{PRINT.integer(MAX_FORECAST)}, not {m}")


@dataclass(frozen=True)
class MunicipalityForecast:
    """One municipality's expected equalising assignments and its fulfilment after them."""

    municipality_code: str
    municipality_name: str
    share_units: int
    assigned_before: int
    expected: int
    assigned_after: int
    total_after: int
    target: float
    target_exact: Decimal
    fulfilment_pct: float | None


def forecast_table(table: pl.DataFrame, m: int, decimals: int = 2) -> pl.DataFrame:
    """The forecast of `m` equalising assignments from a `fulfilment_table`, per municipality:
    assigned_before, expected, assigned_after, total_after and target / target_exact /
    fulfilment_pct on the national total after them (the table's total + m)."""
    check_forecast_size(m)
    codes = table["municipality_code"].to_list()
    expected = forecast(table["assigned"].to_list(), table["share_units"].to_list(), codes, m)
    total_after = int(table["assigned"].sum()) + m
    return (
        table.select("municipality_code", "municipality_name", "county_code", "share_units",
                     "share_promille", pl.col("assigned").alias("assigned_before"))
        .with_columns(expected=pl.Series([expected[c] for c in codes], dtype=pl.Int64),
                      total_after=pl.lit(total_after, pl.Int64))
        .with_columns(assigned_after=pl.col("assigned_before") + pl.col("expected"))
        .with_columns(**_goal_columns("assigned_after", total_after, decimals))
    )


def forecast_municipality(
    table: pl.DataFrame, municipality_code: str, m: int, decimals: int = 2
) -> MunicipalityForecast:
    """One municipality's share of a forecast of `m` equalising assignments and its fulfilment
    at the end of them, from a `fulfilment_table`."""
    rows = forecast_table(table, m, decimals).filter(
        pl.col("municipality_code") == municipality_code)
    if rows.is_empty():
        raise AnvisningError(f"municipality {municipality_code!r} is not in the share table")
    fields = MunicipalityForecast.__dataclass_fields__
    return MunicipalityForecast(**{k: v for k, v in rows.row(0, named=True).items()
                                   if k in fields})
