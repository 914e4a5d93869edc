"""Running the share run's jobs in process on the shared Dagster instance, for the CLI.

The run appears in the UI's run history (same DAGSTER_HOME); progress is printed from the
instance's event log as each event is stored; a failed run becomes one AnvisningError with the
user's message.
"""

from __future__ import annotations

import getpass
import io
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path

from cli.instance_database import (
    describe_database,
    silence_connection_retries,
    unreachable_cause,
    unset_variables,
)
from pipeline.core.errors import AnvisningError, describe_os_error
from pipeline.core.files import write_atomically
from pipeline.core.layout import Layout
from pipeline.core.locks import exclusive_lock
from pipeline.presentation.formats import PRINT

RUN_LOCK_WAIT_SECONDS = int(os.environ.get("ANVISNING_RUN_LOCK_WAIT", "600"))


def materialise(share_year: int, layout: Layout, job_name: str,
                op_config: dict | None = None, tags: dict[str, str] | None = None) -> None:
    """Run the named job for one share-year partition, printing its progress. The run carries
    `tags` (what the command was, and why) and the operating-system user, shown in the UI."""
    instance = prepare_instance()
    from assets.defs.partitions import share_years
    from assets.defs.resources import warehouse_path
    from assets.run_definitions import run_defs

    if str(share_year) not in share_years.get_partition_keys():
        keys = share_years.get_partition_keys()
        raise AnvisningError(f"share year {share_year} is outside {keys[0]}–{keys[-1]}")
    job = run_defs.resolve_job_def(job_name)
    run_id = str(uuid.uuid4())
    run_config = {
        "resources": {"settings": {"config": {"data_dir": str(layout.data_dir),
                                              "out_dir": str(layout.out_dir)}},
                      "warehouse": {"config": {"database": warehouse_path()}}},
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    if op_config:
        run_config["ops"] = op_config
    started = time.monotonic()
    with _share_year_lock(warehouse_path(), share_year):
        print(f"anvisning: share year {share_year}, run {run_id[:8]} "
              f"(Dagster instance {os.environ['DAGSTER_HOME']})")
        with _Progress(instance, run_id), _database_failure(
                "the run stopped with every output whole; run it again when the database is "
                "back"), _stderr_after_the_run():
            result = job.execute_in_process(
                run_config=run_config, instance=instance, partition_key=str(share_year),
                raise_on_error=False, run_id=run_id,
                tags={"anvisning/user": _user(), **(tags or {})},
            )
    if not result.success:
        raise AnvisningError(_failure_message(result))
    print(f"done in {time.monotonic() - started:.1f} s; outputs in {layout.year_out(share_year)}")


@contextmanager
def _share_year_lock(warehouse: str, share_year: int) -> Iterator[None]:
    """One CLI run per share year at a time: a second one says so and waits (flock, released by
    the kernel even if the first run is killed)."""
    def waiting() -> None:
        print(f"anvisning: another run for share year {share_year} is in progress; waiting "
              f"up to {RUN_LOCK_WAIT_SECONDS // 60} minutes for it to finish", flush=True)

    with exclusive_lock(Path(f"{warehouse}.run-{share_year}.lock"),
                        timeout=RUN_LOCK_WAIT_SECONDS, on_wait=waiting,
                        busy=f"held by another run for share year {share_year}"):
        yield


def prepare_instance():
    """The Dagster instance of DAGSTER_HOME (default `.dagster_home/`), set up once.

    Setting up a new home's storage (SQLite files, schema migrations) is serialised by a lock in
    the home, so two CLI runs, or `make setup` and a run, never create it at the same time.
    """
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path.cwd() / ".dagster_home")))
    try:
        home.mkdir(parents=True, exist_ok=True)
        config = home / "dagster.yaml"
        if not config.exists():
            write_atomically(config, b"telemetry:\n  enabled: false\n")
    except OSError as error:
        raise AnvisningError(f"DAGSTER_HOME {describe_os_error(error)}") from None
    if not os.access(home, os.W_OK):
        raise AnvisningError(f"DAGSTER_HOME {home}: not writable (the run history is kept there)")
    # Imported after DAGSTER_HOME is set: Dagster reads the instance settings from it.
    import dagster as dg

    unset = unset_variables(home)
    if unset:
        raise AnvisningError(f"DAGSTER_HOME {home}: its dagster.yaml reads {', '.join(unset)} "
                             "from the environment, which does not set "
                             f"{'it' if len(unset) == 1 else 'them'}")
    silence_connection_retries()
    with exclusive_lock(home / ".instance.lock", timeout=RUN_LOCK_WAIT_SECONDS,
                        busy="setting up the Dagster instance in another process"), \
            _database_failure("nothing was run"):
        try:
            return dg.DagsterInstance.get()
        except Exception as error:  # SQLite or migration errors of a broken home
            if unreachable_cause(error) is not None:
                raise
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise AnvisningError(f"DAGSTER_HOME {home}: the Dagster instance cannot be set up "
                                 f"({type(error).__name__}: {first_line})") from None


