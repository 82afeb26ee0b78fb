#!/usr/bin/env python3
"""bench/trace_e2e.py against a made-up `perf script` listing of one
end-to-end sample: its segments, the checkpoint that overlapped it, the
threads outside the path that held a CPU (counted within the sample only)
and the writers that wrote to the disk meanwhile (from the sector count, in
the kernel's new and old formats). Not named: short runs, two short runs of
one name, path threads, idle, a run whose records were lost, small writes,
reads and flushes.

Usage: test_trace_e2e.py PATH/TO/bench/trace_e2e.py"""
import subprocess
import sys

BENCH, REG, THR, NO, REP = 100, 200, 300, 400, 500


def sc(comm, pid, tid, cpu, t, event, text):
    return "%16s %d/%d [%03d] %.6f: syscalls:%s: %s" % (comm, pid, tid, cpu, t, event, text)


def switch(comm, pid, tid, cpu, t, nxt, nxt_pid):
    return ("%16s %d/%d [%03d] %.6f: sched:sched_switch: prev_comm=%s prev_pid=%d prev_prio=120"
            " prev_state=S ==> next_comm=%s next_pid=%d next_prio=120"
            % (comm, pid, tid, cpu, t, comm, tid, nxt, nxt_pid))


def write(t, size, issuer, rwbs="WS"):
    return ("    kworker/1:0H 24/24 [001] %.6f: block:block_rq_issue: 254,0 %s %d () 321747136 + %d"
            " 0x2,0,4 [%s]" % (t, rwbs, size, size // 512, issuer))


LISTING = [
    # a ZMTP heartbeat from bench-e2e: not a sample
    sc("ZMQbg/IO/0", BENCH, BENCH + 1, 0, 0.999, "sys_enter_sendto",
       "fd: 0x0000000c, buff: 0x7f0, len: 0x00000020, flags: 0x00000000"),
    sc("ZMQbg/IO/0", BENCH, BENCH + 1, 0, 1.000000, "sys_enter_sendto",
       "fd: 0x0000000c, buff: 0x7f0, len: 0x00000090, flags: 0x00000000"),
    sc("ratify-registry", REG, REG, 0, 1.000100, "sys_enter_fdatasync", "fd: 0x00000005"),
    # kdamond takes CPU 1 from the threshold service's I/O thread for 500 us
    switch("ZMQbg/IO/0", THR, THR + 1, 1, 1.000200, "kdamond.0", 78),
    # a path thread (the threshold service's I/O thread) on CPU 0 for 600 us: not named
    switch("swapper/0", 0, 0, 0, 1.000200, "ZMQbg/IO/0", THR + 1),
    sc("ratify-registry", REG, REG, 0, 1.000300, "sys_exit_fdatasync", "0x0"),
    # the reporter's checkpoint, and its 128 KiB; a 4 KiB write is not named
    sc("ratify-reporter", REP, REP + 2, 1, 1.000400, "sys_enter_fdatasync", "fd: 0x00000007"),
    sc("ratify-threshol", THR, THR, 0, 1.000500, "sys_enter_fdatasync", "fd: 0x00000005"),
    write(1.000600, 131072, "ratify-reporter"),
    write(1.000650, 4096, "ratify-registry"),
    switch("kdamond.0", 78, 78, 1, 1.000700, "ratify-reporte", REP),
    sc("ratify-threshol", THR, THR, 0, 1.000700, "sys_exit_fdatasync", "0x0"),
    # the reporter on CPU 1 for 100 us: too short to name
    switch("ratify-reporte", REP, REP, 1, 1.000800, "swapper/1", 0),
    switch("ZMQbg/IO/0", THR, THR + 1, 0, 1.000800, "swapper/0", 0),
    sc("ratify-reporter", REP, REP + 2, 1, 1.000900, "sys_exit_fdatasync", "0x0"),
    sc("ratify-notifier", NO, NO, 0, 1.000900, "sys_enter_fdatasync", "fd: 0x00000005"),
    sc("ratify-notifier", NO, NO, 0, 1.001100, "sys_exit_fdatasync", "0x0"),
    sc("ZMQbg/IO/0", BENCH, BENCH + 1, 0, 1.001200, "sys_exit_recvfrom", "0x90"),
    # a kernel worker from before the sample into it: 400 us of it count
    switch("ratify-reporte", REP, REP, 2, 0.999500, "kworker/0:2", 33),
    switch("kworker/0:2", 33, 33, 2, 1.000400, "ratify-reporte", REP),
    # idle for 900 us: not named
    switch("ratify-reporte", REP, REP, 3, 1.000100, "swapper/3", 0),
    switch("swapper/3", 0, 0, 3, 1.001000, "ratify-reporte", REP),
    # two threads of one name, 200 us each on two CPUs: neither is named
    switch("swapper/4", 0, 0, 4, 1.000100, "tokio-rt-worker", 68),
    switch("tokio-rt-worker", 1, 68, 4, 1.000300, "swapper/4", 0),
    switch("swapper/5", 0, 0, 5, 1.000100, "tokio-rt-worker", 70),
    switch("tokio-rt-worker", 1, 70, 5, 1.000300, "swapper/5", 0),
    # records lost between a thread's start and another's end: not charged
    switch("swapper/6", 0, 0, 6, 1.000100, "lost-start", 900),
    switch("lost-end", 901, 901, 6, 1.001000, "swapper/6", 0),
    # a read, a flush; a write in the old format (0 bytes, the sectors count)
    write(1.000610, 131072, "ratify-notifier", "RA"),
    "    kworker/1:0H 24/24 [001] 1.000620: block:block_rq_issue: 254,0 FF 0 () 0 + 0 [kworker/1:0H]",
    "    kworker/1:0H 24/24 [001] 1.000630: block:block_rq_issue: 254,0 WS 0 () 321747136 + 256"
    " [ratify-threshol]",
]


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__ + "\n")
        return 2
    run = subprocess.run([sys.executable, sys.argv[1], "1", str(BENCH), str(REG), str(THR),
                          str(NO)], input="\n".join(LISTING) + "\n", capture_output=True,
                         text=True, check=False)
    out = run.stdout
    failed = 0

    def check(ok, what):
        nonlocal failed
        if not ok:
            failed += 1
            sys.stderr.write("FAIL: %s\n" % what)

    check(run.returncode == 0, "exit status %d (%s)" % (run.returncode, run.stderr.strip()))
    check("trace_samples: 1 of 1" in out, "one sample")
    check("trace_total_p50_us: 1200 us" in out, "the sample's total")
    for seg in ("pre_reg_us: p50 100 ", "fsync_reg_us: p50 200 ", "reg_to_thr_us: p50 200 ",
                "fsync_thr_us: p50 200 ", "thr_to_no_us: p50 200 ", "fsync_no_us: p50 200 ",
                "no_to_bench_us: p50 100 "):
        check("trace_" + seg in out, seg)
    check("checkpoint: ratify-reporter" in out, "the overlapping checkpoint")
    check("ran: kdamond.0/78 500 us, kworker/0:2/33 400 us  " in out,
          "the threads that held a CPU, within the sample")
    for name in ("ZMQbg", "ratify-reporte/", "swapper", "tokio", "lost-"):
        check(name not in out, "not named: " + name)
    check("wrote: " in out and "ratify-reporter 128 KiB" in out.split("wrote: ")[-1],
          "the writer")
    check("ratify-threshol 128 KiB" in out, "a write in the old format")
    for name in ("ratify-registry", "ratify-notifier", "kworker/1:0H"):
        check(name not in out, "not named: " + name)
    check("trace_worst_with_other_task: 1 of 1" in out, "the count of such samples")
    if failed:
        sys.stderr.write(out)
    print("%d checks failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
