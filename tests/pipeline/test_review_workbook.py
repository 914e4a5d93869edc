"""The county board's review workbook: what it shows, that it holds only its own county, and the
round trip of its "Omfördelning" form through the December round."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from pipeline.core.layout import Layout
from pipeline.ingestion.register import load_register
from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.redistribution.agreements import FORM_HEADERS
from pipeline.redistribution.december_round import FormProblems, collect_agreements
from pipeline.redistribution.forms.spreadsheets import read_county_form
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_workbook import (
    GUIDE_SHEET,
    write_review_workbook,
    write_review_workbooks,
)
from pipeline.redistribution.rules import apply_redistributions
from tests.workbook_fonts import declared_fonts

REPO = Path(__file__).resolve().parents[2]
YEAR = 2026
DECIMALS = 2
UPPSALA = "03"
UPPSALA_CODES = ["0305", "0319", "0330", "0331", "0360", "0380", "0381", "0382"]
FORMULA_LIKE_NAME = "=HYPERLINK(\"http://example.org\")"
ROUND = ReviewRound(YEAR, date(2025, 12, 5), "Migrationsverket, 601 70 Norrköping",
                    "Anvisningsenheten, telefon 010-000 00 00")
PARAMETERS = load_parameters(REPO / "data" / "parameters.toml", YEAR)
SHEETS = [GUIDE_SHEET, "Utkast", "Förändring", "Omfördelning", "Kommuner", "Info"]


@pytest.fixture(scope="module")
def register() -> pl.DataFrame:
    return load_register(REPO / "data" / "reference" / "municipalities.csv")


@pytest.fixture(scope="module")
def draft(register: pl.DataFrame) -> pl.DataFrame:
    """A made-up draft: 290 shares summing to 1000.00 ‰, Håbo renamed to look like a formula."""
    n = len(register)
    units = [100_000 // n + (1 if i < 100_000 % n else 0) for i in range(n)]
    return register.with_columns(
        municipality_name=pl.when(pl.col("municipality_code") == "0305")
        .then(pl.lit(FORMULA_LIKE_NAME)).otherwise("municipality_name"),
        population=pl.Series([10_000 + 37 * i for i in range(n)]),
        newcomers_settled=pl.Series([i % 50 for i in range(n)]),
        minors_received=pl.Series([i % 3 for i in range(n)]),
        asylum_housing_days=pl.Series([100 * i for i in range(n)]),
        minor_arrival_housing_days=pl.Series([7 * (i % 4) for i in range(n)]),
        population_share=pl.Series([u / 100 + 0.001234 for u in units]),
        reception_share=pl.Series([u / 100 - 0.5 for u in units]),
        adjusted_share=pl.Series([u / 100 + 0.25 for u in units]),
        at_floor=pl.Series([i % 7 == 0 for i in range(n)]),
        share_units=pl.Series(units, dtype=pl.Int64),
    )


@pytest.fixture(scope="module")
def change(draft: pl.DataFrame) -> ShareChange:
    """The draft against last year's shares: 3.40 ‰ each, except Knivsta (0330), not in it."""
    last_year = draft.filter(pl.col("municipality_code") != "0330").select(
        "municipality_code", "municipality_name", "county_code", "county_name",
        calculated_units=pl.lit(340), share_units=pl.lit(340))
    return share_change(ShareYear.drafted(YEAR, PARAMETERS, draft),
                        ShareYear.decided(YEAR - 1, PARAMETERS, last_year, None))


def alone(draft: pl.DataFrame) -> ShareChange:
    """The draft without a previous year to compare with."""
    return share_change(ShareYear.drafted(YEAR, PARAMETERS, draft), None)


@pytest.fixture
def workbook_path(tmp_path: Path, draft: pl.DataFrame, change: ShareChange) -> Path:
    path = tmp_path / "review_2026_03.xlsx"
    write_review_workbook(path, YEAR, UPPSALA, draft, change, DECIMALS, illustrative=True,
                          parameter_set="standard", review_round=ROUND, parameters=PARAMETERS)
    return path


def fill_form(source: Path, target: Path, rows: dict[int, list]) -> Path:
    """Fill in the "Omfördelning" form as a county board would, and save it under a new name."""
    workbook = load_workbook(source)
    form = workbook["Omfördelning"]
    for row, values in rows.items():
        for column, value in enumerate(values, start=1):
            form.cell(row, column).value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def draft_rows(path: Path) -> list[tuple]:
    sheet = load_workbook(path)["Utkast"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=6)]


