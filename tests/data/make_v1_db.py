"""Writes tests/data/wanlixing-v1.db: a database as version 0.1 schema m001 left it.

Kept so the upgrade path is tested against a real old file. Run once; commit the result.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from storage.migrations import MIGRATIONS  # noqa: E402

OUT = Path(__file__).with_name("wanlixing-v1.db")

if __name__ == "__main__":
    OUT.unlink(missing_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(OUT))
    MIGRATIONS.apply(db, stop_before="m002_indexes")
    stamp = "2023-05-10T09:00:00.000+08:00"
    with db.atomic():
        db["needs"].insert({
            "id": "0b7f7a52-8f3c-4c55-9d0e-1d2a3b4c5d6e", "seq": 1, "unit": "福州市鼓楼区市场监督管理局",
            "origin": "local", "complete": 1, "created_at": stamp, "updated_at": stamp,
            "city": "福州市", "district": "鼓楼区", "subject_name": "福州旧版数据科技有限公司",
            "credit_code": "914403001922038216", "subject_type": "企业", "industry": "电子信息",
            "category": "专利导航与分析评议", "content": "旧版本录入的需求，升级后必须还在。",
            "coord_level": "需省知识产权局协调", "status": "待对接",
        })
        db["settings"].insert({"key": "profile", "value": '{"version": 1, "value": {"unit": "福州市鼓楼区市场监督管理局", '
                               '"city": "福州市", "district": "鼓楼区", "reporter": "林晓", "phone": "0591-87530216", '
                               '"year": 2023, "report_date": ""}}'})
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.close()
    print(OUT)
