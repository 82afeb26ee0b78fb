#!/usr/bin/env python3
"""bench/trace_e2e.py: where each end-to-end sample's time goes, from a
`perf script` listing of the syscall tracepoints that bench/trace-e2e.sh
records (fdatasync, fsync, sendto, recvfrom) while bench-e2e runs.

Usage: perf script -F comm,pid,tid,cpu,time,event,trace \
         | bench/trace_e2e.py SAMPLES BENCH_PID REGISTRY_PID THRESHOLD_PID NOTIFIER_PID

A sample starts when bench-e2e's I/O thread sends its deposit (the last
SAMPLES sends of that process are the measured samples; the ones before are
the preparation and the warm-up) and ends when bench-e2e receives after the
notifier's commit. Sends and receives of 64 bytes or less are ZMTP commands
(heartbeats), not messages, and are left out. In between it is cut at the commits of the three services
on the path, each a fdatasync of the service's main thread:

  pre_reg         deposit sent -> the registry's fdatasync starts
                  (a hop, the registry's handling, the WAL write)
  fsync_reg       the registry's fdatasync
  reg->thr        the registry's fdatasync ends -> the threshold's starts
                  (the rest of COMMIT, publish, a hop, the threshold's work)
  fsync_thr       the threshold service's fdatasync
  thr->no         the threshold's fdatasync ends -> the notifier's starts
  fsync_no        the notifier's fdatasync
  no->bench       the notifier's fdatasync ends -> bench-e2e receives

A fsync or fdatasync by any other thread of these processes, or by a
thread of another ratify-* process (the reporter), is a WAL checkpoint
(common/db.c runs them on a thread of their own), or the reporter's
commit; the slowest samples are listed with those that overlapped them.
With the scheduler's and the block layer's tracepoints in the listing
(sched:sched_switch, block:block_rq_issue), each of those samples also
names the tasks outside the path (not bench-e2e, the registry, the
threshold service or the notifier; idle excepted) that held a CPU for
RAN_MIN_US or more during it, and the writers of WRITE_MIN_KIB or more
issued to the disk during it (the issuing task as the block layer names
it: a kernel worker may issue for another).

Prints `name: value unit` lines, then commentary lines starting with '#'."""
import re
import sys

LINE = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\w+):(\S+):\s*(.*)$")
SECTORS = re.compile(r"\s\+\s(\d+)\s")
SWITCH = re.compile(r"prev_pid=(\d+) .*==> next_comm=(.+?) next_pid=(\d+)")
RAN_MIN_US = 300  # a task outside the path that held a CPU this long is listed
WRITE_MIN_KIB = 64  # and a writer of this much
LEN = re.compile(r"len: (0x[0-9a-f]+)")
COMMAND_MAX = 64  # a ZMTP command (PING, PONG) is shorter; a message is longer


def size_of(event, text):
    """The bytes a sendto sends (its len argument) or a recvfrom received
    (its return value); -1 when the text does not say."""
    try:
        if event == "sys_enter_sendto":
            m = LEN.search(text)
            return int(m.group(1), 16) if m else -1
        if event == "sys_exit_recvfrom":
            return int(text.split()[-1], 0)
    except ValueError:
        pass
    return -1


MARKS = ["start", "reg0", "reg1", "thr0", "thr1", "no0", "no1", "end"]
SEGMENTS = ["pre_reg", "fsync_reg", "reg->thr", "fsync_thr", "thr->no", "fsync_no", "no->bench"]