# --- the draft sheet ---------------------------------------------------------------------------

def test_draft_sheet_holds_only_the_countys_municipalities_and_a_total(
        workbook_path: Path, draft: pl.DataFrame) -> None:
    rows = draft_rows(workbook_path)
    assert [row[0] for row in rows[:-1]] == UPPSALA_CODES
    total = rows[-1]
    county = draft.filter(pl.col("county_code") == UPPSALA)
    assert total[:3] == ("Summa", "Uppsala län", county["population"].sum())
    assert total[11] == pytest.approx(county["share_units"].sum() / 100)


def test_no_sheet_holds_another_countys_code(workbook_path: Path) -> None:
    codes = set()
    for sheet in load_workbook(workbook_path).worksheets:
        for row in sheet.iter_rows(values_only=True):
            codes |= {v for v in row if isinstance(v, str) and re.fullmatch(r"\d{4}", v)}
    assert codes == set(UPPSALA_CODES)


def test_draft_sheet_writes_numbers_with_swedish_friendly_formats(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Utkast"]
    headings = [c.value for c in sheet[5]]
    assert headings == [
        "Kommunkod", "Kommun", "Folkmängd", "Nyanlända", "Ensamkommande barn",
        "Boendedygn asylsökande", "Boendedygn ankomstkommun", "Befolkningsandel ‰",
        "Mottagandeandel ‰", "Justerad andel ‰", "Golv", "Utkast andel ‰", "Andel 2025 ‰",
        "Förändring ‰"]
    håbo = sheet[6]
    assert håbo[2].data_type == "n" and håbo[2].number_format == "[$-41D]#,##0"
    assert håbo[11].value == pytest.approx(3.45) and håbo[11].number_format == "[$-41D]0.00"
    assert håbo[7].number_format == "[$-41D]0.0000"
    assert håbo[12].value == pytest.approx(3.40)
    assert håbo[13].value == pytest.approx(0.05)
    assert håbo[13].number_format.startswith("[$-41D]+0.00;")
    total = sheet[6 + len(UPPSALA_CODES)]
    assert all(cell.data_type != "f" for cell in total)


def test_municipality_without_last_years_share_shows_no_change(workbook_path: Path) -> None:
    knivsta = next(row for row in draft_rows(workbook_path) if row[0] == "0330")
    assert (knivsta[12], knivsta[13]) == (None, None)


def test_without_previous_year_the_comparison_columns_are_empty(
        tmp_path: Path, draft: pl.DataFrame) -> None:
    path = tmp_path / "review.xlsx"
    write_review_workbook(path, YEAR, UPPSALA, draft, alone(draft), DECIMALS, illustrative=False,
                          parameter_set="standard")
    assert {(row[12], row[13]) for row in draft_rows(path)} == {(None, None)}


def test_title_names_share_year_and_county_with_illustrative_note(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Utkast"]
    assert "2026" in sheet["A1"].value and "Uppsala län" in sheet["A1"].value
    assert "standard" in sheet["A2"].value
    assert "ILLUSTRATIVA UPPGIFTER" in sheet["A3"].value
    assert "ILLUSTRATIVA UPPGIFTER" in load_workbook(workbook_path)["Omfördelning"]["A3"].value


def test_no_illustrative_note_for_real_data(tmp_path: Path, draft: pl.DataFrame) -> None:
    path = tmp_path / "review.xlsx"
    write_review_workbook(path, YEAR, UPPSALA, draft, alone(draft), DECIMALS, illustrative=False,
                          parameter_set="standard")
    workbook = load_workbook(path)
    assert workbook["Utkast"]["A3"].value is None
    assert workbook["Omfördelning"]["A3"].value is None


def test_header_is_frozen(workbook_path: Path) -> None:
    assert load_workbook(workbook_path)["Utkast"].freeze_panes == "C6"


def test_text_beginning_with_equals_is_stored_as_text(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    cell = workbook["Utkast"]["B6"]
    assert (cell.value, cell.data_type) == (FORMULA_LIKE_NAME, "s")
    formulas = {(sheet.title, cell.column_letter) for sheet in workbook.worksheets
                for row in sheet.iter_rows() for cell in row if cell.data_type == "f"}
    assert formulas == {("Omfördelning", "F"), ("Omfördelning", "G")}
    with zipfile.ZipFile(workbook_path) as archive:
        written = b"".join(archive.read(name) for name in archive.namelist()
                           if name.startswith("xl/worksheets/sheet"))
    assert not any(b"HYPERLINK" in f for f in re.findall(rb"<f>(.*?)</f>", written))


def test_info_sheet_is_hidden_protected_and_names_year_and_county(workbook_path: Path) -> None:
    info = load_workbook(workbook_path)["Info"]
    facts = {key: value for key, value in info.iter_rows(values_only=True)}
    assert (facts["share_year"], facts["county_code"]) == (YEAR, UPPSALA)
    assert info.sheet_state == "hidden" and info.protection.sheet


# --- the form ----------------------------------------------------------------------------------

def test_code_drop_downs_list_only_the_countys_codes(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    form = workbook["Omfördelning"]
    assert [c.value for c in form[9]][:5] == [
        "Givande kommun (kod)", "Mottagande kommun (kod)", "Andel ‰ (eller ”hela andelen”)",
        "Beslutsdatum (ÅÅÅÅ-MM-DD)", "Diarienummer"]
    (codes,) = [dv for dv in form.data_validations.dataValidation if dv.type == "list"]
    assert str(codes.sqref) == "A11:B60"
    sheet_name, cells = codes.formula1.split("!")
    source = workbook[sheet_name]
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    listed = [c.value for row in source.iter_rows(min_row, max_row, min_col, max_col)
              for c in row]
    assert [choice.split(" ", 1)[0] for choice in listed] == UPPSALA_CODES
    assert listed[-2:] == ["0381 Enköping", "0382 Östhammar"]
    assert source.sheet_state == "hidden"
    # A code typed by hand is allowed after a warning: the reader accepts codes and names too.
    assert codes.errorStyle == "warning"


def test_a_code_name_chosen_from_the_list_is_read_back(
        tmp_path: Path, workbook_path: Path, draft: pl.DataFrame, register: pl.DataFrame) -> None:
    fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx", {
        11: ["0381 Enköping", "0380 Uppsala", "0,50", date(2025, 12, 8), "Lst C 1-2025"]})
    round_, _ = december(tmp_path, draft, register)
    assert [(a.giver_code, a.receiver_code) for a in round_.agreements] == [("0381", "0380")]


def test_the_name_columns_are_formulas_outside_the_five_columns_read(workbook_path: Path) -> None:
    form = load_workbook(workbook_path)["Omfördelning"]
    assert [c.value for c in form[9]][5:7] == ["Givande kommun (namn)",
                                               "Mottagande kommun (namn)"]
    assert form["F11"].value.startswith("=IF(TRIM(A11)")
    assert "Kommuner!$A$2:$B$9" in form["G60"].value and "B60" in form["G60"].value
    assert len(FORM_HEADERS) == 5
    assert read_county_form(workbook_path).rows == []


def test_writes_one_workbook_per_county(
        tmp_path: Path, draft: pl.DataFrame, change: ShareChange) -> None:
    paths = write_review_workbooks(Layout(tmp_path / "data", tmp_path / "out"), YEAR, draft,
                                   change, DECIMALS, illustrative=True,
                                   parameter_set="standard", review_round=ROUND,
                                   parameters=PARAMETERS)
    assert len(paths) == 21
    assert paths[0].name == "review_2026_01_stockholms-lan.xlsx"
    assert paths[-1].name == "review_2026_25_norrbottens-lan.xlsx"
    assert "review_2026_14_vastra-gotalands-lan.xlsx" in [p.name for p in paths]
    folder = tmp_path / "out" / str(YEAR) / "review"
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in paths]


def december(tmp_path: Path, draft: pl.DataFrame, register: pl.DataFrame):
    """The December round over tmp_path/data/redistributions/2026/ (and 2026.csv)."""
    units = dict(zip(draft["municipality_code"], draft["share_units"], strict=True))
    names = draft.select("municipality_code", "municipality_name", "county_code", "county_name")
    layout = Layout(tmp_path / "data", tmp_path / "out")
    return collect_agreements(layout, YEAR, names, units, DECIMALS), units


def forms_folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "redistributions" / "2026"


def test_filled_in_form_round_trips_into_final_shares(
        tmp_path: Path, workbook_path: Path, draft: pl.DataFrame, register: pl.DataFrame) -> None:
    filled = fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx", {
        11: ["0381", "0380", "0,50", date(2025, 12, 8), "Lst C 851-23456-2025"],
        13: [330, "0380", 0.25, datetime(2025, 12, 8), "Lst C 851-23457-2025"],
        14: ["0319 Älvkarleby", "tierp", "Hela andelen ", "10 december 2025",
            "Lst C 851-23458-2025"],
    })
    (forms_folder(tmp_path) / "~$lst_c.xlsx").write_bytes(b"Excel lock file")

    round_, units = december(tmp_path, draft, register)

    assert [(a.giver_code, a.receiver_code, a.amount_units, a.approved_on)
            for a in round_.agreements] == [
        ("0381", "0380", 50, date(2025, 12, 8)),
        ("0330", "0380", 25, date(2025, 12, 8)),
        ("0319", "0360", None, date(2025, 12, 10)),
    ]
    assert round_.forms == [filled]
    assert [n.file for n in round_.notices] == ["~$lst_c.xlsx"]
    final = apply_redistributions(draft, round_.agreements, DECIMALS)
    shares = dict(zip(final["municipality_code"], final["share_units"], strict=True))
    assert (shares["0380"], shares["0319"]) == (units["0380"] + 75, 0)


