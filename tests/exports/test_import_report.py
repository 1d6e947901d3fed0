"""exports.import_report: rows are named by enterprise, their place in the file follows."""

from __future__ import annotations

from exports.import_report import describe
from exports.importing import import_entries, preview_files, read_each
from tests.listings import CITY, ORIGINAL, listing, revised


def test_rows_named_by_enterprise(store, tmp_path):
    store.set_profile(CITY)
    import_entries(store, read_each(store, [listing(tmp_path / "a.xlsx", ORIGINAL)]), total=1)
    record = next(r for r in store.needs.rows() if r["subject_name"] == ORIGINAL[1][0])
    store.needs.update(record["id"], {"phone": "0591-88881111"})
    revision = listing(tmp_path / "b.xlsx", revised(phone_a="13900000001", category_b="专利导航")
                       + [("", "", "", "", "13800000000")])
    lines = describe(preview_files(store, [revision])[0].plan)
    assert "更新：福州台江甲科技有限公司（工作表“需求清单”第 5 行）：联系电话：“13812345678” → “13900000001”" in lines
    conflict = next(line for line in lines if line.startswith("冲突："))
    assert conflict.startswith("冲突：福州台江乙食品有限公司（工作表“需求清单”第 6 行）：本地在上次导入后修改过这条记录")
    assert "联系电话：本地“0591-88881111” / 导入“0591-87530216”" in conflict
    # A row with no name at all is named by its place alone.
    assert any(line.startswith("无效：工作表“需求清单”第 7 行") for line in lines)
