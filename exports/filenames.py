"""Default names of exported files: they say what they are, e.g.
``2023年万里行需求清单_福州市鼓楼区_20230518.xlsx``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from forms import FORMS

# Files that are not one of the forms.
_OTHER_TITLES = {"feedback": "万里行需求反馈", "progress": "万里行需求办理进展"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def default_filename(form_id: str, profile: Mapping[str, object], ext: str,
                     today: dt.date | None = None, consolidated: bool = False,
                     template: bool = False) -> str:
    today = today or dt.date.today()
    year = profile.get("year") or today.year
    title = _OTHER_TITLES.get(form_id) or f"万里行{FORMS[form_id].document_name}"
    if template:
        return f"{year}年{title}_空白模板.{ext.lstrip('.')}"
    if consolidated:
        title += "汇总"
    region = f"{profile.get('city') or ''}{'' if consolidated else profile.get('district') or ''}"
    parts = [f"{year}年{title}", region or str(profile.get("unit") or ""), today.strftime("%Y%m%d")]
    name = "_".join(p for p in parts if p)
    return _UNSAFE.sub("", name) + "." + ext.lstrip(".")
