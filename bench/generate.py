"""Seeded synthetic submissions at the four scales of issue 9. Run from the repository root:

    python bench/generate.py city --out /tmp/wlx-city [--seed 9]

Scales (files are county units, one 附件1 each):

    district     50 needs,    1 file
    city      ~1,000 needs,   15 files
    province  ~5,000 needs,   90 files
    nation  ~150,000 needs, 3,000 files

About two files in three are app exports (``exports.xlsx_needs``, with the hidden
metadata sheet); the others imitate a hand-filled template (title and header
moved, header text over two lines, columns in another order, numbers typed as
text, loosely written coordination levels). Every unit has its own enterprises.
A few files are exact duplicates sent twice, and a few units send a revision:
a later export of the same records with some contents edited and a row added.
All names are invented and carry "（示例）".
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.xlsx_needs import export_needs_xlsx  # noqa: E402
from forms.reference import builtin_choices  # noqa: E402
from storage import Store  # noqa: E402
from storage.sample import _NEED_TEMPLATES, _TRADES, _credit_code, _mobile, _uuid  # noqa: E402

SCALES = {  # files, mean needs per file
    "district": (1, 50),
    "city": (15, 66),
    "province": (90, 56),
    "nation": (3000, 50),
}
PROVINCES = ["福建", "浙江", "江苏", "广东", "山东", "河南", "四川", "湖北", "湖南", "河北", "安徽", "江西",
             "广西", "云南", "贵州", "山西", "陕西", "甘肃", "辽宁", "吉林", "黑龙江", "内蒙古", "新疆",
             "宁夏", "青海", "西藏", "海南", "重庆", "天津", "北京", "上海"]
SYLLABLES = "安平和兴宁康泰丰华昌盛德源清远长乐永新东西南北中山江河湖海云龙凤阳明"
LOOSE_LEVELS = {"需国家知识产权局协调": ["★需国家局协调", "国家局", "需国家知识产权局协调"],
                "需省知识产权局协调": ["省局", "需省局协调", "需省知识产权局协调"],
                "本级解决": ["本地解决", "本级", "本级解决"]}
HAND_HEADER = ["序号", "企业名称", "统一社会\n信用代码", "产业领域", "需求类型", "需求内容\n（简要描述）",
               "协调层级\n（重点标注）", "联系人", "联系方式", "备注"]


def unit_names(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(unit, city, district) for n distinct county units."""
    seen: set[str] = set()
    out: list[tuple[str, str, str]] = []
    while len(out) < n:
        province = rng.choice(PROVINCES)
        city = province + "".join(rng.sample(SYLLABLES, 2)) + "市"
        district = "".join(rng.sample(SYLLABLES, 2)) + rng.choice(["县", "区", "市"])
        unit = f"{city}{district}市场监督管理局（示例）"
        if unit not in seen:
            seen.add(unit)
            out.append((unit, city, district))
    return out


def needs_for_unit(rng: random.Random, unit: tuple[str, str, str], count: int) -> list[dict]:
    choices = builtin_choices()
    levels = choices.values("coord_levels")
    name, city, district = unit
    short = district[:2]
    rows = []
    for k in range(count):
        trade = rng.choice(_TRADES)
        rows.append({
            # Distinct per unit: the county's name and a serial are part of the enterprise.
            "subject_name": f"{short}{''.join(rng.sample(SYLLABLES, 2))}{trade}{k + 1}号有限公司（示例）",
            "credit_code": _credit_code(rng) if rng.random() < 0.8 else "",
            "subject_type": rng.choices(choices.values("subject_types"), weights=(12, 1, 1, 1, 1, 1))[0],
            "industry": rng.choice(choices.values("industries")),
            "category": rng.choice(choices.values("need_categories")[:-1]),
            "content": rng.choice(_NEED_TEMPLATES).format(n=rng.randint(2, 30), t=trade, m=rng.randint(1, 50)),
            "coord_level": rng.choices(levels, weights=(1, 2, 6))[0],
            "contact": rng.choice("王李张刘陈杨黄吴林郑") + rng.choice(["先生", "女士", "经理", "工"]),
            "phone": _mobile(rng) if rng.random() < 0.7 else f"0591-8{rng.randint(1000000, 9999999)}",
            "remark": rng.choice(["", "", "", "企业急需", "已初步沟通"]),
            "unit": name, "city": city, "district": district,
        })
    return rows


