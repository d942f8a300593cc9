"""Writes the STIX 2.1 bundle misp-stix makes of a MISP event JSON file.

Usage: misp_export.py EVENT.json OUT.json
"""

import json
import sys

from misp_stix_converter import MISPtoSTIX21Parser


def main() -> None:
    source, out = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        event = json.load(f)
    parser = MISPtoSTIX21Parser()
    parser.parse_misp_event(event)
    with open(out, "w", encoding="utf-8") as f:
        f.write(parser.bundle.serialize(pretty=True))
        f.write("\n")


if __name__ == "__main__":
    main()
