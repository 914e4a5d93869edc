"""The queue for the next equalising assignment (utjämnande anvisning), as places 1, 2, 3, …

The rule (MODEL.md, "Goal fulfilment"): the next equalising assignment goes to the lowest
`assigned / share`; ties go to the larger share, then the lower municipality code. A municipality
with share 0 is not in the queue. Ratios are compared exactly (fractions), never as floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction


def queue_places(assigned: Mapping[str, int], share_units: Mapping[str, int]) -> dict[str, int]:
    """Place in the queue by code, 1 = next; codes with share 0 are absent. A code missing
    from `assigned` has 0 assignments."""
    queued = [code for code, share in share_units.items() if share > 0]
    order = sorted(queued, key=lambda code: (Fraction(assigned.get(code, 0), share_units[code]),
                                             -share_units[code], code))
    return {code: place for place, code in enumerate(order, start=1)}