def write_app_export(path: Path, unit: tuple[str, str, str], rows: list[dict], rng: random.Random) -> Store:
    store = Store.open(":memory:")
    store.set_profile({"unit": unit[0], "city": unit[1], "district": unit[2], "reporter": "示例填报人",
                       "phone": "0591-87530216", "year": 2023})
    store.needs.insert_many(rows, record_ids=[_uuid(rng) for _ in rows])
    export_needs_xlsx(store, path)
    return store


def write_hand_filled(path: Path, unit: tuple[str, str, str], rows: list[dict], rng: random.Random) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    top = rng.randint(1, 3)  # the title block drifts down when people insert lines
    ws.cell(row=top, column=1, value="附件1")
    ws.cell(row=top + 1, column=1, value="2023年知识产权服务万里行活动\n需求清单")
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=10)
    ws.cell(row=top + 2, column=1, value="填报单位（盖章）：" + unit[0])
    ws.cell(row=top + 2, column=8, value="填报日期：2023年5月18日")
    order = list(range(10))
    if rng.random() < 0.5:  # some offices put the contact before the level
        order[6], order[7] = order[7], order[6]
    head = top + 4
    for col, i in enumerate(order, start=1):
        ws.cell(row=head, column=col, value=HAND_HEADER[i])
    for n, row in enumerate(rows, start=1):
        phone = row["phone"]
        values = [n if rng.random() < 0.9 else str(n), row["subject_name"], row["credit_code"] or None,
                  row["industry"], row["category"], row["content"],
                  rng.choice(LOOSE_LEVELS.get(row["coord_level"], [row["coord_level"]])), row["contact"],
                  int(phone) if phone.isdigit() and rng.random() < 0.5 else phone, row["remark"] or None]
        for col, i in enumerate(order, start=1):
            ws.cell(row=head + n, column=col, value=values[i])
    ws.cell(row=head + len(rows) + 2, column=1, value="注：协调层级为需国家或省知识产权局协调的，请重点标注。")
    ws.cell(row=head + len(rows) + 3, column=1, value="审核人：示例")
    wb.save(path)


def generate(scale: str, out: Path, seed: int = 9, files: int | None = None, log=print) -> dict:
    """Write the scale's files into ``out``; returns counts."""
    n_files, mean = SCALES[scale]
    n_files = files or n_files
    rng = random.Random(f"{scale}-{seed}")
    out.mkdir(parents=True, exist_ok=True)
    units = unit_names(rng, n_files)
    totals = {"files": 0, "needs": 0, "app": 0, "hand": 0, "duplicates": 0, "revisions": 0}
    started = time.perf_counter()
    for i, unit in enumerate(units):
        count = mean if scale == "district" else rng.randint(mean // 2, mean * 3 // 2)
        rows = needs_for_unit(rng, unit, count)
        path = out / f"{i + 1:04d}_{unit[1]}{unit[2]}_需求清单.xlsx"
        if rng.random() < 2 / 3:
            store = write_app_export(path, unit, rows, rng)
            totals["app"] += 1
            if n_files > 1 and rng.random() < 0.02:  # a revision: edits and one more row, exported later
                for record_id in store.needs.ids()[:3]:
                    store.needs.update(record_id, {"remark": "已修改（示例）"})
                store.needs.insert_many(needs_for_unit(rng, unit, 1))
                export_needs_xlsx(store, path.with_name(path.stem + "_修订版.xlsx"))
                totals["revisions"] += 1
                totals["needs"] += 1
            store.close()
        else:
            write_hand_filled(path, unit, rows, rng)
            totals["hand"] += 1
        totals["files"] += 1
        totals["needs"] += count
        if n_files > 1 and rng.random() < 0.02:  # the same file sent twice
            shutil.copy(path, path.with_name(path.stem + "_重复发送.xlsx"))
            totals["duplicates"] += 1
        if (i + 1) % 100 == 0:
            log(f"  {i + 1}/{n_files} files, {time.perf_counter() - started:.0f} s")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--files", type=int, help="fewer files than the scale's (same per-file sizes)")
    args = parser.parse_args()
    totals = generate(args.scale, args.out, args.seed, args.files)
    print(f"{args.scale}: {totals}")


if __name__ == "__main__":
    main()
