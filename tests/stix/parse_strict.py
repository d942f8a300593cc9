"""Parse a STIX 2.1 bundle with the OASIS `stix2` library, strictly
(allow_custom=False), knowing the OASIS Incident Core `event` object.

`stix2` refuses any object type it has no class for, and the bundle's
timeline is made of Incident Core events (a new SDO defined by
extension-definition--4ca6de00-...). This registers that type with the
properties of the Incident Core specification, so events are checked
property by property (the enumerations included) instead of passed through,
then parses and round-trips the bundle as ../shared/tools/stix/parse_with_stix2.py
does. Usage: python parse_strict.py BUNDLE.json
"""
import sys

import stix2
from stix2.exceptions import STIXError
from stix2.properties import (
    EnumProperty,
    ListProperty,
    ReferenceProperty,
    StringProperty,
    TimestampProperty,
)
from stix2.v21 import CustomObject

EVENT_EXTENSION = "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e"
# Incident Core 2.0, section 2.2 (event) and its enumerations.
STATUS = ["ongoing", "occurred", "not-occurred", "pending", "undetermined"]
FIDELITY = ["second", "minute", "hour", "day", "month", "year"]


@CustomObject(
    "event",
    [
        ("name", StringProperty()),
        ("description", StringProperty()),
        ("goal", StringProperty()),
        ("status", EnumProperty(STATUS, required=True)),
        ("event_types", ListProperty(StringProperty)),
        ("start_time", TimestampProperty()),
        ("start_time_fidelity", EnumProperty(FIDELITY)),
        ("end_time", TimestampProperty()),
        ("end_time_fidelity", EnumProperty(FIDELITY)),
        ("sighting_refs", ListProperty(ReferenceProperty(valid_types="sighting", spec_version="2.1"))),
    ],
    extension_name=EVENT_EXTENSION,
)
class Event:
    def __init__(self, start_time=None, end_time=None, **kwargs):
        # "If start_time and end_time are both defined, then end_time MUST be
        # later than the start_time value."
        if start_time is not None and end_time is not None and not end_time > start_time:
            raise ValueError(f"end_time {end_time} is not later than start_time {start_time}")


path = sys.argv[1]
raw = open(path, encoding="utf-8").read()
try:
    bundle = stix2.parse(raw, allow_custom=False, version="2.1")
    again = stix2.parse(bundle.serialize(), allow_custom=False, version="2.1")
except (STIXError, ValueError) as e:
    print(f"STIX2-PARSE-FAIL {path}: {type(e).__name__}: {e}")
    sys.exit(1)
assert [o.id for o in again.objects] == [o.id for o in bundle.objects]
loose = [o for o in bundle.objects if isinstance(o, dict)]
if loose:
    print(f"STIX2-PARSE-FAIL {path}: {len(loose)} objects were passed through unchecked")
    sys.exit(1)
print(f"stix2 {stix2.__version__}: parsed {type(bundle).__name__} with {len(bundle.objects)} objects")
