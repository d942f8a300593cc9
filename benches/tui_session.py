#!/usr/bin/env python3
"""A scripted session on the real binary in tmux at 120x40:
start -> first frame, G (last event), 100 x k, F G (last finding), 100 x k, q;
each k is sent when the screen shows the one before, so each draws a frame.
Prints seconds per phase and the CPU time and peak RSS from /usr/bin/time -v."""
import subprocess, sys, time, os, re

binary, record, n_events, n_findings, label = sys.argv[1:6]
n_events, n_findings = int(n_events), int(n_findings)
S = "h3m"
out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"hotwash-time-{label}.txt")
if os.path.exists(out):
    os.remove(out)
def tmux(*a):
    return subprocess.run(["tmux", *a], capture_output=True, text=True).stdout
def screen():
    return tmux("capture-pane", "-t", S, "-p")
def wait(pred, what, limit=600):
    t = time.monotonic()
    while time.monotonic() - t < limit:
        s = screen()
        if pred(s):
            return time.monotonic() - t
        time.sleep(0.005)
    raise SystemExit(f"timed out waiting for {what}:\n{screen()}")
tmux("kill-session", "-t", S)
t0 = time.monotonic()
tmux("new-session", "-d", "-s", S, "-x", "120", "-y", "40",
     f"/usr/bin/time -v -o {out} {binary} {record}")
phases = {}
phases["first frame"] = wait(lambda s: "Timeline (" in s, "first frame")
tmux("send-keys", "-t", S, "G")
phases["G"] = wait(lambda s: f" {n_events}/{n_events} " in s, "G")
KEYS = min(100, n_events - 1)
t = time.monotonic()
for i in range(1, KEYS + 1):
    # One key, one frame: each waits for the screen to show it.
    tmux("send-keys", "-t", S, "k")
    wait(lambda s: f" {n_events-i}/{n_events} " in s, "k")
phases[f"{KEYS} k (timeline)"] = time.monotonic() - t
last = f"F{n_findings-1:06}" if n_findings else None
tmux("send-keys", "-t", S, "F")
phases["F"] = wait(lambda s: "Findings (" in s, "F")
if last:
    tmux("send-keys", "-t", S, "G")
    phases["G (findings)"] = wait(lambda s: last in s, "G in findings")
    t = time.monotonic()
    for i in range(1, KEYS + 1):
        tmux("send-keys", "-t", S, "k")
        sel, below = f"F{n_findings-1-i:06}", f"F{n_findings-i:06}"
        wait(lambda s: sel in s and below not in s, "k in findings")
    phases[f"{KEYS} k (findings)"] = time.monotonic() - t
tmux("send-keys", "-t", S, "q")
t = time.monotonic()
while not os.path.exists(out) or os.path.getsize(out) == 0:
    time.sleep(0.02)
    if time.monotonic() - t > 60:
        raise SystemExit("did not quit:\n" + screen())
time.sleep(0.1)
text = open(out).read()
user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", text).group(1)
print(label, " ".join(f"{k}={v:.3f}s" for k, v in phases.items()),
      f"cpu={user+sys_:.2f}s wall={wall} maxrss={rss/1024:.0f}MiB")