def pct(values, p):
    """The p-th percentile by nearest rank, as bench/benchutil.c ranks."""
    v = sorted(values)
    if not v:
        return 0
    k = max(1, -(-p * len(v) // 100))  # ceil
    return v[min(len(v), k) - 1]


def s_write_size(text):
    """The bytes a block_rq_issue record writes, from its sector count
    (older kernels print 0 bytes for file system requests); 0 for a read,
    a flush alone or a discard, or a text this script does not read."""
    f = text.split()
    if len(f) < 2 or "W" not in f[1] or "D" in f[1] or not text.endswith("]"):
        return 0
    m = SECTORS.search(text)
    if m:
        return int(m.group(1)) * 512
    return int(f[2]) if len(f) > 2 and f[2].isdigit() else 0


def s_runs(switches, pid_of, path_pids):
    """The stretches of time each thread outside the path held a CPU, from
    the sched_switch records: (start, end, "comm/tid"). A stretch whose end
    names another thread than its start (perf lost records between the
    two) is left out rather than charged to either."""
    runs, on = [], {}
    for t, cpu, prev, nxt, comm in switches:
        if cpu in on:
            start, tid, name = on.pop(cpu)
            if tid == prev and tid != "0" and pid_of.get(tid) not in path_pids:
                runs.append((start, t, "%s/%s" % (name, tid)))
        on[cpu] = (t, nxt, comm)
    return runs


def s_others(runs, writes, start, end):
    """What else used a CPU or the disk between start and end: the threads
    that held a CPU for RAN_MIN_US or more (each thread on its own), the
    writers of WRITE_MIN_KIB or more, as one text ("" when none)."""
    held, wrote = {}, {}
    for a, b, name in runs:
        if b > start and a < end:
            held[name] = held.get(name, 0) + (min(b, end) - max(a, start)) * 1e6
    for t, size, name in writes:
        if start <= t < end:
            wrote[name] = wrote.get(name, 0) + size
    out = []
    ran = sorted(((us, n) for n, us in held.items() if us >= RAN_MIN_US), reverse=True)
    if ran:
        out.append("ran: " + ", ".join("%s %.0f us" % (n, us) for us, n in ran))
    big = sorted(((b, n) for n, b in wrote.items() if b >= WRITE_MIN_KIB * 1024), reverse=True)
    if big:
        out.append("wrote: " + ", ".join("%s %d KiB" % (n, b // 1024) for b, n in big))
    return "  ".join(out)


def main():
    if len(sys.argv) != 6 or not all(a.isdigit() for a in sys.argv[1:]):
        sys.stderr.write("usage: perf script ... | trace_e2e.py SAMPLES BENCH_PID REGISTRY_PID "
                         "THRESHOLD_PID NOTIFIER_PID\n")
        return 2
    want = int(sys.argv[1])
    bench = sys.argv[2]
    main_of = {"reg": sys.argv[3], "thr": sys.argv[4], "no": sys.argv[5]}
    role = {pid: r for r, pid in main_of.items()}
    role[bench] = "bench"
    records = []
    switches = []  # (time, cpu, tid that stops, tid that starts, its comm)
    writes = []  # (time, bytes, issuer)
    pid_of = {"0": "0"}  # tid -> pid, from every record's header
    unparsed = 0  # sched_switch records not in the kernel's own format
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        comm, pid, tid, cpu, t, kind, event, text = m.groups()
        pid_of[tid] = pid
        if kind == "syscalls":
            records.append((float(t), pid, tid, event, comm, size_of(event, text)))
        elif kind == "sched" and event == "sched_switch":
            w = SWITCH.search(text)
            if w:
                switches.append((float(t), cpu, w.group(1), w.group(3), w.group(2)))
            else:
                unparsed += 1
        elif kind == "block" and event == "block_rq_issue":
            size = s_write_size(text)
            if size > 0:
                writes.append((float(t), size, text[text.rindex("[") + 1:-1]))
    if unparsed and not switches:
        sys.stderr.write("trace_e2e: %d sched_switch records in a format this script does not "
                         "read (a libtraceevent plugin?): no task is named\n" % unparsed)
    ran = s_runs(switches, pid_of, set(role))

    starts = [i for i, r in enumerate(records)
              if r[1] == bench and r[3] == "sys_enter_sendto" and r[5] > COMMAND_MAX]
    starts = starts[-want:]
    checkpoints, open_ck = [], {}
    for t, pid, tid, event, comm, _ in records:
        if comm.startswith("ratify-") and (pid not in role or pid != tid):
            if event in ("sys_enter_fdatasync", "sys_enter_fsync"):
                open_ck[tid] = t
            elif event in ("sys_exit_fdatasync", "sys_exit_fsync") and tid in open_ck:
                checkpoints.append((open_ck.pop(tid), t, role.get(pid, comm)))

    samples = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(records)
        s = {"start": records[first][0]}
        for t, pid, tid, event, _, size in records[first + 1:last]:
            step = None
            for svc in ("reg", "thr", "no"):
                if tid == main_of[svc] and pid == tid:
                    if event == "sys_enter_fdatasync":
                        step = svc + "0"
                    elif event == "sys_exit_fdatasync":
                        step = svc + "1"
            if pid == bench and event == "sys_exit_recvfrom" and size > COMMAND_MAX and "no1" in s:
                step = "end"
            if step and step not in s:
                # in path order only: each mark after the one before it
                k = MARKS.index(step)
                if all(m in s for m in MARKS[:k]):
                    s[step] = t
        if all(m in s for m in MARKS):
            samples.append(s)
    if not samples:
        sys.stderr.write("trace_e2e: no complete sample in the trace\n")
        return 1

    rows = []
    for s in samples:
        segs = [(s[MARKS[i + 1]] - s[MARKS[i]]) * 1e6 for i in range(len(SEGMENTS))]
        rows.append(((s["end"] - s["start"]) * 1e6, segs, s))
    print("trace_samples: %d of %d" % (len(rows), len(starts)))
    total = [r[0] for r in rows]
    for p in (50, 90, 99):
        print("trace_total_p%d_us: %.0f us" % (p, pct(total, p)))
    medians = []
    for i, name in enumerate(SEGMENTS):
        v = [r[1][i] for r in rows]
        medians.append(pct(v, 50))
        print("trace_%s_us: p50 %.0f p90 %.0f p99 %.0f" % (name.replace("->", "_to_"),
                                                          pct(v, 50), pct(v, 90), pct(v, 99)))
    per = {}
    for _, _, who in checkpoints:
        per[who] = per.get(who, 0) + 1
    print("trace_checkpoint_syncs: %s" % (", ".join("%s %d" % kv for kv in sorted(per.items()))
                                          or "none"))
    rows.sort(key=lambda r: -r[0])
    worst = rows[:max(1, len(rows) // 50)]
    hit = 0
    print("# the slowest 2%%: total, then %s (us); segments over their median by"
          " more than 100 us; checkpoints that overlapped; tasks outside the path that held a"
          " CPU %d us or more, writers of %d KiB or more" % (" ".join(SEGMENTS), RAN_MIN_US,
                                                            WRITE_MIN_KIB))
    busy = 0
    for tot, segs, s in worst:
        over = ["%s+%.0f" % (SEGMENTS[i], segs[i] - medians[i])
                for i in range(len(SEGMENTS)) if segs[i] - medians[i] > 100]
        ck = sorted({w for a, b, w in checkpoints if b > s["start"] and a < s["end"]})
        hit += bool(ck)
        other = s_others(ran, writes, s["start"], s["end"])
        busy += "ran: " in other
        print("# %7.0f  %s  %s%s%s" % (tot, " ".join("%5.0f" % x for x in segs), " ".join(over),
                                       "  checkpoint: " + ",".join(ck) if ck else "",
                                       "  " + other if other else ""))
    print("trace_worst_with_checkpoint: %d of %d" % (hit, len(worst)))
    if switches:
        print("trace_worst_with_other_task: %d of %d" % (busy, len(worst)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
