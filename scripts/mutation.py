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
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

# module -> the fast tests that guard it
MODULES: dict[str, list[str]] = {
    "pipeline/model/shares.py": ["tests/pipeline/test_shares.py"],
    "pipeline/redistribution/rules.py": ["tests/redistribution_forms/test_one_set_of_rules.py",
                                         "tests/pipeline/test_redistribution.py"],
    "pipeline/redistribution/agreements.py": ["tests/pipeline/test_redistribution.py",
                                              "tests/redistribution_forms/test_one_set_of_rules.py"],
    "pipeline/redistribution/forms/validation.py": [
        "tests/redistribution_forms/test_validation.py",
        "tests/redistribution_forms/test_one_set_of_rules.py"],
    "pipeline/goals/fulfilment.py": ["tests/pipeline/test_fulfilment.py"],
    "pipeline/core/files.py": ["tests/pipeline/test_core_files.py"],
    "pipeline/core/text.py": ["tests/pipeline/test_inert_text.py"],
}
_IGNORED = shutil.ignore_patterns(".git", ".venv", "out", ".warehouse", ".dagster_home",
                                  "mutants", "__pycache__", ".pytest_cache", ".ruff_cache",
                                  ".hypothesis", "node_modules")


def mutate(root: Path, module: str, tests: list[str], keep: bool) -> dict:
    """mutmut's counts for one module, run in a copy of `root`."""
    folder = Path(tempfile.mkdtemp(prefix="anvisning-mutation-"))
    copy = folder / "repository"
    shutil.copytree(root, copy, ignore=_IGNORED)
    settings = {
        "source_paths": ["pipeline"],
        "only_mutate": [module],
        "also_copy": ["sql", "data", "cli", "assets", "conftest.py"],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-m", "not slow", "-x", "-q"],
        "pytest_add_cli_args_test_selection": tests,
    }
    with (copy / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[tool.mutmut]\n")
        for key, value in settings.items():
            handle.write(f"{key} = {json.dumps(value)}\n")
    mutmut = [sys.executable, "-m", "mutmut"]
    environment = {**os.environ, "HYPOTHESIS_PROFILE": "dev"}
    try:
        subprocess.run([*mutmut, "run", "--max-children", "1"], cwd=copy, check=False,
                       env=environment, stdout=subprocess.DEVNULL)
        subprocess.run([*mutmut, "export-cicd-stats"], cwd=copy, check=True, env=environment,
                       stdout=subprocess.DEVNULL)
        stats = json.loads((copy / "mutants" / "mutmut-cicd-stats.json").read_text())
        listing = subprocess.run([*mutmut, "results"], cwd=copy, check=True, env=environment,
                                 capture_output=True, text=True).stdout
        stats["survivors"] = [line.split(":")[0].strip() for line in listing.splitlines()
                              if line.strip().endswith("survived")]
    finally:
        if keep:
            print(f"  kept {copy}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules of the list (default: all)")
    parser.add_argument("--root", type=Path, default=REPOSITORY, help="the checkout to test")
    parser.add_argument("--keep", action="store_true", help="keep the copy, for `mutmut show`")
    arguments = parser.parse_args()
    unknown = [m for m in arguments.modules if m not in MODULES]
    if unknown:
        parser.error(f"not in the list: {', '.join(unknown)}; the list: {', '.join(MODULES)}")
    survived = 0
    for module in arguments.modules or MODULES:
        stats = mutate(arguments.root.resolve(), module, MODULES[module], arguments.keep)
        tested = stats["total"] - stats.get("skipped", 0)
        killed = stats["killed"] + stats.get("timeout", 0)
        print(f"{module}: {killed}/{tested} killed ({100 * killed / max(tested, 1):.1f} %), "
              f"{stats['survived']} survived, {stats.get('no_tests', 0)} without tests")
        for name in stats["survivors"]:
            print(f"  survived: {name}")
        survived += stats["survived"]
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main())
