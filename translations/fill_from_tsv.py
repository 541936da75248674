#!/usr/bin/env python3
"""Fills unfinished messages of a Qt .ts file from tab-separated translation lists.

Each .tsv line is `context<TAB>source<TAB>translation` (a newline in a source or translation
is written as \\n). Run lupdate first (cmake --build build --target update_translations), then:
    python3 translations/fill_from_tsv.py translations/calibscope_zh_CN.ts pending_*.tsv
Messages still unfinished afterwards are listed, and the exit status is 1 when any remain.
"""
import sys
import xml.etree.ElementTree as ET


def load(paths):
    table = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                parts = line.split("\t")
                if len(parts) != 3:
                    sys.exit(f"{path}:{number}: expected context, source and translation separated by tabs")
                context, source, translation = (p.replace("\\n", "\n") for p in parts)
                table[(context, source)] = translation
    return table


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ts_path, tsv_paths = sys.argv[1], sys.argv[2:]
    table = load(tsv_paths)
    tree = ET.parse(ts_path)
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") != "unfinished":
                continue
            source = message.findtext("source")
            text = table.get((name, source))
            if text is None:
                missing.append((name, source))
                continue
            del translation.attrib["type"]
            if message.get("numerus") == "yes":
                for form in list(translation):
                    translation.remove(form)
                form = ET.SubElement(translation, "numerusform")
                form.text = text
            else:
                translation.text = text
    with open(ts_path, "wb") as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding="utf-8", xml_declaration=False)
    for name, source in missing:
        print(f"untranslated\t{name}\t{source!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
