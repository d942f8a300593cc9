"""Convert a STIX 2.1 bundle with MISP's converter (misp-stix) and print what
the MISP event holds, as JSON: its notes, its event reports' text, and the
converter's errors and warnings. Offline. Usage: python misp_import.py BUNDLE.json OUTDIR
"""
import json
import pathlib
import sys

from misp_stix_converter import stix_2_to_misp

bundle, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
result = stix_2_to_misp(bundle, debug=True, single_event=True, output_dir=out, overwrite=True)
summary = {"errors": result.get("errors", {}), "warnings": result.get("warnings", {})}
files = result.get("results", [])
if files:
    event = json.loads(pathlib.Path(files[0]).read_text(encoding="utf-8"))
    event = event.get("Event", event)
    summary["info"] = event.get("info")
    summary["tags"] = [t["name"] for t in event.get("Tag", [])]
    summary["notes"] = [
        {"comment": n.get("comment"), "note": n.get("note")} for n in event.get("Note", [])
    ]
    summary["event_reports"] = [r.get("content") for r in event.get("EventReport", [])]
    summary["galaxy_clusters"] = [
        {"value": c.get("value"), "description": c.get("description")}
        for g in event.get("Galaxy", [])
        for c in g.get("GalaxyCluster", [])
    ]
print(json.dumps(summary, indent=1))
