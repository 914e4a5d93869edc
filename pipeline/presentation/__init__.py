"""Swedish presentation: how every output writes numbers and dates (`formats`), the words it uses
for the same thing (`terms`), what each published column is called and means (`columns`) and the
model explained in Swedish (`explanation`). The PDF, the Excel edition, the CSV for Swedish Excel,
the review workbook, the forms' messages, the goal-fulfilment workbook and the site read them here.
"""