def test_unfilled_form_has_no_agreements(tmp_path, workbook_path, draft, register) -> None:
    fill_form(workbook_path, forms_folder(tmp_path) / "empty.xlsx", {})
    assert december(tmp_path, draft, register)[0].agreements == []


def test_a_form_with_three_mistakes_gets_three_swedish_messages_and_a_report(
        tmp_path, workbook_path, draft, register) -> None:
    fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx", {
        11: ["0381", "0380", "0,125", date(2025, 12, 8), "X"],
        12: ["Habo", "0380", "0,50", date(2025, 12, 8), "X"],
        13: ["0381", "0114", "0,50", "8/12/2025", "X"],
    })
    with pytest.raises(FormProblems) as caught:
        december(tmp_path, draft, register)
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert all("blad Omfördelning" in p for p in problems)
    assert [re.search(r"rad (\d+)", p).group(1) for p in problems] == ["11", "12", "13"]
    assert "olika län" in problems[2] and "Upplands Väsby" in problems[2]
    reports = list((tmp_path / "out" / "2026" / "review").glob("granskning_2026_03_*.xlsx"))
    assert [r.name for r in reports] == ["granskning_2026_03_uppsala-lan.xlsx"]


def test_same_agreement_in_csv_and_workbook_is_a_duplicate(
        tmp_path: Path, workbook_path: Path, draft: pl.DataFrame, register: pl.DataFrame) -> None:
    fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx",
              {11: ["0381", "0380", "0.50", date(2025, 12, 8), "Lst C 851-1-2025"]})
    (forms_folder(tmp_path).parent / "2026.csv").write_text(
        "share_year,giver_code,receiver_code,amount_promille,approved_on,reference\n"
        "2026,0381,0380,0.50,2025-12-08,Lst C 851-1-2025\n", encoding="utf-8")
    with pytest.raises(FormProblems, match="rad 11"):
        december(tmp_path, draft, register)


