"""Build the hand-filled files the import tests read. Run from the repository root:

    python tests/data/make_fixtures.py

They imitate what district officers send upward: the official template
re-typed in Excel/WPS with the title and header block moved, header text broken
over lines, full-width brackets, columns in another order, blank rows, notes and
a signature line under the table, numbers and dates typed as text, coordination
levels written loosely. All enterprises, people and numbers are invented.

Optional outputs need extra tools and are skipped without them (the committed
files stay): ``handfilled_needs_gulou.xls`` needs LibreOffice (soffice);
``encrypted_needs.xlsx`` needs the msoffcrypto-tool package (password 1234).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from forms.rules import credit_code_check_char  # noqa: E402


def code(body17: str) -> str:
    """A credit code with a valid check digit (the bodies below are invented)."""
    return body17 + credit_code_check_char(body17)


CODE_RONGCHUANG = code("91350102MA2XYW01K")
CODE_MINGUANG = code("91350102MA31AB2C4")
CODE_HAIXIA = code("91350103MA2Y8QW5P")

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")


def _table_style(ws, first_row: int, last_row: int, ncols: int) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=ncols):
        for cell in row:
            cell.border = _BOX
            cell.alignment = _WRAP


# ---- 附件1, filled by hand by a district office ----------------------------------------

GULOU_UNIT = "福州市鼓楼区市场监督管理局"
GULOU_ROWS = [
    # 序号, 企业名称, 信用代码, 产业领域, 需求类型, 需求内容, 协调层级, 联系人, 联系方式, 备注
    (1, "福州榕创智能装备有限公司", CODE_RONGCHUANG, "先进制造", "专利快速审查",
     "企业已提交5件发明专利申请，涉及伺服控制核心工艺，希望通过快速预审通道缩短审查周期。",
     "★需国家局协调", "王经理", 13905910001, ""),
    (2, "福州闽光新材料股份有限公司", CODE_MINGUANG, "新材料", "质押融资",
     "计划以3件发明专利向银行申请质押融资约800万元，需要评估机构和银行对接。",
     "省局", "陈女士", "0591-83361234", "企业急需"),
    (3, "福州鼓岭茶业有限公司", None, "绿色经济", "地理标志",
     "申请“鼓岭茶”地理标志证明商标的材料准备不足，需要专家现场指导。",
     "本地解决", "林工", "13805910002", None),
    (4, "福州三坊文旅发展有限公司", None, "文旅经济", "商标品牌",
     "文创产品在电商平台被仿冒，希望开展商标品牌建设并建立线上维权机制。",
     "需省知识产权局协调\u3000", "黄先生", "0591-87001234转8012", ""),
]


def make_gulou(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws["A1"] = "附件1"
    ws["A2"] = "2023年知识产权服务万里行活动\n需求清单"
    ws.merge_cells("A2:J2")
    ws["A2"].font = Font(size=16, bold=True)
    ws["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws["A3"] = "填报单位（盖章）：" + GULOU_UNIT
    ws.merge_cells("A3:E3")
    ws["H3"] = "填报日期：2023年5月18日"
    ws["A4"] = "填报人：林晓"
    ws["D4"] = "联系电话："
    ws["E4"] = "0591-87530216"
    header = ["序号", "企业名称", "统一社会\n信用代码", "产业领域", "需求类型", "需求内容\n（简要描述）",
              "协调层级\n（重点标注）", "联系人", "联系方式", "备注"]
    for col, text in enumerate(header, start=1):
        ws.cell(row=6, column=col, value=text).font = Font(bold=True)
    r = 7
    for number, row in enumerate(GULOU_ROWS):
        if number == 2:
            r += 1  # a blank row left in the middle of the table
        for col, value in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=value)
        r += 1
    ws.cell(row=r, column=1, value=5)  # pre-numbered rows of the template, left empty
    ws.cell(row=r + 1, column=1, value=6)
    ws.cell(row=r + 2, column=1, value=7)
    ws.cell(row=r + 2, column=7, value="国家局")  # only a level: cannot be a need
    _table_style(ws, 6, r + 2, len(header))
    ws.cell(row=r + 4, column=1, value="注：1.协调层级为需国家或省知识产权局协调的，请重点标注。")
    ws.merge_cells(start_row=r + 4, start_column=1, end_row=r + 4, end_column=10)
    ws.cell(row=r + 5, column=1, value="2.本表由各县（市、区）填报后报送设区市局汇总。")
    ws.merge_cells(start_row=r + 5, start_column=1, end_row=r + 5, end_column=10)
    ws.cell(row=r + 6, column=1, value="审核人：郑明")
    ws.cell(row=r + 6, column=5, value="填报人：林晓")
    for letter, width in zip("ABCDEFGHIJ", (5, 24, 21, 10, 14, 40, 14, 9, 15, 10), strict=True):
        ws.column_dimensions[letter].width = width
    wb.save(path)


# ---- a city's consolidated list -----------------------------------------------------------

FUZHOU_ROWS = [
    ("福州市鼓楼区", GULOU_UNIT, "福州榕创智能装备有限公司", CODE_RONGCHUANG, "企业", "先进制造",
     "专利快速审查/优先审查",
     "企业已提交5件发明专利申请，涉及伺服控制核心工艺，希望通过快速预审通道缩短审查周期。",
     "★ 需国家知识产权局协调", "王经理", "13905910001", "", "待对接", ""),
    ("福州市台江区", "福州市台江区市场监督管理局", "福州榕创智能装备有限责任公司", CODE_RONGCHUANG, "企业",
     "先进制造", "专利快速审查", "企业5件发明专利申请涉及伺服控制核心工艺，希望快速预审，缩短审查周期。",
     "国家局", "王经理", "13905910001", "与鼓楼区同一企业", "待对接", ""),
    ("福州市仓山区", "福州市仓山区市场监督管理局", "福州海峡生物科技有限公司", CODE_HAIXIA, "企业", "生物医药",
     "专利导航", "希望开展海洋生物医药产业专利导航，为新产品研发方向提供分析评议。",
     "需省局协调", "刘博士", "0591-88881234", "", "已匹配", "已对接省专利导航服务基地"),
    ("福州市仓山区", "福州市仓山区市场监督管理局", "福州江滨电子有限公司", None, "企业", "电子信息",
     "人才培训", "需要专利信息检索数据库使用培训，提升研发人员检索能力。",
     "本地", "张工", "１３９０５９１０００３", "", "待对接", ""),
]


def make_fuzhou(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws["A1"] = "2023年福州市知识产权服务万里行活动需求清单（汇总）"
    ws.merge_cells("A1:O1")
    ws["A2"] = "填报单位"
    ws["C2"] = "福州市市场监督管理局"
    ws["F2"] = "填报人"
    ws["G2"] = "郑明"
    ws["I2"] = "联系电话"
    ws["J2"] = "0591-87112233"
    header = ["序号", "所属地区", "填报单位", "需求主体名称", "统一社会信用代码", "主体类型", "所属产业领域",
              "需求类别", "需求内容", "协调层级（重点标注）", "联系人", "联系电话", "备注", "办理状态", "对接反馈"]
    for col, text in enumerate(header, start=1):
        ws.cell(row=4, column=col, value=text)
    for col in range(1, len(header) + 1):
        ws.cell(row=5, column=col, value=col)  # the “1 2 3 …” row some templates have
    for i, row in enumerate(FUZHOU_ROWS):
        ws.cell(row=6 + i, column=1, value=str(i + 1))
        for col, value in enumerate(row, start=2):
            ws.cell(row=6 + i, column=col, value=value)
    _table_style(ws, 4, 5 + len(FUZHOU_ROWS), len(header))
    ws.cell(row=7 + len(FUZHOU_ROWS), column=1, value="合计")
    ws.cell(row=7 + len(FUZHOU_ROWS), column=4, value=f"共 {len(FUZHOU_ROWS)} 项")
    wb.save(path)


# ---- 附件2 as a colleague laid it out ------------------------------------------------------

CASE_PRACTICE = ("一是建立“一企一策”服务清单，组织专利代理师、评估师组成服务团队；\n"
                 "二是联合银行推出知识产权质押融资专项产品，缩短放款周期。")


def make_case_form(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐表"
    ws["A1"] = "2023年知识产权服务万里行活动\n优秀案例推荐表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "案例名称：知识产权质押融资破解鼓楼区科技型企业融资难"
    ws.merge_cells("A2:D2")
    ws["A3"], ws["B3"] = "推荐单位", GULOU_UNIT
    ws.merge_cells("B3:D3")
    ws["A4"], ws["B4"] = "所属地区", "福州市 鼓楼区"
    ws["A5"], ws["B5"] = "案例类别", "促进转移转化"
    ws["A6"], ws["B6"] = "实施主体", "鼓楼区市场监督管理局、福州榕城知识产权服务中心"
    ws["A7"], ws["B7"], ws["C7"], ws["D7"] = "联系人", "林晓", "职务", "科长"
    ws["A8"], ws["B8"], ws["C8"], ws["D8"] = "联系电话", "0591-87530216", "电子邮箱", "linxiao@example.com"
    # Results as a small table: labels on one row, the numbers typed under them.
    ws["A9"], ws["B9"], ws["C9"] = "服务企业数\n（家）", "开展活动\n（场）", "参与人数\n（人次）"
    ws["A10"], ws["B10"], ws["C10"] = "120家", "15", "2,300"
    ws["A11"] = "案例内容（2000字以内）"
    ws.merge_cells("A11:D11")
    sections = [("一、背景情况", "鼓楼区科技型中小企业多，轻资产、融资难问题突出。"),
                ("二、主要做法", CASE_PRACTICE),
                ("三、取得成效", "全年促成质押融资12笔，金额1.2亿元，服务企业120家。"),
                ("四、经验启示", "政银企协同是破解融资难的关键。")]
    r = 12
    for label, text in sections:
        ws.cell(row=r, column=1, value=label)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.cell(row=r + 1, column=1, value=text)
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 3, end_column=4)
        r += 4
    ws.cell(row=r, column=1, value="推荐单位意见")
    ws.cell(row=r, column=2, value="同意推荐。\n\n（盖章）\n2023年8月10日")
    ws.merge_cells(start_row=r, start_column=2, end_row=r + 2, end_column=4)
    _table_style(ws, 2, r + 2, 4)

    # A second case on its own sheet, content sections as labels on the left.
    ws2 = wb.create_sheet("案例二")
    ws2["A1"] = "知识产权服务万里行活动优秀案例推荐表"
    rows = [("案例名称", "“鼓岭茶”地理标志品牌价值提升行动"), ("推荐单位", GULOU_UNIT),
            ("所属地区", "鼓楼区"), ("案例类别", "知识产权服务提升品牌价值"),
            ("服务企业数（家）", 35), ("开展活动（场）", "８"), ("参与人数（人次）", 600.0),
            ("背景情况", "鼓岭茶历史悠久，但品牌分散。"), ("主要做法", "统一地理标志使用管理。"),
            ("取得成效", "茶农收入提高。"), ("经验启示", "品牌共建共享。"), ("推荐单位意见", "同意推荐")]
    for i, (label, value) in enumerate(rows, start=2):
        ws2.cell(row=i, column=1, value=label)
        ws2.cell(row=i, column=2, value=value)
    wb.create_sheet("填表说明")["A1"] = "请按实际情况填写，案例内容合计不超过2000字。"
    wb.save(path)


# ---- a CSV as Excel on a Chinese Windows saves it (GBK) -------------------------------------


def make_csv(path: Path) -> None:
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["填报单位：福州市仓山区市场监督管理局"])
        w.writerow(["序号", "需求主体名称", "需求类别", "需求内容", "协调层级", "联系电话"])
        w.writerow(["1", "福州海峡生物科技有限公司", "专利导航与分析评议",
                    "希望开展海洋生物医药产业专利导航，为新产品研发方向提供分析评议。", "省局", "0591-88881234"])
        w.writerow(["2", "福州江滨电子有限公司", "培训", "需要专利信息检索数据库使用培训。", "本地", "13905910003"])


def make_xls(xlsx: Path, target: Path) -> bool:
    soffice = shutil.which("soffice")
    if not soffice:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
                        "--convert-to", "xls", "--outdir", tmp, str(xlsx)], check=True, capture_output=True,
                       timeout=180)
        shutil.copy(Path(tmp) / (xlsx.stem + ".xls"), target)
    return True


def make_encrypted(source: Path, target: Path) -> bool:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # optional: only to build this fixture
    except ImportError:
        return False
    with open(source, "rb") as src, open(target, "wb") as out:
        OOXMLFile(src).encrypt("1234", out)
    return True


def main() -> None:
    make_gulou(HERE / "handfilled_needs_gulou.xlsx")
    make_fuzhou(HERE / "handfilled_needs_fuzhou_consolidated.xlsx")
    make_case_form(HERE / "handfilled_cases_gulou.xlsx")
    make_csv(HERE / "handfilled_needs_cangshan_gbk.csv")
    made = ["handfilled_needs_gulou.xlsx", "handfilled_needs_fuzhou_consolidated.xlsx",
            "handfilled_cases_gulou.xlsx", "handfilled_needs_cangshan_gbk.csv"]
    if make_xls(HERE / "handfilled_needs_gulou.xlsx", HERE / "handfilled_needs_gulou.xls"):
        made.append("handfilled_needs_gulou.xls")
    if make_encrypted(HERE / "handfilled_needs_gulou.xlsx", HERE / "encrypted_needs.xlsx"):
        made.append("encrypted_needs.xlsx")
    print("written:", ", ".join(made))


if __name__ == "__main__":
    main()
