"""Every limit on an input, in one place: each a named constant with why it is what it is.

An input beyond a limit is refused at the boundary (sources.py, validate/) with a
Problem naming the file and the limit, never read further: a rejected upload costs
little, and an accepted one stays well under 1 GB of memory (benchmarks/limits.py
measures both). The README's "Limits" section lists them for users.
"""

from __future__ import annotations

import datetime as dt

MiB = 1024 * 1024

#: A file given on disk (.zip, .xlsx, one CSV): far above any real case (the bundled
#: workbook is 40 KB; 100,000 lab rows are about 3 MB zipped), read only below it.
MAX_FILE_BYTES = 100 * MiB

#: All files of a zip or workbook together, decompressed, as its directory declares
#: them (checked before anything is decompressed; Python's zipfile never inflates a
#: member beyond its declared size): a 100,000-row workbook's XML is about 40 MB.
MAX_UNZIPPED_BYTES = 150 * MiB

#: One CSV table's text: 200,000 lab rows with long notes fit; a 17 KB zip that
#: inflates to gigabytes of repeated rows does not.
MAX_TABLE_BYTES = 60 * MiB

#: Files in a zip or workbook: a case zip holds 4 or 5 tables (plus a folder or two),
#: an Excel workbook about 15 parts.
MAX_ZIP_MEMBERS = 200

#: Data rows per table: twice the 100,000 lab rows the page is built to stay usable
#: with (issue 16); a longer record is an export from another system, not a case.
MAX_ROWS = 200_000

#: Rows of a worksheet read at most, blank ones included: Excel's own last row, so a
#: damaged file numbering a row 1e9 cannot make the reader walk a billion blank rows.
EXCEL_MAX_ROW = 1_048_576

#: Columns per table: the widest table has 9; cells to the right of the header are
#: refused anyway, so this only bounds a header of thousands of headings.
MAX_COLUMNS = 100

#: Characters in one cell: Excel's own limit (32,767), so every case can be written
#: back to a workbook unchanged.
MAX_CELL_CHARS = 32_767

#: Problems listed, then one line counting the rest: a table of 200,000 repeated rows
#: would otherwise list 200,000 lines (and hold them in memory).
MAX_PROBLEMS = 200

#: Dates a clinical record can hold: nobody treated before 1900 is still followed, and
#: 2100 leaves room for any planned date; pandas cannot hold years before 1677 or
#: after 2262 at all.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

#: A record longer than this many years is a warning naming its outlying rows (one
#: mistyped year, 2021 in a 2000 case, stretches every figure over two decades).
MAX_SPAN_YEARS = 20

#: The largest magnitude of a number: above any clinical quantity (a platelet count
#: per litre is about 3e11), and far below where a unit conversion overflows to inf.
MAX_ABS_NUMBER = 1e15
