"""Configuration files (TOML) checked against their keys (pipeline/core/config.py): every rule's
refusal names the file, the line of the key, the key, the value and the rule."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline.core.config import Key, check_table, described_file, line_of, read_sources, read_toml
from pipeline.core.errors import InputError

KEYS = (Key("name", str), Key("count", int), Key("weight", float), Key("on", bool),
        Key("note", str, required=False))
GOOD = {"name": "x", "count": 2, "weight": 0.5, "on": True}
TEXT = '# a comment\n[round]\nname = "x"\ncount = 2\nweight = 0.5\non = true\n'


def checked(values: object, text: str = TEXT, table: str | None = "round") -> dict:
    return check_table(Path("round.toml"), text, table, values, KEYS)


def refusal(values: object, text: str = TEXT, table: str | None = "round") -> InputError:
    with pytest.raises(InputError) as raised:
        checked(values, text, table)
    assert raised.value.file == "round.toml"
    return raised.value


def test_a_complete_table_is_returned_as_is_with_or_without_its_optional_key():
    assert checked(GOOD) == GOOD
    assert checked({**GOOD, "note": "y"}) == {**GOOD, "note": "y"}


def test_a_whole_number_is_a_number_too():
    assert checked({**GOOD, "weight": 1}) == {**GOOD, "weight": 1}


def test_an_unknown_key_is_refused_listing_the_keys():
    error = refusal({**GOOD, "weigth": 0.5}, TEXT + "weigth = 0.5\n")
    assert (error.line, error.column, error.value) == (7, "weigth", 0.5)
    assert error.rule == ("unknown key 'weigth'; the keys of [round] are: name, count, weight, "
                          "on, note")


def test_a_missing_key_is_refused_on_its_table_header():
    error = refusal({k: v for k, v in GOOD.items() if k != "count"})
    assert (error.line, error.column) == (2, "count")
    assert error.rule == "the key 'count' is missing from [round]"


def test_a_missing_key_of_a_file_without_tables_is_missing_from_the_file():
    error = refusal({k: v for k, v in GOOD.items() if k != "count"}, 'name = "x"\n', None)
    assert (error.line, error.rule) == (None, "the key 'count' is missing from the file")


@pytest.mark.parametrize(("key", "value", "rule"), [
    ("name", 3, "name must be a text"), ("count", 2.0, "count must be a whole number"),
    ("count", True, "count must be a whole number"), ("weight", "0.5", "weight must be a number"),
    ("weight", False, "weight must be a number"), ("on", 1, "on must be true or false"),
    ("on", "true", "on must be true or false")])
def test_a_value_of_the_wrong_type_is_refused_on_its_line(key, value, rule):
    error = refusal({**GOOD, key: value})
    line = {"name": 3, "count": 4, "weight": 5, "on": 6}[key]
    assert (error.line, error.column, error.value, error.rule) == (line, key, value, rule)


def test_a_table_and_a_list_are_named_as_such():
    keys = (Key("t", dict), Key("l", list))
    with pytest.raises(InputError) as raised:
        check_table(Path("f.toml"), "t = 1\nl = 2\n", None, {"t": 1, "l": []}, keys)
    assert raised.value.rule == "t must be a table"
    with pytest.raises(InputError) as raised:
        check_table(Path("f.toml"), "t = 1\nl = 2\n", None, {"t": {}, "l": 2}, keys)
    assert (raised.value.line, raised.value.rule) == (2, "l must be a list")


def test_a_text_with_a_control_character_is_refused_escaped():
    error = refusal({**GOOD, "note": "a\u202eb"}, TEXT + 'note = "a\\u202eb"\n')
    assert (error.line, error.column, error.value) == (7, "note", "a\\u202eb")
    assert error.rule.startswith("note holds ") and "U+202E" in error.rule
    assert error.rule.endswith(", which is not allowed")


def test_a_table_that_is_not_a_table_is_refused_on_its_line():
    error = refusal("x", 'a = 1\nround = "x"\n[other]\n')
    assert error.rule == "[round] must be a table of keys"


@pytest.mark.parametrize(("text", "table", "key", "line"), [
    ('[a]\nx = 1\n[b]\nx = 2\n', "b", "x", 4),
    ('[a]\nx = 1\n[b]\nx = 2\n', "b", None, 3),
    ('[ "a.csv" ]  # the file\n"x" = 1\n', '"a.csv"', "x", 2),
    ("['a.csv']\n  'x'=1\n", "a.csv", "x", 2),
    ('x = 1\n[a]\nx = 2\n', None, "x", 1),
    ('[a]\nxy = 1\nx = 2\n', "a", "x", 3),
    ('[a]\nx.y = 1\n', "a", "x", None),
    ('[a]\n', "b", None, None),
    # the table as a caller may write it, quoted or spaced
    ("[ 'a.csv' ]\nx = 1\n", "'a.csv'", "x", 2),
    ('["a.csv"]\nx = 1\n', ' "a.csv" ', "x", 2),
    # a file name with a space, as sources.toml names it
    ('["kommun mottagna.csv"]\nx = 1\n', "kommun mottagna.csv", "x", 2),
])
def test_the_line_of_a_key_or_a_table(text, table, key, line):
    assert line_of(text, table, key) == line


def test_a_missing_or_unreadable_file_is_named(tmp_path):
    with pytest.raises(InputError) as raised:
        read_toml(tmp_path / "x.toml")
    assert (raised.value.file, raised.value.rule) == (str(tmp_path / "x.toml"),
                                                      "the file is missing")
    (tmp_path / "x.toml").write_bytes(b'a = "\xff"\n')
    with pytest.raises(InputError) as raised:
        read_toml(tmp_path / "x.toml")
    assert raised.value.rule.startswith("not readable UTF-8 text (UnicodeDecodeError: ")
    assert raised.value.file == str(tmp_path / "x.toml")
    (tmp_path / "x.toml").write_text("a = \n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_toml(tmp_path / "x.toml")
    assert raised.value.file == str(tmp_path / "x.toml")
    assert (raised.value.line, raised.value.rule.startswith("not valid TOML: ")) == (1, True)
    with pytest.raises(InputError) as raised:
        read_toml(tmp_path)
    assert raised.value.rule == "not readable UTF-8 text (IsADirectoryError: Is a directory)"


def test_a_file_is_read_with_its_text(tmp_path):
    (tmp_path / "x.toml").write_text('[a]\nb = "å"\n', encoding="utf-8")
    assert read_toml(tmp_path / "x.toml") == ({"a": {"b": "å"}}, '[a]\nb = "å"\n')


# Run in a child process started in the C locale: reads `sys.argv[1]` with `read_toml` and prints,
# as ASCII JSON, the locale's preferred encoding and the document and text read, or the refusal.
_READ_IN_THE_C_LOCALE = """
import json, locale, sys
from pathlib import Path
from pipeline.core.config import read_toml
from pipeline.core.errors import InputError
encoding = locale.getpreferredencoding(False)
try:
    document, text = read_toml(Path(sys.argv[1]))
