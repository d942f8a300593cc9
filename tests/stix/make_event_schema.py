"""Write an offline JSON schema of the OASIS Incident Core `event` object for
`stix2_validator --schemas DIR`.

The validator checks an object against a schema named after each of its
extensions; this one is named after the event extension, so every event is
held to the Incident Core 2.0 specification (section 2.2, "Event": required
`status`, the event-status and timestamp-fidelity enumerations, timestamps),
on top of the STIX common properties from the schemas the validator ships.
Written from the specification's property table, with local references so no
network is needed. Usage: python make_event_schema.py OUTDIR
"""
import json
import pathlib
import sys

import stix2validator

EXT = "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e"
common = pathlib.Path(stix2validator.__file__).parent / "schemas-2.1" / "schemas" / "common"


def ref(name):
    return {"$ref": (common / name).as_uri()}


fidelity = {"type": "string", "enum": ["second", "minute", "hour", "day", "month", "year"]}
schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": EXT + ".json",
    "title": "event (Incident Core 2.0)",
    "type": "object",
    "allOf": [
        ref("core.json"),
        {
            "required": ["type", "status", "extensions"],
            "properties": {
                "type": {"const": "event"},
                "id": {"type": "string", "pattern": "^event--"},
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "goal": {"type": "string", "minLength": 1},
                "status": {
                    "type": "string",
                    "enum": ["ongoing", "occurred", "not-occurred", "pending", "undetermined"],
                },
                "event_types": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "start_time": ref("timestamp.json"),
                "start_time_fidelity": fidelity,
                "end_time": ref("timestamp.json"),
                "end_time_fidelity": fidelity,
                "extensions": {
                    "type": "object",
                    "required": [EXT],
                    "properties": {
                        EXT: {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["extension_type"],
                            "properties": {"extension_type": {"const": "new-sdo"}},
                        }
                    },
                },
            },
            "dependencies": {
                "start_time_fidelity": ["start_time"],
                "end_time_fidelity": ["end_time"],
            },
        },
    ],
}

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
(out / (EXT + ".json")).write_text(json.dumps(schema, indent=2), encoding="utf-8")
print(f"wrote {out / (EXT + '.json')}")
