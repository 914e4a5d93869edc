"""The Definitions load, and every asset carries what the UI needs."""

from __future__ import annotations

import dagster as dg

from assets.definitions import SHARE_RUN_JOB, defs


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def(SHARE_RUN_JOB) is not None


def test_every_asset_has_description_group_kinds_and_owners():
    specs = list(defs.resolve_all_asset_specs())
    assert specs
    for spec in specs:
        assert spec.description, spec.key
        assert spec.group_name and spec.group_name != "default", spec.key
        assert spec.kinds, spec.key
        assert spec.owners, spec.key


def test_every_yearly_asset_is_partitioned_by_share_year():
    for spec in defs.resolve_all_asset_specs():
        if spec.partitions_def is not None:
            assert "2026" in spec.partitions_def.get_partition_keys()
