#!/usr/bin/env python3
"""Whole-process figures for the cache (issue 14, "open the 100k record a
second time"): each command run as a user runs it, under /usr/bin/time -v,
in three states per round, the rounds interleaved so that the machine's
load falls on all three alike:

  uncached  --no-cache: parse the RON, as before the cache;
  first     an empty cache: parse, then write the entry (a first open);
  second    the entry is there: the open this is about.

The workbench is timed in tmux (120x40, a socket of its own) from starting
it to the first frame that shows the record's timeline, then q.

  python3 benches/cache_session.py BINARY RECORD [ROUNDS [NAMES]]

NAMES, comma-separated, keeps only those rows (validate, "export json",
"export markdown", stats, workbench).

XDG_CACHE_HOME is pointed at a folder of its own under $TMPDIR, removed at
the end. Prints the median of each state and the ratios second/first and
second/uncached, with the median peak RSS."""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

binary, record = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
only = sys.argv[4].split(",") if len(sys.argv) > 4 else None
home = tempfile.mkdtemp(prefix="hotwash-cache-session-")
env = dict(os.environ, XDG_CACHE_HOME=home, SOURCE_DATE_EPOCH="1700000000")
env.pop("HOTWASH_NO_CACHE", None)
SOCKET = "h14-cache-session"

COMMANDS = {
    "validate": ["validate", record],
    "export json": ["export", record, "--format", "json"],
    "export markdown": ["export", record, "--format", "markdown"],
    "stats": ["stats", record, "--format", "json"],
}


def clear():
    shutil.rmtree(os.path.join(home, "hotwash"), ignore_errors=True)


def timed(args):
    """Wall seconds and peak RSS (MiB) of one run."""
    out = os.path.join(home, "time.txt")
    subprocess.run(["/usr/bin/time", "-v", "-o", out, binary, *args], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    text = open(out).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    h, m, s = wall.groups()
    seconds = (int(h) * 3600 if h else 0) + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return seconds, rss / 1024


def tmux(*a):
    return subprocess.run(["tmux", "-L", SOCKET, *a], capture_output=True, text=True,
                          env=env).stdout


def tui(flags):
    """Seconds from start to the first frame showing the record."""
    tmux("kill-server")
    t0 = time.monotonic()
    # The command line names the cache folder itself: a tmux server does
    # not always hand its client's environment to the session.
    tmux("new-session", "-d", "-s", "s", "-x", "120", "-y", "40",
         " ".join(["env", f"XDG_CACHE_HOME={home}", binary, *flags, record]))
    while time.monotonic() - t0 < 600:
        if "Timeline (" in tmux("capture-pane", "-t", "s", "-p"):
            seconds = time.monotonic() - t0
            break
        time.sleep(0.005)
    else:
        raise SystemExit("the workbench did not show the record")
    tmux("send-keys", "-t", "s", "q")
    time.sleep(0.3)
    tmux("kill-server")
    return seconds, 0.0


def states(run):
    """One round: uncached, first, second."""
    clear()
    uncached = run(["--no-cache"])
    clear()
    first = run([])
    second = run([])
    return uncached, first, second


results = {}
for r in range(rounds):
    for name, args in COMMANDS.items():
        if only and name not in only:
            continue
        results.setdefault(name, []).append(states(lambda flags, a=args: timed([*flags, *a])))
    if shutil.which("tmux") and (not only or "workbench" in only):
        results.setdefault("workbench (tmux)", []).append(states(tui))

print(f"{rounds} rounds, medians; {os.path.basename(record)}")
print("| command | uncached | first open | second open | second / first | second / uncached | peak RSS uncached / second |")
print("|---|---|---|---|---|---|---|")
for name, runs in results.items():
    med = [statistics.median(run[i][0] for run in runs) for i in range(3)]
    rss = [statistics.median(run[i][1] for run in runs) for i in range(3)]
    rss_text = f"{rss[0]:.0f} / {rss[2]:.0f} MiB" if rss[0] else "n/a"
    print(f"| `{name}` | {med[0]:.2f} s | {med[1]:.2f} s | {med[2]:.2f} s | "
          f"{med[2] / med[1]:.2f}× | {med[2] / med[0]:.2f}× | {rss_text} |")
clear()
shutil.rmtree(home, ignore_errors=True)
