#!/usr/bin/env python3
"""Whole-command exports against `validate` of the same record, in paired runs.

    python3 benches/export_whole.py [--warm] BINARY RECORD [ROUNDS] [FORMAT...]

Each round runs `BINARY validate RECORD`, then `BINARY export RECORD
--format F` for every format, standard output into a file in a scratch
folder (written, not thrown away), each under `/usr/bin/time -f "%e %M"`.
Both commands get the same cache: none (`--no-cache`, the default here, so
every command parses the RON), or with `--warm` a cache in the scratch
folder (`XDG_CACHE_HOME`) that one untimed `validate` fills first. Prints, per command, the median elapsed time,
the median of its ratio to the validate of the same round, and the median
peak RSS, also as a multiple of the record's size. Each export is followed by
`head -c SIZE /dev/zero` into a new file of the export's size: the cost of
putting that many bytes into the page cache, which no renderer can avoid;
the "floor" column is (validate + that write) / validate, the ratio an
export would have if rendering cost nothing. Defaults: 5 rounds;
markdown html json stix (pdf refuses reports this large)."""
import os, shutil, statistics, subprocess, sys, tempfile

args = sys.argv[1:]
warm = "--warm" in args
args = [a for a in args if a != "--warm"]
binary, record = args[0], args[1]
rounds = int(args[2]) if len(args) > 2 else 5
formats = args[3:] or ["markdown", "html", "json", "stix"]
size = os.path.getsize(record)
scratch = tempfile.mkdtemp(prefix="hotwash-export-whole-")
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", XDG_CACHE_HOME=os.path.join(scratch, "cache"))
env.pop("HOTWASH_NO_CACHE", None)

no_cache = [] if warm else ["--no-cache"]
validate = [binary, "validate", record] + no_cache
if warm:
    subprocess.run(validate, stdout=subprocess.DEVNULL, env=env, check=True)

def timed(cmd, out_path):
    stats = os.path.join(scratch, "time.txt")
    with open(out_path, "wb") as out:
        run = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats, *cmd],
                             stdout=out, stderr=subprocess.PIPE, env=env)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stderr.decode()}")
    elapsed, rss_kib = open(stats).read().split()[-2:]
    return float(elapsed), int(rss_kib) * 1024, os.path.getsize(out_path)

rows = {"validate": []}
floors = {}
for f in formats:
    rows[f] = []
    floors[f] = []
for r in range(rounds):
    base = timed(validate, os.devnull)
    rows["validate"].append((*base, 1.0))
    for f in formats:
        t = timed([binary, "export", record, "--format", f] + no_cache, os.path.join(scratch, f"out.{f}"))
        rows[f].append((*t, t[0] / base[0]))
        zeros = os.path.join(scratch, "zeros")
        w = timed(["head", "-c", str(t[2]), "/dev/zero"], zeros)
        os.remove(zeros)
        floors[f].append((base[0] + w[0]) / base[0])
    print(f"round {r + 1}/{rounds} done", file=sys.stderr)

print(f"record: {record} ({size / 1e6:.0f} MB); {rounds} rounds; cache: {'warm' if warm else 'none (--no-cache)'}")
print("| command | elapsed (median) | ratio to validate (median of pairs) | floor (median) | max RSS (median) | RSS / file | output |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, runs in rows.items():
    elapsed = statistics.median(x[0] for x in runs)
    rss = statistics.median(x[1] for x in runs)
    ratio = statistics.median(x[3] for x in runs)
    out = runs[-1][2]
    label = "validate" if name == "validate" else f"export --format {name}"
    floor = "" if name == "validate" else f"{statistics.median(floors[name]):.2f}×"
    print(f"| `{label}` | {elapsed:.2f} s | {ratio:.2f}× | {floor} | {rss / 2**20:.0f} MiB | {rss / size:.2f}× | "
          + ("" if name == "validate" else f"{out / 1e6:.0f} MB") + " |")
for f in formats:
    os.remove(os.path.join(scratch, f"out.{f}"))
os.remove(os.path.join(scratch, "time.txt"))
shutil.rmtree(os.path.join(scratch, "cache"), ignore_errors=True)
os.rmdir(scratch)
