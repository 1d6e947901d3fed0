"""What people would use instead of the app, for bench/compare.py. Needs pandas (bench/requirements.txt):

    python bench/peers.py to_excel DB OUT.xlsx     # the needs table, unstyled, via pandas + openpyxl
    python bench/peers.py read_excel FOLDER        # every .xlsx read with pandas.read_excel, then concat

Runs in the bench's own environment (see bench/README.md), never in the app's.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def to_excel(db: str, out: str) -> None:
    import pandas as pd

    from forms import NEEDS

    keys = [f.key for f in NEEDS.fields]
    conn = sqlite3.connect(db)
    frame = pd.read_sql_query(
        f"select {', '.join(keys)} from needs where deleted_at is null order by seq", conn)
    frame.columns = [NEEDS.field(k).label for k in keys]
    frame.index = range(1, len(frame) + 1)
    frame.to_excel(out, engine="openpyxl", sheet_name="附件1", index_label="序号")
    print(f"rows={len(frame)}")


def read_excel(folder: str) -> None:
    import pandas as pd

    frames = [pd.read_excel(path, sheet_name=0, header=None, dtype=str)
              for path in sorted(Path(folder).rglob("*.xlsx"))]
    table = pd.concat(frames, ignore_index=True)
    print(f"files={len(frames)} rows={len(table)}")


if __name__ == "__main__":
    {"to_excel": to_excel, "read_excel": read_excel}[sys.argv[1]](*sys.argv[2:])