except InputError as error:
    print(json.dumps({"encoding": encoding, "error": str(error)}))
else:
    print(json.dumps({"encoding": encoding, "document": document, "text": text}))
"""


def test_a_file_is_read_as_utf_8_whatever_the_locale(tmp_path):
    """A county board's machine may run in a locale whose default encoding is not UTF-8 (the
    C locale's is ASCII): the configuration is UTF-8 all the same."""
    text = '[kommun]\nnamn = "Malmö"\nlan = "Västra Götalands län"\n'
    path = tmp_path / "sources.toml"
    path.write_bytes(text.encode("utf-8"))
    expected = {"kommun": {"namn": "Malmö", "lan": "Västra Götalands län"}}
    assert read_toml(path) == (expected, text)
    # the child imports this very `pipeline` package (a mutated copy's, under mutation testing)
    package_root = str(Path(pipeline.__file__).resolve().parent.parent)
    environment = {**os.environ, "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "LC_ALL": "C",
                   "LANG": "C",
                   "PYTHONPATH": os.pathsep.join(filter(None, [package_root,
                                                               os.environ.get("PYTHONPATH")]))}
    child = subprocess.run([sys.executable, "-c", _READ_IN_THE_C_LOCALE, str(path)],
                           env=environment, capture_output=True, text=True, check=False)
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout)
    if codecs.lookup(result["encoding"]).name == "utf-8":
        pytest.skip(f"the C locale's preferred encoding is {result['encoding']} here, so a "
                    "default encoding cannot be told from UTF-8")
    assert result == {"encoding": result["encoding"], "document": expected, "text": text}


def test_a_folder_without_sources_toml_describes_nothing_and_each_entry_is_checked(tmp_path):
    assert read_sources(tmp_path) == {}
    (tmp_path / "sources.toml").write_text(
        '["a.csv"]\nsource = "SCB"\nillustrative = true\n["b.csv"]\nsource = "MV"\n'
        "illustrative = false\n", encoding="utf-8")
    assert read_sources(tmp_path) == {"a.csv": {"source": "SCB", "illustrative": True},
                                      "b.csv": {"source": "MV", "illustrative": False}}
    assert described_file(tmp_path / "b.csv") == {"source": "MV", "illustrative": False}
    with pytest.raises(InputError) as raised:
        described_file(tmp_path / "c.csv")
    assert (raised.value.file, raised.value.value) == (str(tmp_path / "sources.toml"), "c.csv")
    assert raised.value.rule == ("c.csv has no entry: every data file needs its `source` and "
                                 "`illustrative = true|false`")


def test_an_optional_key_left_out_does_not_stop_the_checking_of_the_next():
    keys = (Key("note", str, required=False), Key("count", int))
    with pytest.raises(InputError) as raised:
        check_table(Path("f.toml"), 'count = "x"\n', None, {"count": "x"}, keys)
    assert raised.value.rule == "count must be a whole number"
