"""Mutation testing of the rule modules: does a fast test notice when a rule is changed?

For each module below, mutmut mutates that module alone and runs only its own fast unit tests
(the machine is shared, so the whole `make test-fast` per mutant is out of reach). Each module is
tested in a fresh copy of the repository under a temporary folder, so the working tree gets no
`mutants/` folder. Prints, per module, killed / total and every surviving mutant's name.

    .venv/bin/python scripts/mutation.py                     # every module below
    .venv/bin/python scripts/mutation.py pipeline/core/files.py
    .venv/bin/python scripts/mutation.py --root DIR MODULE   # another checkout (a score before)

`mutmut show NAME`, run inside the copy kept with --keep, shows a survivor's diff.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

# module -> (the functions holding its rules, the fast tests that guard them). Only those
# functions are mutated: the machine is shared and each mutant runs its tests again.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "pipeline/model/shares.py": (
        ["water_fill", "largest_remainder"],
        ["tests/pipeline/test_shares.py", "tests/pipeline/test_largest_remainder_contract.py"]),
    "pipeline/redistribution/rules.py": (
        ["breaches", "_alone", "_given_too_much", "_amount"],
        ["tests/redistribution_forms/test_one_set_of_rules.py",
         "tests/redistribution_forms/test_rules_between_agreements.py",
         "tests/pipeline/test_redistribution.py"]),
    "pipeline/redistribution/agreements.py": (
        ["resolved_units", "_utf8_text", "_agreements_from_text", "_parsers", "_parse_year",
         "_parse_code", "_parse_amount", "_parse_date", "_parse_reference"],
        ["tests/pipeline/test_redistribution.py", "tests/pipeline/test_agreement_csv.py",
         "tests/redistribution_forms/test_one_set_of_rules.py",
         "tests/pipeline/test_failure_paths.py"]),
    "pipeline/redistribution/forms/validation.py": (
        ["validate_county_forms", "_read", "_outside_own_county", "_given_too_much"],
        ["tests/redistribution_forms/test_validation.py",
         "tests/redistribution_forms/test_one_set_of_rules.py",
         "tests/redistribution_forms/test_rules_between_agreements.py"]),
    "pipeline/goals/fulfilment.py": (
        ["*", "QueueKey.__lt__"],
        ["tests/pipeline/test_fulfilment.py", "tests/pipeline/test_failure_paths.py"]),
    "pipeline/ingestion/register.py": (
        ["load_register", "_check_row"],
        ["tests/pipeline/test_municipality_register.py", "tests/pipeline/test_failure_paths.py"]),
    "pipeline/ingestion/readers.py": (
        ["read_region_table", "decode_text", "_decode", "csv_rows", "_sniff_delimiter",
         "check_xlsx_container", "sheet_values", "_cell_text", "_region_rows", "_check_header",
         "_region_row", "parse_figure"],
        ["tests/pipeline/test_region_files.py", "tests/pipeline/test_readers.py",
         "tests/pipeline/test_failure_paths.py",
         # the hostile-input tests aimed at a rule, not the randomised "reads or fails" ones
         *(f"tests/pipeline/test_hostile_inputs.py::{test}" for test in (
             "test_an_absurd_figure_is_an_input_error",
             "test_an_xlsx_that_is_not_a_workbook_is_an_input_error",
             "test_an_xlsx_with_macros_is_an_input_error",
             "test_a_zip_bomb_is_refused_before_it_is_unpacked",
             "test_a_workbook_with_more_than_max_rows_is_refused_after_max_rows",
             "test_a_csv_with_more_than_max_rows_is_refused_after_max_rows",
             "test_a_workbook_claiming_the_whole_sheet_is_not_padded_to_it",
             "test_a_workbook_with_a_far_right_cell_on_every_row_is_read_to_max_columns",
             "test_an_oversize_file_is_refused_without_reading_it",
             "test_a_workbook_declaring_too_small_a_range_is_read_whole",
             "test_a_workbook_broken_below_the_cells_is_an_input_error",
             "test_a_trailing_empty_column_reads_like_the_original",
             "test_a_formatted_but_empty_column_in_a_workbook_reads_like_the_original",
             "test_every_shipped_statistic_reads_untouched",
         ))]),
    "pipeline/ingestion/schemas.py": (
        ["statistic_schema", "validate_statistic", "_first_failure", "_rank"],
        ["tests/pipeline/test_statistic_schema.py", "tests/pipeline/test_readers.py",
         "tests/pipeline/test_failure_paths.py"]),
    "pipeline/ingestion/migrationsverket.py": (
        ["matching_key", "settlement_statistic", "read_settlement_table", "_header_index",
         "_columns", "_Reading.row", "_Reading._county", "_Reading._figures",
         "_Reading._check_row", "_Reading._municipality", "_Reading._subtotal",
         "_Reading._total", "_Reading._compare", "_Reading._close_check", "_Reading.finish"],
        ["tests/pipeline/test_settlement_rules.py", "tests/pipeline/test_migrationsverket.py"]),
    "pipeline/ingestion/statistics.py": (
        ["statistic_file", "candidate_files"],
        ["tests/pipeline/test_statistic_files.py", "tests/pipeline/test_migrationsverket.py",
         "tests/pipeline/test_history_data.py"]),
    # the returned forms' cell values (what a county board types: codes, amounts, dates)
    "pipeline/redistribution/forms/values.py": (
        ["normalised", "MunicipalityIndex.__init__", "MunicipalityIndex.county_name",
         "parse_municipality", "_by_code", "parse_amount", "parse_date", "_date", "refuse_unsafe",
         "parse_reference", "shown", "_blank"],
        ["tests/redistribution_forms/test_values.py",
         "tests/redistribution_forms/test_spreadsheets.py"]),
    # the municipality boundaries and the map drawn from them
    "pipeline/core/geography.py": (
        ["load_features", "project", "_path_data", "_tenths"],
        ["tests/pipeline/test_boundaries.py"]),
    "pipeline/ingestion/available.py": (
        ["share_years_with_data", "latest_share_year", "check_share_year"],
        ["tests/pipeline/test_available_years.py"]),
    "pipeline/core/files.py": (
        ["write_atomically_with", "staging_folder", "neutralise_formula"],
        ["tests/pipeline/test_inert_text.py", "tests/pipeline/test_durable_files.py"]),
    "pipeline/core/inert.py": (["first_unsafe", "shown"], ["tests/pipeline/test_inert_text.py"]),
    "pipeline/core/units.py": (
        ["total_units", "units_to_text", "parse_promille"],
        ["tests/pipeline/test_units.py", "tests/pipeline/test_presentation.py",
         "tests/pipeline/test_redistribution.py"]),
    "pipeline/core/folders.py": (
        ["check_folder"], ["tests/pipeline/test_folders.py", "tests/pipeline/test_inert_text.py"]),
    "pipeline/core/config.py": (
        ["read_toml", "check_table", "_is", "_where", "line_of", "_bare", "read_sources",
         "described_file"],
        ["tests/pipeline/test_config_files.py", "tests/pipeline/test_failure_paths.py",
         "tests/pipeline/test_migrationsverket.py"]),
    "pipeline/core/text.py": (
        ["checked_text", "checked_option"],
        ["tests/pipeline/test_inert_text.py", "tests/pipeline/test_readers.py"]),
    # goals: the national prognosis, the assignments register, transfers, plausibility
    "pipeline/goals/prognosis.py": (
        ["load_national_prognosis", "_year", "_Lines.of", "_Lines.table",
         "NationalPrognosis.planning_figure"],
        ["tests/pipeline/test_prognosis.py"]),
    "pipeline/goals/ledger.py": (
        ["read_ledger", "validated_rows", "_check_header", "_rules", "LedgerSession.__init__",
         "LedgerSession.ledger", "LedgerSession.tally_if_latest", "LedgerSession.append",
         "LedgerSession.flush", "LedgerSession._check", "locked_ledger", "append_assignment"],
        ["tests/pipeline/test_ledger.py",
         *(f"tests/pipeline/test_failure_paths.py::{test}" for test in (
             "test_an_assignment_through_a_symlinked_ledger_reaches_the_real_file",
             "test_two_links_to_one_ledger_take_one_lock",
             "test_a_ledger_above_the_size_limit_is_refused_before_it_is_read"))]),
    "pipeline/goals/register.py": (
        ["register_sha256", "read_register", "read_transfers", "record_transfer",
         "migrate_register", "_late", "_arrivals"],
        ["tests/pipeline/test_register.py"]),
    "pipeline/goals/plausible.py": (["far_above_prognosis"], ["tests/pipeline/test_plausible.py"]),
    # the model's rule modules (parameters.py, validation.py, change.py)
    "pipeline/model/parameters.py": (
        ["ModelParameters.from_values", "ModelParameters.__post_init__",
         "ModelParameters.reference_year", "ModelParameters.as_dict", "parameter_problem",
         "_field_rule", "_text_rule", "load_parameters", "_read_text", "_check_fields",
         "_checked"],
        ["tests/pipeline/test_parameters.py"]),
    "pipeline/model/validation.py": (
        ["draft_schema", "validate_draft", "_describe"],
        [*(f"tests/pipeline/test_shares.py::{test}" for test in (
            "test_validate_draft_accepts_a_computed_table",
            "test_validate_draft_names_the_municipality_below_the_floor",
            "test_validate_draft_names_missing_and_unexpected_municipalities_and_the_total",
            "test_validate_draft_names_a_duplicate_municipality")),
         "tests/pipeline/test_draft_validation.py"]),
    "pipeline/model/change.py": (
        ["ShareYear.drafted", "ShareYear.decided", "share_change", "_inputs", "_rescaled"],
        ["tests/pipeline/test_change.py"]),
}
# Survivors judged equivalent (the program behaves the same), each with its reason in
# docs/MUTATION.md; they are listed, not failed.
EQUIVALENT = {
    "pipeline.core.files.x_staging_folder__mutmut_12",
    "pipeline.core.files.x_staging_folder__mutmut_15",
    "pipeline.core.files.x_write_atomically_with__mutmut_3",
    "pipeline.redistribution.rules.x_breaches__mutmut_63",
    "pipeline.model.shares.x_water_fill__mutmut_3",
    "pipeline.model.shares.x_water_fill__mutmut_36",
    "pipeline.model.shares.x_water_fill__mutmut_42",
    "pipeline.model.shares.x_water_fill__mutmut_44",
    "pipeline.redistribution.agreements.x__agreements_from_text__mutmut_62",
    "pipeline.redistribution.agreements.x__agreements_from_text__mutmut_65",
    "pipeline.redistribution.agreements.x__agreements_from_text__mutmut_66",
    "pipeline.redistribution.agreements.x__utf8_text__mutmut_9",
    "pipeline.redistribution.agreements.x__utf8_text__mutmut_23",
    "pipeline.ingestion.readers.x__check_header__mutmut_3",
    "pipeline.ingestion.readers.x__check_header__mutmut_5",
    "pipeline.ingestion.readers.x__check_header__mutmut_22",
    "pipeline.ingestion.readers.x__sniff_delimiter__mutmut_9",
    "pipeline.ingestion.readers.x_csv_rows__mutmut_15",
    "pipeline.ingestion.readers.x_decode_text__mutmut_31",
    "pipeline.ingestion.readers.x_decode_text__mutmut_35",
    "pipeline.ingestion.readers.x_decode_text__mutmut_45",
    "pipeline.ingestion.readers.x_parse_figure__mutmut_11",
    "pipeline.core.folders.x_check_folder__mutmut_14",
    "pipeline.core.folders.x_check_folder__mutmut_21",
    "pipeline.core.config.x_check_table__mutmut_4",
    "pipeline.core.config.x_check_table__mutmut_7",
    "pipeline.core.config.x_check_table__mutmut_9",
    "pipeline.core.config.x_check_table__mutmut_65",
    "pipeline.core.config.x_check_table__mutmut_66",
    "pipeline.core.config.x_check_table__mutmut_67",
    "pipeline.core.config.x_check_table__mutmut_98",
    "pipeline.core.config.x_read_toml__mutmut_4",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_6",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_7",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_8",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_9",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_10",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_11",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_12",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_13",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_14",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_15",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_16",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_17",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_18",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_19",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_20",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_21",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_22",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_39",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_56",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_58",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_80",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_96",
    "pipeline.ingestion.schemas.x__first_failure__mutmut_98",
    "pipeline.ingestion.schemas.x__rank__mutmut_2",
    "pipeline.ingestion.schemas.x__rank__mutmut_4",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_9",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_12",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_15",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_27",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_30",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_31",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_32",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_33",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_34",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_37",
    "pipeline.ingestion.schemas.x_statistic_schema__mutmut_60",
    "pipeline.ingestion.schemas.x_validate_statistic__mutmut_32",
    "pipeline.ingestion.schemas.x_validate_statistic__mutmut_34",
    # the returned forms' cell values
    "pipeline.redistribution.forms.values.x_parse_amount__mutmut_7",
    "pipeline.redistribution.forms.values.x_parse_amount__mutmut_12",
    "pipeline.redistribution.forms.values.x_parse_amount__mutmut_15",
    "pipeline.redistribution.forms.values.x_parse_municipality__mutmut_66",
    "pipeline.redistribution.forms.values.x_parse_municipality__mutmut_68",
    "pipeline.ingestion.schemas.x_validate_statistic__mutmut_42",
    "pipeline.ingestion.schemas.x_validate_statistic__mutmut_46",
    "pipeline.goals.fulfilment.x__aligned__mutmut_38",
    "pipeline.goals.fulfilment.x__as_float__mutmut_4",
    "pipeline.goals.fulfilment.x__goal_columns__mutmut_36",
    "pipeline.goals.fulfilment.x__goal_columns__mutmut_42",
    "pipeline.goals.fulfilment.x__goal_columns__mutmut_47",
    "pipeline.goals.fulfilment.x__promille__mutmut_6",
    "pipeline.goals.fulfilment.x_assigned_counts__mutmut_12",
    "pipeline.goals.fulfilment.x_assigned_counts__mutmut_17",
    "pipeline.goals.fulfilment.x_assigned_counts__mutmut_9",
    "pipeline.goals.fulfilment.x_forecast__mutmut_23",
    "pipeline.goals.fulfilment.x_forecast__mutmut_27",
    "pipeline.goals.fulfilment.x_forecast__mutmut_28",
    "pipeline.goals.fulfilment.x_forecast__mutmut_40",
    "pipeline.goals.fulfilment.x_forecast__mutmut_54",
    "pipeline.goals.fulfilment.x_forecast__mutmut_71",
    "pipeline.goals.fulfilment.x_forecast_municipality__mutmut_16",
    "pipeline.goals.fulfilment.x_forecast_municipality__mutmut_18",
    "pipeline.goals.fulfilment.x_next_equalising__mutmut_18",
    "pipeline.goals.fulfilment.x_next_equalising__mutmut_22",
    "pipeline.goals.fulfilment.x_next_equalising__mutmut_23",
    "pipeline.goals.fulfilment.x_queue_places__mutmut_19",
    "pipeline.goals.fulfilment.x_queue_places__mutmut_23",
    "pipeline.goals.fulfilment.x_queue_places__mutmut_24",
    "pipeline.goals.fulfilment.x_step_by_step__mutmut_26",
    "pipeline.goals.fulfilment.x_step_by_step__mutmut_30",
    "pipeline.goals.fulfilment.x_step_by_step__mutmut_31",
    "pipeline.goals.fulfilment.xǁQueueKeyǁ__lt____mutmut_5",
    "pipeline.goals.fulfilment.xǁQueueKeyǁ__lt____mutmut_7",
    "pipeline.goals.fulfilment.xǁQueueKeyǁ__lt____mutmut_8",
    # settlement table (migrationsverket.py)
    "pipeline.ingestion.migrationsverket.x__columns__mutmut_15",
    "pipeline.ingestion.migrationsverket.x__header_index__mutmut_10",
    "pipeline.ingestion.migrationsverket.x__header_index__mutmut_13",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_compare__mutmut_4",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_compare__mutmut_8",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_compare__mutmut_9",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_municipality__mutmut_42",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_municipality__mutmut_44",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_municipality__mutmut_102",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_municipality__mutmut_105",
    "pipeline.ingestion.migrationsverket.xǁ_Readingǁ_municipality__mutmut_106",
    # goals: the assignments register (ledger.py)
    "pipeline.goals.ledger.xǁLedgerSessionǁ__init____mutmut_36",
    "pipeline.goals.ledger.xǁLedgerSessionǁ__init____mutmut_39",
    "pipeline.goals.ledger.xǁLedgerSessionǁ__init____mutmut_44",
    "pipeline.goals.ledger.x_validated_rows__mutmut_15",
    "pipeline.goals.ledger.x_validated_rows__mutmut_18",
    "pipeline.goals.ledger.x__rules__mutmut_3",
    "pipeline.goals.ledger.x__rules__mutmut_5",
    "pipeline.goals.ledger.x__check_header__mutmut_29",
    "pipeline.goals.ledger.x__check_header__mutmut_32",
    # goals: plausibility (plausible.py)
    "pipeline.goals.plausible.x_far_above_prognosis__mutmut_13",
    # goals: transfers and migration (register.py)
    "pipeline.goals.register.x__late__mutmut_3",
    "pipeline.goals.register.x__late__mutmut_6",
    "pipeline.goals.register.x__arrivals__mutmut_25",
    "pipeline.goals.register.x__arrivals__mutmut_29",
    "pipeline.goals.register.x__arrivals__mutmut_41",
    "pipeline.goals.register.x__arrivals__mutmut_43",
    "pipeline.goals.register.x_record_transfer__mutmut_36",
    "pipeline.goals.register.x_record_transfer__mutmut_38",
    "pipeline.goals.register.x_read_transfers__mutmut_29",
    "pipeline.goals.register.x_read_transfers__mutmut_33",
    # the model's rule modules (parameters.py, validation.py, change.py)
    "pipeline.model.parameters.x__read_text__mutmut_3",
    "pipeline.model.parameters.x_load_parameters__mutmut_30",
    "pipeline.model.parameters.x_load_parameters__mutmut_115",
    "pipeline.model.parameters.x_load_parameters__mutmut_120",
    "pipeline.model.validation.x_draft_schema__mutmut_7",
    "pipeline.model.validation.x_draft_schema__mutmut_10",
    "pipeline.model.validation.x_draft_schema__mutmut_15",
    "pipeline.model.validation.x_draft_schema__mutmut_19",
    "pipeline.model.validation.x_draft_schema__mutmut_31",
    "pipeline.model.validation.x_draft_schema__mutmut_34",
    "pipeline.model.validation.x_draft_schema__mutmut_57",
    "pipeline.model.validation.x_draft_schema__mutmut_58",
    "pipeline.model.change.x__rescaled__mutmut_1",
    "pipeline.model.parameters.x_load_parameters__mutmut_66",
    # a left join's order, kept by the pinned polars though not promised (docs/MUTATION.md)
    "pipeline.model.change.x_share_change__mutmut_75",
    "pipeline.model.change.x_share_change__mutmut_79",
    "pipeline.goals.register.x__arrivals__mutmut_59",
    "pipeline.goals.register.x__arrivals__mutmut_63",
    "pipeline.goals.register.x_migrate_register__mutmut_62",
    "pipeline.goals.register.x_migrate_register__mutmut_66",
    "pipeline.goals.register.x_migrate_register__mutmut_34",
    "pipeline.goals.register.x_migrate_register__mutmut_37",
    "pipeline.goals.register.x_migrate_register__mutmut_65",
    "pipeline.goals.register.x_read_transfers__mutmut_71",
    "pipeline.goals.register.x_read_transfers__mutmut_75",
}
_IGNORED = shutil.ignore_patterns(".git", ".venv", "out", ".warehouse", ".dagster_home",
                                  "mutants", "__pycache__", ".pytest_cache", ".ruff_cache",
                                  ".hypothesis", "node_modules")


def mutate(root: Path, module: str, functions: list[str], tests: list[str], keep: bool
           ) -> tuple[Counter, dict[str, str]]:
    """mutmut's verdicts on one module's rule functions (how many of each), and each surviving
    mutant's diff, run in a copy of `root`."""
    folder = Path(tempfile.mkdtemp(prefix="anvisning-mutation-"))
    copy = folder / "repository"
    shutil.copytree(root, copy, ignore=_IGNORED)
    settings = {
        "source_paths": ["pipeline"],
        "only_mutate": [module],
        "also_copy": ["sql", "data", "cli", "assets", "conftest.py"],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-m", "not slow", "-x", "-q"],
        "pytest_add_cli_args_test_selection": [t for t in tests
                                               if (root / t.split("::")[0]).exists()],
        # polars' thread pool does not survive a fork of a process that has started it: a mutant
        # forked from such a process spins until the CPU ceiling stops it, a false kill. So each
        # mutant is forked from a server that has imported nothing of the tests.
        "process_isolation": "forkserver",
        "forkserver_warmup": "none",
    }
    with (copy / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[tool.mutmut]\n")
        for key, value in settings.items():
            handle.write(f"{key} = {json.dumps(value)}\n")
    mutmut = [sys.executable, "-m", "mutmut"]
    environment = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}
    try:
        dotted = module.removesuffix(".py").replace("/", ".")
        names = [f"{dotted}.{_mangled(function)}__mutmut_*" for function in functions]
        subprocess.run([*mutmut, "run", "--max-children", "1", *names], cwd=copy, check=False,
                       env=environment, stdout=subprocess.DEVNULL)
        listing = subprocess.run([*mutmut, "results", "--all", "true"], cwd=copy, check=True,
                                 env=environment, capture_output=True, text=True).stdout
        status = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines()
                      if ": " in line)
        chosen = {name: verdict for name, verdict in status.items()
                  if any(fnmatch.fnmatch(name, pattern) for pattern in names)}
        survivors = {name: subprocess.run([*mutmut, "show", name], cwd=copy, check=True,
                                          env=environment, capture_output=True,
                                          text=True).stdout
                     for name in sorted(n for n, verdict in chosen.items()
                                        if verdict in ("survived", "no tests"))}
        counts = Counter(chosen.values())
    finally:
        if keep:
            print(f"  kept {copy}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return counts, survivors


def _mangled(function: str) -> str:
    """mutmut's name for a function (`x_name`) or a method, written `Class.method`
    (`xǁClassǁmethod`)."""
    if "." in function:
        owner, method = function.split(".")
        return f"x\u01c1{owner}\u01c1{method}"
    return f"x_{function}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules of the list (default: all)")
    parser.add_argument("--root", type=Path, default=REPOSITORY, help="the checkout to test")
    parser.add_argument("--keep", action="store_true", help="keep the copy, for `mutmut show`")
    arguments = parser.parse_args()
    unknown = [m for m in arguments.modules if m not in MODULES]
    if unknown:
        parser.error(f"not in the list: {', '.join(unknown)}; the list: {', '.join(MODULES)}")
    failed = 0
    for module in arguments.modules or MODULES:
        functions, tests = MODULES[module]
        if not any((arguments.root / test.split("::")[0]).exists() for test in tests):
            print(f"{module}: no fast test guards it; every mutant survives", flush=True)
            continue
        counts, survivors = mutate(arguments.root.resolve(), module, functions, tests,
                                   arguments.keep)
        # a mutant stopped by the CPU ceiling (an endless loop) is caught, as mutmut counts it;
        # one that no listed test reaches is a rule no test guards: it survives
        killed = counts["killed"] + counts["timeout"]
        survived = counts["survived"] + counts["no tests"]
        tested = killed + survived
        print(f"{module}: {killed}/{tested} killed ({100 * killed / max(tested, 1):.1f} %; "
              f"{counts['timeout']} of them stopped by the CPU ceiling), "
              f"{survived} survived ({counts['no tests']} of them reached by no listed test); "
              f"not checked: {counts['not checked']}, suspicious: {counts['suspicious']}",
              flush=True)
        for name, diff in survivors.items():
            kind = "equivalent" if name in EQUIVALENT else "survived"
            print(f"  {kind}: {name}\n" + "\n".join(f"    {line}" for line in
                                                     diff.splitlines()[1:]), flush=True)
        failed += len(survivors.keys() - EQUIVALENT)
    return 1 if failed else 0

if __name__ == "__main__":
    raise SystemExit(main())
