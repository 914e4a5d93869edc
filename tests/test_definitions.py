"""The Definitions load, and every asset carries what the UI needs."""

from __future__ import annotations

import dagster as dg
import pytest

from assets.definitions import defs
from assets.defs.automation.job_names import DRAFT_JOB, PUBLISH_JOB, SHARE_RUN_JOB, VARIANTS_JOB


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


def test_draft_and_publish_are_named_jobs_with_their_own_selections():
    def keys(job_name: str) -> set[str]:
        job = defs.resolve_job_def(job_name)
        return {key.to_user_string() for key in job.asset_layer.executable_asset_keys}

    draft, publish, everything = keys(DRAFT_JOB), keys(PUBLISH_JOB), keys(SHARE_RUN_JOB)
    assert {"population", "draft_shares", "review_workbooks"} <= draft
    assert not {"final_shares", "share_table_publication", "goal_fulfilment"} & draft
    # A publication brings what depends on it up to date in the same run.
    assert draft < publish == everything
    assert {"share_table_publication", "goal_fulfilment"} <= publish
    # The August comparison ingests and compares, and drafts, reviews and publishes nothing; the
    # share run never computes the variants.
    variants = keys(VARIANTS_JOB)
    assert {"population", "share_basis", "model_variants"} <= variants
    assert not {"draft_shares", "review_workbooks", "final_shares"} & variants
    assert "model_variants" not in everything | draft


def test_the_ledger_and_the_agreements_are_sources_upstream_of_what_uses_them():
    graph = {spec.key.to_user_string(): {d.asset_key.to_user_string() for d in spec.deps}
             for spec in defs.resolve_all_asset_specs()}
    assert "ledger" in graph["goal_fulfilment"]
    assert {"agreement_files", "returned_forms"} <= graph["final_shares"]


@pytest.mark.slow
def test_dg_check_defs_passes():
    import subprocess
    import sys
    from pathlib import Path

    dg_cli = Path(sys.executable).parent / "dg"
    if not dg_cli.exists():
        pytest.skip("the dg command line is not installed")
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run([str(dg_cli), "check", "defs"], cwd=repo, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully" in done.stdout + done.stderr


def test_the_cli_runs_the_same_jobs_without_loading_the_site():
    # assets/run_definitions.py stands the site in by its spec: the same asset spec, and the same
    # job and execution-plan snapshots, as the Definitions the UI loads.
    from dagster._core.execution.api import create_execution_plan
    from dagster._core.snap import snapshot_from_execution_plan
    from dagster._serdes import serialize_value

    from assets.defs.site.assets import statistics_site
    from assets.run_definitions import STATISTICS_SITE_SPEC, run_defs

    assert list(statistics_site.specs) == [STATISTICS_SITE_SPEC]
    for name in (SHARE_RUN_JOB, DRAFT_JOB, PUBLISH_JOB, VARIANTS_JOB):
        full, run = defs.resolve_job_def(name), run_defs.resolve_job_def(name)
        snapshots = [job.get_job_snapshot().snapshot_id for job in (full, run)]
        assert snapshots[0] == snapshots[1], name
        plans = [serialize_value(snapshot_from_execution_plan(create_execution_plan(job),
                                                              snapshots[0]))
                 for job in (full, run)]
        assert plans[0] == plans[1], name


@pytest.mark.slow
def test_a_cli_run_does_not_import_the_site_or_matplotlib():
    import subprocess
    import sys

    code = ("import sys, assets.run_definitions; print(sorted(m for m in sys.modules "
            "if m.startswith(('matplotlib', 'pipeline.site'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
