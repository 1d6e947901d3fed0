"""Clearly synthetic, realistic-looking records for trying the app and for benchmarks.

Every generated subject name carries "（示例）" so nobody mistakes them for real data.
"""

from __future__ import annotations

import random
import uuid

from forms.cases import CONTENT_LIMIT
from forms.progress import Progress, check
from forms.reference import builtin_choices, regions
from forms.rules import CREDIT_CODE_CHARSET, credit_code_check_char
from storage.store import Store

_PREFIXES = ["闽江", "海峡", "榕城", "鹭岛", "武夷", "刺桐", "清源", "九龙", "太姥", "冠豸", "湄洲", "三坊",
             "鼓岭", "东南", "八闽", "宁德", "南平", "晋江", "石狮", "安溪", "德化", "永春", "鳌峰", "马尾"]
_TRADES = ["智能装备", "新材料", "生物科技", "电子信息", "食品", "茶业", "鞋业", "纺织", "海洋生物", "新能源",
           "光电", "软件", "医疗器械", "陶瓷", "石材", "水产", "机械", "化工", "数字科技", "文化旅游"]
_FORMS = ["有限公司", "股份有限公司", "有限责任公司", "科技有限公司"]
_NEED_TEMPLATES = [
    "企业已提交{n}件发明专利申请，涉及{t}核心工艺，希望通过专利快速预审通道缩短审查周期。",
    "拟在{t}领域开展专利布局，缺少专业分析人员，希望获得高价值专利培育指导。",
    "计划以{n}件专利向银行申请质押融资约{m}百万元，需要评估机构和银行对接。",
    "产品出口东南亚，遭遇商标抢注，希望获得海外知识产权纠纷应对指导和维权援助。",
    "希望开展{t}产业专利导航，为新产品研发方向和技术引进提供分析评议。",
    "企业有{n}件闲置专利，希望通过开放许可方式转化，需要对接有需求的企业。",
    "申请地理标志证明商标的材料准备不足，需要省局专家现场指导。",
    "希望参加知识产权管理体系贯标培训，并推荐合格的认证机构。",
    "电商平台上出现大量仿冒产品，希望快速维权并建立线上保护机制。",
    "需要专利信息检索数据库使用培训，提升研发人员检索能力。",
]
_CASE_TITLES = ["“{p}”专利导航助力{t}产业链升级", "知识产权质押融资破解{p}{t}企业融资难",
                "{p}{t}地理标志品牌价值提升行动", "“一站式”知识产权服务进园区——{p}实践",
                "高价值专利培育赋能{p}{t}创新发展"]


def _credit_code(rng: random.Random) -> str:
    body = "9135" + "".join(rng.choice("0123456789") for _ in range(4)) + "".join(
        rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    return body + credit_code_check_char(body)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _paragraph(rng: random.Random, topic: str, length: int) -> str:
    sentences = [
        f"围绕{topic}，我们组织服务团队深入企业一线开展调研，梳理企业在创新发展中的知识产权需求。",
        "通过“一企一策”方式，为企业量身制定知识产权服务方案，推动服务资源精准对接。",
        "联合高校、科研院所和知识产权服务机构，搭建产学研协同创新平台，促进专利转化运用。",
        "建立问题清单、责任清单和成效清单，定期跟踪服务进展，确保需求件件有回应。",
        "累计举办专题培训和政策宣讲活动，覆盖企业研发和管理人员，企业知识产权意识明显增强。",
        "促成多项专利许可和质押融资项目落地，有效缓解了中小企业融资难题。",
        "下一步将总结推广经验做法，健全常态化服务机制，持续提升知识产权服务效能。",
    ]
    out = ""
    while len(out) < length:
        out += rng.choice(sentences)
    return out[:length].rstrip("，") + "。"


def fill(store: Store, needs: int = 200, cases: int = 3, seed: int = 2023,
         progress: Progress | None = None) -> None:
    """Add ``needs`` needs and ``cases`` cases; the same seed gives the same records."""
    rng = random.Random(seed)
    choices = builtin_choices()
    regs = regions()
    if not store.has_profile():
        store.set_profile({"unit": "福州市鼓楼区市场监督管理局（示例）", "city": "福州市", "district": "鼓楼区",
                           "reporter": "示例填报人", "phone": "0591-87530216", "year": 2023})
    profile = store.profile()
    levels = choices.values("coord_levels")
    batch: list[dict] = []
    for i in range(needs):
        check(progress)
        city = rng.choice(regs.cities)
        district = rng.choice(regs.districts[city] or ("",))
        trade = rng.choice(_TRADES)
        name = f"{rng.choice(_PREFIXES)}{trade}{rng.choice(_FORMS)}（示例）"
        content = rng.choice(_NEED_TEMPLATES).format(n=rng.randint(2, 30), t=trade, m=rng.randint(1, 50))
        level = rng.choices(levels, weights=(1, 2, 6))[0]
        batch.append({
            "subject_name": name,
            "credit_code": _credit_code(rng) if rng.random() < 0.8 else "",
            "subject_type": rng.choices(choices.values("subject_types"), weights=(12, 1, 1, 1, 1, 1))[0],
            "industry": rng.choice(choices.values("industries")),
            "category": rng.choice(choices.values("need_categories")[:-1]),
            "content": content,
            "coord_level": level,
            "contact": rng.choice("王李张刘陈杨黄吴林郑") + rng.choice(["先生", "女士", "经理", "工"]),
            "phone": _mobile(rng) if rng.random() < 0.7 else f"0591-8{rng.randint(1000000, 9999999)}",
            "remark": rng.choice(["", "", "", "企业急需", "已初步沟通"]),
            "status": rng.choices(choices.values("statuses"), weights=(6, 2, 2, 1))[0],
            "feedback": "",
            "unit": profile["unit"],
            "city": profile["city"] if i % 5 else city,
            "district": profile["district"] if i % 5 else district,
        })
        if len(batch) == 1000:
            store.needs.insert_many(batch, record_ids=[_uuid(rng) for _ in batch])
            batch.clear()
            if progress:
                progress.update(i + 1, needs + cases, "正在生成需求……")
    if batch:
        store.needs.insert_many(batch, record_ids=[_uuid(rng) for _ in batch])
    for j in range(cases):
        check(progress)
        trade = rng.choice(_TRADES)
        prefix = rng.choice(_PREFIXES)
        quarter = CONTENT_LIMIT // 4 - rng.randint(20, 120)
        store.cases.insert_many([{
            "name": rng.choice(_CASE_TITLES).format(p=prefix, t=trade)[:55] + "（示例）",
            "recommender": profile["unit"],
            "city": profile["city"],
            "district": profile["district"],
            "category": rng.choice(choices.values("case_categories")),
            "implementer": f"{profile['district']}市场监督管理局、{prefix}知识产权服务中心（示例）",
            "contact": "示例联系人",
            "position": rng.choice(["科长", "副局长", "主任"]),
            "phone": _mobile(rng),
            "email": f"case{j + 1}@example.com",
            "enterprises": rng.randint(10, 300),
            "activities": rng.randint(2, 40),
            "participants": rng.randint(100, 5000),
            "background": _paragraph(rng, f"{prefix}{trade}产业", quarter),
            "practice": _paragraph(rng, "服务机制创新", quarter),
            "results": _paragraph(rng, "服务成效", quarter),
            "lessons": _paragraph(rng, "经验启示", quarter),
            "opinion": "同意推荐。",
            "unit": profile["unit"],
        }], record_ids=[_uuid(rng)])
    if progress:
        progress.update(needs + cases, needs + cases, "完成")
