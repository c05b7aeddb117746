"""Read a safetensors file with the standard library only, following the
format's specification (8-byte little-endian header length, JSON header,
raw little-endian data), and print one line per tensor: name, shape and
the sum of its values. Checks the layout the way the reference reader does.
"""
import json
import struct
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8 : 8 + n])
data = raw[8 + n :]
meta = header.pop("__metadata__", {})
assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
end = 0
for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
    b, e_ = e["data_offsets"]
    assert e["dtype"] == "F32", name
    assert b == end, name
    count = 1
    for d in e["shape"]:
        count *= d
    assert e_ - b == 4 * count, name
    values = struct.unpack("<%df" % count, data[b:e_])
    print("%s %s %.9g" % (name, "x".join(map(str, e["shape"])), sum(values)))
    end = e_
assert end == len(data)
print("metadata", ",".join(sorted(meta)))
