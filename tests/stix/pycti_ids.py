"""Ask OpenCTI's client (pycti) for the id of every external reference in a
STIX bundle, as its import does (ExternalReference.generate_id(url,
source_name, external_id)); a reference it gives no id is skipped on import.
Offline: generate_id needs no server. Prints one JSON line per reference.
Usage: python pycti_ids.py BUNDLE.json
"""
import json
import sys

from pycti import ExternalReference

bundle = json.load(open(sys.argv[1], encoding="utf-8"))
for obj in bundle["objects"]:
    for ref in obj.get("external_references", []):
        ref_id = ExternalReference.generate_id(
            ref.get("url"), ref.get("source_name"), ref.get("external_id")
        )
        print(json.dumps({"object": obj["id"], "external_id": ref.get("external_id"), "id": ref_id}))
