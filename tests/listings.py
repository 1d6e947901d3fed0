"""Hand-filled 需求清单 files for import tests (no Qt here: storage and exports tests use them too)."""

from __future__ import annotations

import os

from openpyxl import Workbook

CITY = {"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
        "phone": "0591-87000000", "year": 2023, "report_date": "2023-05-20"}
TAIJIANG = "福州市台江区市场监督管理局"
MAWEI = "福州市马尾区市场监督管理局"
A, B = "福州台江甲科技有限公司", "福州台江乙食品有限公司"


def listing(path, rows, unit=TAIJIANG, saved=None):
    """A hand-filled 需求清单: rows of (enterprise, category, content, level, phone)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "需求清单"
    ws.append(["2023年知识产权服务万里行活动需求清单"])
    ws.append([f"填报单位：{unit}", None, "填报人：郑"])
    ws.append([])
    ws.append(["序号", "需求主体名称", "需求类别", "需求内容", "协调层级", "联系电话"])
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
    wb.save(path)
    if saved is not None:  # the revision is saved later than the original
        os.utime(path, (saved, saved))
    return path


ORIGINAL = [(A, "专利导航", "希望开展专利导航", "国家局", "13812345678"),
            (B, "商标品牌建设", "商标被抢注需要维权", "本地解决", "0591-87530216")]


def revised(phone_a="13900000001", category_b="专利导航"):
    return [(A, "专利导航", "希望开展专利导航", "国家局", phone_a),
            (B, category_b, "商标被抢注需要维权", "本地解决", "0591-87530216")]
