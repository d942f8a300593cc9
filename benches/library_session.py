#!/usr/bin/env python3
"""The library load as a user sees it, on the real binary in tmux at 120x40,
against `hotwash validate` of the same folder on one core and on all.

    python3 benches/library_session.py [--warm] BINARY FOLDER RECORDS [RUNS]

Each run, in turn: `taskset -c 0 hotwash validate FOLDER` (the serial
baseline), `hotwash validate FOLDER` (every core), then `hotwash FOLDER` in
tmux, timed from the start until the screen shows all RECORDS rows loaded
(`Records (N)` and no `Loading`). Each command runs under /usr/bin/time -v
for its CPU share and peak RSS. Prints each run and the medians, with the
ratios taken within each run.

Every command gets the same cache: none (HOTWASH_NO_CACHE=1, the default
here, so each parses every file), or with `--warm` a cache in a scratch
folder (XDG_CACHE_HOME) that an untimed `validate` and `stats` fill first."""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

args = sys.argv[1:]
warm = "--warm" in args
args = [a for a in args if a != "--warm"]
binary, folder, records = args[0], args[1], int(args[2])
runs = int(args[3]) if len(args) > 3 else 3
S = "h14-lib-bench"
TMP = os.environ.get("TMPDIR", "/tmp")
cache_home = tempfile.mkdtemp(prefix="hotwash-lib-cache-")
os.environ["XDG_CACHE_HOME"] = cache_home
if warm:
    os.environ.pop("HOTWASH_NO_CACHE", None)
    # Records and their summaries (which `stats` writes as the library does).
    for warmup in (["validate", folder], ["stats", folder, "--format", "json"]):
        subprocess.run([binary, *warmup], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
else:
    os.environ["HOTWASH_NO_CACHE"] = "1"
cache_env = f"XDG_CACHE_HOME={cache_home} " + ("" if warm else "HOTWASH_NO_CACHE=1 ")

def timed(cmd):
    out = os.path.join(TMP, "h14-lib-time.txt")
    t = time.monotonic()
    subprocess.run(["/usr/bin/time", "-v", "-o", out, *cmd],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t
    return wall, parse(open(out).read())

def parse(text):
    cpu = int(re.search(r"Percent of CPU this job got: (\d+)%", text).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return cpu, rss / 1024

def tmux(*a):
    return subprocess.run(["tmux", "-L", "h14-lib", *a], capture_output=True, text=True).stdout

def tui():
    out = os.path.join(TMP, "h14-lib-tui-time.txt")
    if os.path.exists(out):
        os.remove(out)
    tmux("kill-session", "-t", S)
    t = time.monotonic()
    tmux("new-session", "-d", "-s", S, "-x", "120", "-y", "40",
         f"env {cache_env}/usr/bin/time -v -o {out} {binary} {folder}")
    want = f"Records ({records})"
    while True:
        s = tmux("capture-pane", "-t", S, "-p")
        if want in s and "Loading" not in s:
            loaded = time.monotonic() - t
            break
        if time.monotonic() - t > 900:
            raise SystemExit("timed out:\n" + s)
        # Each look starts a tmux client: looking every 10 ms took a share
        # of the two cores from the workers it times. 50 ms is the error.
        time.sleep(0.05)
    tmux("send-keys", "-t", S, "q")
    t = time.monotonic()
    while not os.path.exists(out) or os.path.getsize(out) == 0:
        time.sleep(0.02)
        if time.monotonic() - t > 60:
            raise SystemExit("did not quit")
    time.sleep(0.1)
    return loaded, parse(open(out).read())

rows = []
for i in range(runs):
    serial, (scpu, srss) = timed(["taskset", "-c", "0", binary, "validate", folder])
    par, (pcpu, prss) = timed([binary, "validate", folder])
    load, (tcpu, trss) = tui()
    rows.append((serial, par, load))
    print(f"run {i+1}: validate serial {serial:.2f}s ({scpu}% CPU, {srss:.0f} MiB) | "
          f"validate {par:.2f}s ({pcpu}% CPU, {prss:.0f} MiB) = {par/serial:.2f}x | "
          f"TUI loaded {load:.2f}s ({tcpu}% CPU, {trss:.0f} MiB) = {load/serial:.2f}x serial",
          flush=True)
med = lambda k: statistics.median(r[k] for r in rows)
ratio = lambda k: statistics.median(r[k] / r[0] for r in rows)
print(f"median: validate serial {med(0):.2f}s, validate {med(1):.2f}s ({ratio(1):.2f}x), "
      f"TUI loaded {med(2):.2f}s ({ratio(2):.2f}x serial validate)")
print(f"cache: {'warm' if warm else 'none (HOTWASH_NO_CACHE=1)'}")
tmux("kill-server")
shutil.rmtree(cache_home, ignore_errors=True)
