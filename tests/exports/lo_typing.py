"""Type into a workbook with LibreOffice as a person would, then save it (run by the system Python with uno).

    /usr/bin/python3 tests/exports/lo_typing.py IN.xlsx OUT.xlsx SHEET A1=text B2=text ...

Each value goes through LibreOffice's own input handling (the .uno:EnterString
command, as when typed and confirmed with Enter), so the cell's number format
decides what is stored: digits typed into a Text cell stay text, into a
General cell they become a number. Prints one JSON object: the sheet's
protection, each typed cell's lock, format, type and shown text.
A locked cell of a protected sheet is not typed into: LibreOffice would refuse
with a message box, which a headless LibreOffice cannot show.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno  # noqa: F401  (python3-uno; registers the com.sun.star modules)
from com.sun.star.beans import PropertyValue


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src: str, out: str, sheet_name: str, entries: list[str]) -> None:
    pipe = f"wanlixing-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="lo-typing-") as profile:
        proc = subprocess.Popen(["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                                 "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for _ in range(120):
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    time.sleep(0.5)
            else:
                raise SystemExit("LibreOffice did not start")
            smgr = ctx.ServiceManager
            desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            # A private copy: a lock file left beside the original would make the load fail.
            work = Path(profile) / f"input{Path(src).suffix}"
            work.write_bytes(Path(src).read_bytes())
            doc = desktop.loadComponentFromURL(work.as_uri(), "_blank", 0, (prop("Hidden", True),))
            if doc is None:
                raise SystemExit(f"LibreOffice could not open {src}")
            sheet = doc.Sheets.getByName(sheet_name)
            frame = doc.getCurrentController().getFrame()
            dispatch = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            protected = sheet.isProtected()
            report: dict[str, object] = {"protected": protected, "cells": {}}
            for entry in entries:
                ref, text = entry.split("=", 1)
                cell = sheet.getCellRangeByName(ref)
                locked = cell.CellProtection.IsLocked
                if not (protected and locked):
                    letters = ref.rstrip("0123456789")
                    absolute = f"${letters}${ref[len(letters):]}"  # GoToCell moves only to an absolute address
                    dispatch.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", absolute),))
                    dispatch.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
                report["cells"][ref] = {  # type: ignore[index]
                    "locked": locked,
                    "format": doc.NumberFormats.getByKey(cell.NumberFormat).FormatString,
                    "type": cell.Type.value,
                    "shown": cell.String,
                }
            doc.storeToURL(Path(out).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
            print(json.dumps(report, ensure_ascii=False), flush=True)
            try:
                doc.close(True)
                desktop.terminate()
            except Exception:
                # Saved already. After .uno:EnterString a headless LibreOffice 7.4 may crash while
                # closing the document; the file on disk is complete, so that is not an error here.
                pass
        finally:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            # soffice is a launcher: soffice.bin runs in the same (new) process group and may
            # outlive it; end the group, which holds only what this script started.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


if __name__ == "__main__":
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
