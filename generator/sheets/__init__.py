"""The sheets wing: the registry as an Excel workbook or CSV file, out and back in.

The layout (sheets, columns, drop-downs) is derived from the data model; an export is made to
be edited by hand; an import reads the file without trusting it, turns each cell into a value
naming every spreadsheet fault, merges the rows into data/umkm.yaml in place and reports every
problem by its cell, writing nothing while any problem remains.

    layout.py           sheets and columns, from the declarations
    export_xlsx.py      registry -> .xlsx (openpyxl write-only)
    read_sheet.py       .xlsx or .csv -> raw sheets (read_xlsx.py, read_csv.py; raw_cells.py)
    sheet_values.py     one cell -> one value, each fault in plain words
    importer.py         the import: tables -> merge plan -> edits -> check -> write
    import_tables.py    which sheet is which, header rows, cells to values
    import_merge.py     rows -> field changes and new records (the plan)
    import_check.py     the checker's problems put back on their cells
    import_problems.py  where a problem is, and how it is printed
    import_write.py     writing data/umkm.yaml and data/rahasia.yaml safely

May import: data.
"""
