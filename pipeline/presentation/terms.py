"""The Swedish terms the outputs share: one word for one thing, in every output.

The assignment ledger (`data/ledger/assignments.csv`) is "anvisningsregistret" in the PDF, the
Excel edition, the goal-fulfilment workbook and on the site alike.
"""

from __future__ import annotations

LEDGER = "anvisningsregistret"  # the assignment ledger (definite form)
A_LEDGER = "anvisningsregister"  # the same, indefinite: "ett påhittat anvisningsregister"
# A municipality's share (MODEL.md: andel, andelstal): the one word of every heading and text of
# the published table, as on the site and in the county boards' workbooks.
SHARE = "andelstal"
NATIONAL = "Riket"  # the row of national totals
TOTAL = "Summa"  # a county's totals: "Summa Stockholms län"
# Made-up data, marked wherever it is shown; in capitals in the red marks of pages and sheets.
ILLUSTRATIVE = "Illustrativa uppgifter"
# The national prognosis's scenarios (pipeline.goals.prognosis), as a table or a sentence names
# them: "scenariot Bas".
SCENARIO_NAMES = {"low": "Låg", "base": "Bas", "high": "Hög"}
PLANNING_FIGURE = "planeringstal"  # the national figure the expected children are computed for
