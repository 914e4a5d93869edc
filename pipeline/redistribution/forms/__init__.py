"""The county boards' redistribution form (omfördelningsblankett), read from any spreadsheet.

A county board (länsstyrelse) returns the "Omfördelning" sheet of its review workbook in whatever
format its office software saves: .xlsx, .xlsm, .ods or .xls. This package reads every one of them
through calamine (`spreadsheets`), parses what people type into the cells (`values`), checks every
redistribution rule of MODEL.md and collects every problem at once (`validation`), and writes the
problems as a Swedish validation report per county (`report`). All messages are Swedish
(`messages`).

Nothing here runs Dagster; nothing here imports the modules at package import time, so the
calamine child process (`_calamine_child`) starts without the rest of the pipeline.
"""