def test_workbook_without_info_sheet_is_rejected(tmp_path, workbook_path, draft, register):
    workbook = load_workbook(workbook_path)
    del workbook["Info"]
    forms_folder(tmp_path).mkdir(parents=True)
    workbook.save(forms_folder(tmp_path) / "no_info.xlsx")
    with pytest.raises(FormProblems, match="no_info.xlsx"):
        december(tmp_path, draft, register)


def test_file_that_is_not_a_workbook_is_rejected(tmp_path, draft, register) -> None:
    forms_folder(tmp_path).mkdir(parents=True)
    (forms_folder(tmp_path) / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(FormProblems, match="broken.xlsx"):
        december(tmp_path, draft, register)


# --- a document a county board can read -------------------------------------------------------

def guide_text(path: Path) -> str:
    sheet = load_workbook(path)[GUIDE_SHEET]
    return "\n".join(" | ".join(str(v) for v in row if v is not None)
                     for row in sheet.iter_rows(values_only=True))


def test_the_first_sheet_tells_the_county_board_what_to_do_and_by_when(
        workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == SHEETS and workbook.active.title == GUIDE_SHEET
    text = guide_text(workbook_path)
    for step in ("1. Granska utkastet", "2. Diskutera med kommunerna", "3. Fyll i blanketten",
                 "4. Spara och skicka"):
        assert step in text
    assert "Sista dag | fredag 5 december 2025" in text
    assert "Skicka till | Migrationsverket, 601 70 Norrköping" in text
    assert "Frågor | Anvisningsenheten, telefon 010-000 00 00" in text
    assert "”hela andelen”" in text and "0,5" in text and "”0305 " in text
    assert "granskning_2026_03_uppsala-lan.xlsx" in text
    assert "Jämförelse med de publicerade andelstalen för 2025." in text


def test_the_first_sheet_explains_every_column_of_the_draft(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)[GUIDE_SHEET]
    explained = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[1]}
    headings = [c.value for c in load_workbook(workbook_path)["Utkast"][5]]
    assert all(explained.get(heading) for heading in headings), set(headings) - set(explained)
    assert "31 december 2024" in explained["Folkmängd"]
    assert explained["Golv"] == "Ja om andelen har lyfts till golvet 1,00 ‰, annars Nej."


def test_the_first_sheet_explains_the_model_with_the_runs_parameters(
        tmp_path: Path, draft: pl.DataFrame) -> None:
    parameters = load_parameters(REPO / "data" / "parameters.toml", YEAR)
    changed = type(parameters)(**{**parameters.__dict__, "reception_adjustment": 0.25,
                                  "weights": {**parameters.weights, "weight_minors": 1.5}})
    path = tmp_path / "review.xlsx"
    write_review_workbook(path, YEAR, UPPSALA, draft, alone(draft), DECIMALS, illustrative=False,
                          parameter_set="standard", review_round=ROUND, parameters=changed)
    text = guide_text(path)
    assert "med α = 0,25" in text
    assert "1,5 × ensamkommande barn" in text and "1 × nyanlända" in text
    assert "/ 366" in text  # the reference year 2024 is a leap year
    assert "lägre andel än 1,00 ‰" in text and "exakt 1\u00a0000,00 ‰" in text
    assert "Uppgifterna gäller år 2024" in text


def test_without_a_published_table_for_last_year_the_workbook_says_so(
        tmp_path: Path, draft: pl.DataFrame) -> None:
    path = tmp_path / "review.xlsx"
    write_review_workbook(path, YEAR, UPPSALA, draft, alone(draft), DECIMALS, illustrative=False,
                          parameter_set="standard", review_round=ROUND, parameters=PARAMETERS)
    assert "ingen publicerad tabell för 2025" in guide_text(path)
    assert "ingen publicerad tabell för 2025" in load_workbook(path)["Utkast"]["A4"].value


def test_every_style_names_one_font_the_default_included(workbook_path: Path) -> None:
    fonts, normal = declared_fonts(workbook_path)
    assert {name for name, _ in fonts} == {"Arial"} and all(size for _, size in fonts)
    assert normal == ("Arial", 10)
    with zipfile.ZipFile(workbook_path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert "Calibri" not in styles
    assert re.findall(r'<name val="([^"]+)"', styles) == ["Arial"] * styles.count("<name ")


def test_no_header_word_is_wider_than_its_column(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    for sheet, row in (("Utkast", 5), ("Omfördelning", 9), ("Kommuner", 1)):
        for cell in workbook[sheet][row]:
            if cell.value is None:
                continue
            width = workbook[sheet].column_dimensions[cell.column_letter].width
            longest = max(cell.value.split(), key=len)
            assert len(longest) <= width, (sheet, cell.value, width)
            assert cell.alignment.wrap_text


def test_yes_and_no_are_centred_in_their_column(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Utkast"]
    floor = [c.column for c in sheet[5] if c.value == "Golv"][0]
    cells = [sheet.cell(row, floor) for row in range(6, 6 + len(UPPSALA_CODES))]
    assert {c.value for c in cells} == {"Ja", "Nej"}
    assert {c.alignment.horizontal for c in cells} == {"center"}


def test_every_sheet_prints_on_a4_one_page_wide_with_repeated_headers(
        workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    for sheet in workbook.worksheets:
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert workbook["Utkast"].print_title_rows == "$5:$5"
    assert workbook["Omfördelning"].print_title_rows == "$9:$9"


def test_the_form_names_the_deadline(workbook_path: Path) -> None:
    form = load_workbook(workbook_path)["Omfördelning"]
    assert "Skicka senast fredag 5 december 2025" in form["A2"].value
    assert "”hela andelen”" in form["A2"].value
