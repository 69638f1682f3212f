"""The sheets wing: the registry as an Excel workbook or CSV file, out and back in.

`layout` derives the sheets and columns from the data model; `export_xlsx` writes a workbook
made to be edited by hand; `read_sheet` reads a workbook or CSV without trusting it (sizes,
zip bombs, far cells); `sheet_values` turns one cell into one value and names each spreadsheet
fault; `importer` merges the rows into data/umkm.yaml in place and reports every problem by its
cell, writing nothing while any problem remains.

May import: data.
"""