@contextmanager
def _database_failure(outcome: str) -> Iterator[None]:
    """A run history database that cannot be reached ends the command with one line naming the
    database, the driver's cause and `outcome`."""
    try:
        yield
    except Exception as error:
        cause = unreachable_cause(error)
        if cause is None:
            raise
        home = Path(os.environ["DAGSTER_HOME"])
        raise AnvisningError(f"the Dagster run history's {describe_database(home)} cannot be "
                             f"reached ({cause}); {outcome}") from None


@contextmanager
def _stderr_after_the_run() -> Iterator[None]:
    """What is written to stderr during a run, shown when it ends, unless the run history's
    database failed: then Dagster writes a line for every event it could not store, and the
    user's one line (`_database_failure`) says it all."""
    held = io.StringIO()
    try:
        with redirect_stderr(held):
            yield
    except Exception as error:
        if unreachable_cause(error) is None:
            sys.stderr.write(held.getvalue())
        raise
    sys.stderr.write(held.getvalue())


def _failure_message(result) -> str:
    """The user's error from a failed run, one line: an expected failure's own sentence, or the
    root cause of an unexpected one (type, message, path); the full trace stays in the run log."""
    ours = _error_class_names(AnvisningError)
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        failure = event.step_failure_data
        if failure.user_failure_data is not None and failure.user_failure_data.description:
            return failure.user_failure_data.description
        error, root = failure.error, failure.error
        while error is not None:
            if error.cls_name in ours:
                return re.sub(rf"^[\w.]*{error.cls_name}: ", "", error.message.strip())
            root, error = error, error.cause or error.context
        cause = root.message.strip().splitlines()[0] if root.message.strip() else root.cls_name
        if not cause.startswith(root.cls_name):
            cause = f"{root.cls_name}: {cause}"
        return f"step {event.step_key} failed: {cause} (the full trace is in the run's log)"
    failed_checks = [e.asset_check_evaluation_data for e in result.all_events
                     if e.event_type_value == "ASSET_CHECK_EVALUATION"
                     and not e.asset_check_evaluation_data.passed]
    if failed_checks:
        names = ", ".join(f"{c.asset_key.to_user_string()}:{c.check_name}" for c in failed_checks)
        return f"blocking asset checks failed: {names}"
    return "the run failed; see the run in the Dagster UI"


def _error_class_names(base: type) -> set[str]:
    names = {base.__name__}
    for sub in base.__subclasses__():
        names |= _error_class_names(sub)
    return names


class _Progress:
    """Prints each step, materialisation and check of a run as it happens: each event as the
    instance stores it in the run's event log (the same events the UI shows), through the
    instance's listener for the run, not by reading the log back ten times a second."""

    def __init__(self, instance, run_id: str) -> None:
        self._instance = instance
        self._run_id = run_id
        self._printing = False

    def __enter__(self) -> _Progress:
        self._printing = True
        self._instance.add_event_listener(self._run_id, self._print)
        return self

    def __exit__(self, *exc) -> None:
        self._printing = False  # the instance keeps its listeners; this one falls silent

    def _print(self, record) -> None:
        if not self._printing:
            return
        line = _describe(record)
        if line:
            try:
                print(line, flush=True)
            except OSError:  # a closed pipe ends the progress, not the run
                self._printing = False


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container): the number
        return str(os.getuid())


def _describe(record) -> str | None:
    event = record.dagster_event
    if event is None:
        # The steps' own warnings (a file in the forms folder that is not a form, a restored
        # publication) belong in the run's output as much as in its log. Dagster's own errors
        # about a step left out after a failure are said in the project's words.
        if record.level == logging.WARNING and record.user_message:
            return f"    ! {record.user_message}"
        if record.level >= logging.ERROR and record.step_key:
            return f"  – {record.step_key} not run: a step it depends on failed"
        return None
    kind = event.event_type_value
    if kind == "STEP_START":
        return f"  ▸ {event.step_key}"
    if kind == "ASSET_MATERIALIZATION":
        materialization = event.event_specific_data.materialization
        meta = materialization.metadata
        if "summary" in meta:
            return f"    ✓ {materialization.asset_key.to_user_string()}  {meta['summary'].value}"
        detail = []
        if "dagster/row_count" in meta:
            detail.append(f"{meta['dagster/row_count'].value} rows")
        if "national_total" in meta:
            detail.append(f"total {PRINT.integer(meta['national_total'].value)}")
        if meta.get("illustrative") and meta["illustrative"].value:
            detail.append("ILLUSTRATIVE")
        for key in ("message", "workbooks", "as_of"):
            if key in meta:
                detail.append(f"{key.replace('_', ' ')} {meta[key].value}")
        return f"    ✓ {materialization.asset_key.to_user_string()}  {', '.join(detail)}"
    if kind == "ASSET_CHECK_EVALUATION":
        check = event.event_specific_data
        if not check.passed:
            return f"    ✗ check {check.asset_key.to_user_string()}:{check.check_name} failed"
        return None
    if kind == "STEP_FAILURE":
        return f"  ✗ {event.step_key} failed"
    return None

