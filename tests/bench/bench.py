#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark, inside the test VM (scripts/bench.sh boots it).

The load generator runs in its own network namespace, pinned to CPU 1, and
reaches the server over a veth pair; the server side's receive processing
is steered to CPU 0 with RPS, and daemons are pinned to CPU 0, so CPU 0 does
the server's work and nothing else.  aesni_intel is loaded first, as udev
does on a real server.

--mode timing (the default): for each configuration, the highest request
rate answered with at most 1 % loss (doubling, then bisecting), the CPU 0
time per reply at that rate, and the T3 - T2 and round-trip spread.

--mode insns (needs scripts/vm.sh -q, the qinsn TCG plugin): at one rate
that every server sustains, for each configuration and trial, the guest
instructions CPU 0 retires per reply: (instructions in the load window -
CPU 0's idle rate x the window) / the replies the server's own counters
count in it; the idle rate comes from a window of the same length just
before, with the server running and no load.  The windows are marked by
writing "QINSN <label>" to $KNTS_QINSN_TTY; the plugin's counts are read
back from $KNTS_QINSN_LOG.

    bench.py [--mode timing|insns] [--trials N] [--window SECONDS]
             [--rate REQ_PER_S] OUTPUT.json
    bench.py --profile OUTPUT
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOAD = os.path.join(TOP, "build", "bench", "ntsload")
KNTSD = os.path.join(TOP, "userspace", "kntsd", "kntsd")
KNTSCTL = os.path.join(TOP, "userspace", "kntsctl", "kntsctl")
WORK = "/tmp/bench"
SERVER, NAME = "10.77.0.1", "bench.knts"
SOURCES = [f"10.77.0.{i}" for i in range(2, 10)]
RUN_SECONDS = float(os.environ.get("KNTS_BENCH_SECONDS", "2"))
MAX_LOSS = 0.01


def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, shell=True, check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def load_aesni():
    """aesni_intel, as udev loads it on a real server; the outcome."""
    r = sh("modprobe aesni_intel", check=False)
    return {"loaded": os.path.isdir("/sys/module/aesni_intel"),
            "modprobe": r.stdout.strip()}


def crypto_drivers():
    """/proc/crypto's aes, cmac(...) and ctr(...) entries (not GCM, XTS...):
    name, driver, module, priority, type."""
    out, cur = [], {}
    for line in open("/proc/crypto").read().splitlines() + [""]:
        if not line.strip():
            n = cur.get("name", "")
            if n == "aes" or n.lstrip("_").startswith(("cmac(", "ctr(")):
                out.append(cur)
            cur = {}
            continue
        k, _, v = line.partition(":")
        if k.strip() in ("name", "driver", "module", "priority", "type"):
            cur[k.strip()] = v.strip()
    return out


def knts_params():
    d = "/sys/module/knts/parameters"
    if not os.path.isdir(d):
        return None
    return {p: open(os.path.join(d, p)).read().strip() for p in sorted(os.listdir(d))}


def setup_network():
    sh("ip netns add gen")
    sh("ip link add vsrv type veth peer name vgen")
    sh("ip link set vgen netns gen")
    sh(f"ip addr add {SERVER}/24 dev vsrv && ip link set vsrv up")
    for a in SOURCES:
        sh(f"ip -n gen addr add {a}/24 dev vgen")
    sh("ip -n gen link set vgen up && ip -n gen link set lo up")
    # Server-side receive work on CPU 0, the generator's on CPU 1.
    sh("echo 1 > /sys/class/net/vsrv/queues/rx-0/rps_cpus")
    sh("ip netns exec gen sh -c 'echo 2 > /sys/class/net/vgen/queues/rx-0/rps_cpus'")
    # No transparent huge pages: khugepaged's collapses and page clearing
    # landed in some windows and not others (the same for every server).
    sh("echo never > /sys/kernel/mm/transparent_hugepage/enabled", check=False)
    sh("echo never > /sys/kernel/mm/transparent_hugepage/defrag", check=False)
    with open("/etc/hosts", "a") as f:
        f.write(f"{SERVER} {NAME}\n")
    os.makedirs(WORK, exist_ok=True)
    os.chmod(WORK, 0o755)
    sh(f"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
       f"-nodes -days 2 -subj /CN={NAME} -addext subjectAltName=DNS:{NAME} "
       f"-keyout {WORK}/key.pem -out {WORK}/cert.pem")
    os.chmod(f"{WORK}/cert.pem", 0o644)
    sh(f"cp {WORK}/key.pem {WORK}/chrony-key.pem && chown _chrony: {WORK}/chrony-key.pem")


def cpu0():
    """CPU 0's ticks by kind (user nice system idle iowait irq softirq)."""
    for line in open("/proc/stat"):
        if line.startswith("cpu0 "):
            v = [int(x) for x in line.split()[1:8]]
            return dict(zip(("user", "nice", "system", "idle", "iowait",
                             "irq", "softirq"), v))
    raise RuntimeError("no cpu0 in /proc/stat")


def proc_ticks(pid):
    if not pid:
        return 0
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])    # utime + stime


def cpu_per_reply(c0, c1, p0, p1, replies):
    """CPU 0's busy and softirq time, and the daemon's, per reply (us)."""
    hz = os.sysconf("SC_CLK_TCK")
    d = {k: c1[k] - c0[k] for k in c0}
    busy = sum(v for k, v in d.items() if k not in ("idle", "iowait"))
    n = max(replies, 1)
    return {"cpu0_busy_us_per_reply": busy / hz / n * 1e6,
            "cpu0_softirq_us_per_reply": d["softirq"] / hz / n * 1e6,
            "process_us_per_reply": (p1 - p0) / hz / n * 1e6}


def load_cmd(args, rate, seconds):
    return (f"taskset -c 1 ip netns exec gen {LOAD} -s {NAME} --ca {WORK}/cert.pem "
            f"-r {rate:.0f} -d {seconds} -T 1 -S 16 --sessions 16 --verify 50 "
            + " ".join(f"--bind {a}" for a in SOURCES) + " " + args)


def load(args, rate):
    r = sh(load_cmd(args, rate, RUN_SECONDS), check=False)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"ntsload failed: {r.stdout}")


def measure(args, rate, pid):
    c0, p0 = cpu0(), proc_ticks(pid)
    res = load(args, rate)
    c1, p1 = cpu0(), proc_ticks(pid)
    res.update(cpu_per_reply(c0, c1, p0, p1, res["valid"]))
    res["ok"] = (res["loss"] <= MAX_LOSS and res["verify_failed"] == 0 and
                 res["rate"] >= 0.95 * rate * (1 - MAX_LOSS))
    print(f"    {rate:9.0f}/s: {res['rate']:9.0f} valid/s, loss {res['loss']:.3%}, "
          f"cpu0 {res['cpu0_busy_us_per_reply']:.1f} us/reply", flush=True)
    return res


def find_max(args, pid):
    """Highest rate with <= 1 % loss: doubling, then four bisections."""
    good, bad, rate = None, None, 1000.0
    while rate <= 4e6:
        r = measure(args, rate, pid)
        if not r["ok"]:
            bad = rate
            break
        good = r
        rate *= 2
    lo = good["target_rate"] if good else 0.0
    hi = bad if bad else rate
    for _ in range(4):
        mid = (lo + hi) / 2
        if mid < 500:
            break
        r = measure(args, mid, pid)
        if r["ok"]:
            good, lo = r, mid
        else:
            hi = mid
    if good is None:
        raise RuntimeError("not even 500 requests/s without loss")
    # The spread at a moderate load (half the maximum), where queueing does
    # not dominate the server's own processing time.
    mod = measure(args, good["target_rate"] / 2, pid)
    good["t3_t2_us_half_load"] = mod["t3_t2_us"]
    good["rtt_us_half_load"] = mod["rtt_us"]
    return good


def wait_port(port, proto="tcp"):
    for _ in range(100):
        out = sh(f"ss -Hln{'t' if proto == 'tcp' else 'u'} sport = :{port}", check=False).stdout
        if out.strip():
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {proto} {port}")


def start(cmd):
    p = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, preexec_fn=os.setsid)
    return p


def stop(p):
    if p and p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(10)


def kntsd_conf(extra=""):
    conf = f"{WORK}/kntsd.conf"
    with open(conf, "w") as f:
        f.write(f"ntsserverkey {WORK}/key.pem\nntsservercert {WORK}/cert.pem\n"
                f"ntsdumpdir {WORK}/dump\nkntscontrol {WORK}/kntsd.sock\n"
                f"kntslocal stratum 1\nntsprocesses 1\nkntsuser root\nallow\n{extra}")
    return conf


def profile(out):
    """perf on CPU 0 while knts.ko serves NTS at a fixed rate."""
    setup_network()
    load_aesni()
    sh("modprobe knts")
    kd = start(f"taskset -c 0 {KNTSD} -f {kntsd_conf()}")
    wait_port(4460)
    time.sleep(1)
    rate = float(os.environ.get("KNTS_PROFILE_RATE", "6000"))
    perf = subprocess.Popen(f"perf record -q -C 0 -g -e cpu-clock -o {WORK}/perf.data "
                            f"-- sleep {RUN_SECONDS + 1}", shell=True)
    r = measure("", rate, None)
    perf.wait()
    rep = sh(f"perf report -i {WORK}/perf.data --stdio --no-children "
             f"--sort sym --percent-limit 0.7 -g none 2>/dev/null").stdout
    with open(out, "w") as f:
        f.write(json.dumps(r) + "\n" + rep)
    print(rep)
    stop(kd)


def timing_main(out):
    setup_network()
    aesni = load_aesni()
    results = {}

    print("== knts.ko (kernel path)", flush=True)
    sh("modprobe knts")
    kd = start(f"taskset -c 0 {KNTSD} -f {kntsd_conf()}")
    wait_port(4460)
    time.sleep(1)
    results["knts_nts"] = find_max("", None)
    results["knts_plain"] = find_max("--plain", None)
    crypto, params = crypto_drivers(), knts_params()
    stop(kd)
    sh("rmmod knts")

    print("== kntsd, userspace fallback", flush=True)
    kd = start(f"taskset -c 0 {KNTSD} -f {kntsd_conf('kntsntp userspace')}")
    wait_port(4460)
    wait_port(123, "udp")
    time.sleep(1)
    results["kntsd_nts"] = find_max("", int(sh("pidof kntsd").stdout.split()[0]))
    stop(kd)

    print("== chronyd 4.3", flush=True)
    cd, pid, ver = start_chronyd()
    results["chronyd_nts"] = find_max("", pid)
    results["chronyd_plain"] = find_max("--plain", pid)
    stop(cd)

    report = {
        "setup": {
            "kernel": os.uname().release,
            "cpus": os.cpu_count(),
            "chrony": ver,
            "run_seconds": RUN_SECONDS,
            "max_loss": MAX_LOSS,
            "aesni_intel": aesni,
            "crypto_with_knts": crypto,
            "knts_parameters": params,
            "method": "generator in a netns pinned to CPU 1 over veth (8 source "
                      "addresses, 16 ports); server receive work steered to "
                      "CPU 0 by RPS, daemons pinned to CPU 0",
        },
        "results": results,
    }
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


# --- instructions per reply (the qinsn plugin) ---

class Marks:
    """Marks in the plugin's count log: mark(label) -> (host ns, [insns per vCPU])."""

    def __init__(self):
        self.tty = os.environ.get("KNTS_QINSN_TTY")
        self.log = os.environ.get("KNTS_QINSN_LOG")
        if not self.tty or not self.log:
            raise RuntimeError("no qinsn plugin: boot with scripts/vm.sh -q")
        self.seen = set()

    def read(self):
        rows = {}
        try:
            text = open(self.log).read()
        except FileNotFoundError:
            return rows
        for line in text.split("\n")[:-1]:      # whole lines only
            f = line.split()
            if len(f) >= 3:
                rows[f[0]] = (int(f[1]), [int(x) for x in f[2:]])
        return rows

    def mark(self, label):
        assert " " not in label and label not in self.seen
        self.seen.add(label)
        fd = os.open(self.tty, os.O_WRONLY | os.O_NOCTTY)
        try:
            os.write(fd, f"QINSN {label}\n".encode())
        finally:
            os.close(fd)
        # The plugin polls the file every 0.5 ms: wait for the snapshot, so
        # that it is taken before what follows the mark starts.
        for _ in range(2000):
            row = self.read().get(label)
            if row:
                return row
            time.sleep(0.005)
        raise RuntimeError(f"the qinsn plugin did not record mark {label}")


def knts_counters(sock):
    def get():
        j = json.loads(sh(f"{KNTSCTL} -j -c {sock} serverstats").stdout)
        j["replies"] = (j["authenticated_ntp_packets"] + j["unauthenticated_ntp_replies"]
                        + j["nts_naks_sent"] + j["rate_kods_sent"])
        return j
    return get


def chronyd_counters():
    """chronyc serverstats over the Unix socket; replies = received - dropped."""
    j = {}
    for line in sh("chronyc -n serverstats").stdout.splitlines():
        k, _, v = line.partition(":")
        v = v.strip()
        if v.isdigit():
            j[k.strip().lower().replace(" ", "_").replace("-", "_")] = int(v)
    j["replies"] = j["ntp_packets_received"] - j["ntp_packets_dropped"]
    return j


def load_ready(args, rate, seconds):
    """ntsload with its NTS-KE done, waiting for the go (a line on stdin)."""
    p = subprocess.Popen(load_cmd(args + " --wait-go", rate, seconds), shell=True,
                         text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    early = []
    while True:
        line = p.stderr.readline()
        if not line or line.strip() == "ready":
            break
        early.append(line)
    if not line:
        p.kill()
        raise RuntimeError(f"ntsload failed before the load: {''.join(early)}")
    time.sleep(0.5)          # the NTS-KE connections' last work, outside the window
    return p


def insn_trial(marks, tag, args, rate, window, counters, pid):
    # CPU 0's idle rate, the server running, no load, no load generator.
    i0 = marks.mark(f"{tag}.idle0")
    time.sleep(window + 0.3)     # as long as the load: ntsload waits 0.3 s for late replies
    i1 = marks.mark(f"{tag}.idle1")
    # The load generator does NTS-KE first and waits for the go.
    p = load_ready(args, rate, window)
    s0, c0, p0 = counters(), cpu0(), proc_ticks(pid)
    m0 = marks.mark(f"{tag}.load0")
    stdout, stderr = p.communicate("go\n")
    m1 = marks.mark(f"{tag}.load1")
    s1, c1, p1 = counters(), cpu0(), proc_ticks(pid)
    try:
        res = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"ntsload failed: {stdout} {stderr}")
    ds = {k: s1[k] - s0[k] for k in s1 if isinstance(s1[k], int) and k in s0}
    replies = ds["replies"]
    n = max(replies, 1)
    idle_ns, idle_insns = i1[0] - i0[0], i1[1][0] - i0[1][0]
    idle_rate = idle_insns / idle_ns             # instructions per ns
    win_ns, win_insns = m1[0] - m0[0], m1[1][0] - m0[1][0]
    t = {
        "insns_per_reply": (win_insns - idle_rate * win_ns) / n,
        "insns_per_reply_raw": win_insns / n,
        "replies": replies,
        "window_s": win_ns / 1e9,
        "window_insns_cpu0": win_insns,
        "window_insns_cpu1": m1[1][1] - m0[1][1],
        "idle_window_s": idle_ns / 1e9,
        "idle_insns_cpu0": idle_insns,
        "idle_insns_per_s": idle_rate * 1e9,
        **cpu_per_reply(c0, c1, p0, p1, replies),
        "server_counters": ds,
        "load": res,
    }
    print(f"    {tag}: {t['insns_per_reply']:9.0f} insns/reply ({replies} replies, "
          f"idle {t['idle_insns_per_s'] / 1e6:.2f} M/s, raw {t['insns_per_reply_raw']:.0f}); "
          f"{res['rate']:.0f} valid/s, loss {res['loss']:.3%}, "
          f"cpu0 {t['cpu0_busy_us_per_reply']:.1f} us/reply, "
          f"T3-T2 p50 {res['t3_t2_us']['p50']:.1f} us", flush=True)
    return t


def insn_point(marks, key, args, o, counters, pid=None):
    trials = [insn_trial(marks, f"{key}.{i + 1}", args, o.rate, o.window, counters, pid)
              for i in range(o.trials)]
    return {
        "available": True,
        "ntsload_args": args,
        "insns_per_reply": [t["insns_per_reply"] for t in trials],
        "median": statistics.median(t["insns_per_reply"] for t in trials),
        "trials": trials,
        "crypto": crypto_drivers(),
        "knts_parameters": knts_params(),
    }


def start_kntsd(userspace=False):
    """kntsd (NTS-KE, keys; NTP too with userspace), pinned to CPU 0."""
    kd = start(f"taskset -c 0 {KNTSD} -f "
               f"{kntsd_conf('kntsntp userspace' if userspace else '')}")
    wait_port(4460)
    if userspace:
        wait_port(123, "udp")
    time.sleep(1)
    return kd


def stop_knts(kd, userspace=False):
    stop(kd)
    if not userspace:
        sh("rmmod knts")


def insns_main(o):
    # This script, the marks and the counter reads on CPU 1, with the
    # load generator: CPU 0 is the server's.
    os.sched_setaffinity(0, {1})
    marks = Marks()
    setup_network()
    aesni = load_aesni()
    res = {}
    sock = f"{WORK}/kntsd.sock"

    print(f"== knts.ko (kernel path), {o.rate:.0f} requests/s", flush=True)
    sh("modprobe knts")
    kd = start_kntsd()
    res["knts_nts"] = insn_point(marks, "knts_nts", "", o, knts_counters(sock))
    res["knts_plain"] = insn_point(marks, "knts_plain", "--plain", o, knts_counters(sock))
    res["knts_nts_8cookies"] = insn_point(marks, "knts_nts_8cookies", "-P 7", o,
                                          knts_counters(sock))
    stop_knts(kd)

    print("== knts.ko with aes=generic", flush=True)
    parm = sh("modinfo -F parm knts", check=False).stdout
    if not any(line.startswith("aes:") for line in parm.splitlines()):
        res["knts_nts_generic"] = {"available": False,
                                   "reason": "knts.ko has no aes parameter"}
        print("    unavailable: knts.ko has no aes parameter", flush=True)
    else:
        r = sh("modprobe knts aes=generic", check=False)
        if r.returncode:
            res["knts_nts_generic"] = {"available": False,
                                       "reason": f"modprobe knts aes=generic: {r.stdout.strip()}"}
            print(f"    unavailable: {r.stdout.strip()}", flush=True)
        else:
            kd = start_kntsd()
            res["knts_nts_generic"] = insn_point(marks, "knts_nts_generic", "", o,
                                                 knts_counters(sock))
            stop_knts(kd)

    print("== kntsd, userspace fallback", flush=True)
    kd = start_kntsd(userspace=True)
    res["kntsd_nts"] = insn_point(marks, "kntsd_nts", "", o, knts_counters(sock),
                                  int(sh("pidof kntsd").stdout.split()[0]))
    stop_knts(kd, userspace=True)

    print("== chronyd 4.3", flush=True)
    cd, pid, ver = start_chronyd()
    res["chronyd_nts"] = insn_point(marks, "chronyd_nts", "", o, chronyd_counters, pid)
    res["chronyd_plain"] = insn_point(marks, "chronyd_plain", "--plain", o,
                                      chronyd_counters, pid)
    stop(cd)

    report = {"instructions": {
        "setup": {
            "kernel": os.uname().release,
            "cpus": os.cpu_count(),
            "chrony": ver,
            "rate": o.rate,
            "window_seconds": o.window,
            "trials": o.trials,
            "aesni_intel": aesni,
            "cpu_flags_aes": " aes " in open("/proc/cpuinfo").read().replace("\n", " "),
            "method": "guest instructions retired on vCPU 0 (qinsn TCG plugin) "
                      "between marks around the load, minus vCPU 0's idle rate "
                      "(from an idle window of the same length, server running) "
                      "times the window, divided by the replies the server's own "
                      "counters count (kntsctl serverstats, chronyc serverstats); "
                      "generator in a netns pinned to CPU 1 over veth (8 source "
                      "addresses, 16 ports, one 100-byte cookie per request "
                      "unless said otherwise); server receive work steered to "
                      "CPU 0 by RPS, daemons pinned to CPU 0",
        },
        "results": res,
    }}
    with open(o.out, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps({k: v.get("median") for k, v in res.items()}, indent=2))


def start_chronyd():
    ver = sh("chronyd -v").stdout.strip()
    os.makedirs(f"{WORK}/chrony", exist_ok=True)
    sh(f"chown _chrony: {WORK}/chrony")
    with open(f"{WORK}/chrony.conf", "w") as f:
        f.write(f"local stratum 1\nallow all\ncmdport 0\n"
                f"ntsserverkey {WORK}/chrony-key.pem\nntsservercert {WORK}/cert.pem\n"
                f"ntsdumpdir {WORK}/chrony\npidfile {WORK}/chronyd.pid\n"
                f"ntsprocesses 1\n")
    cd = start(f"taskset -c 0 chronyd -d -x -f {WORK}/chrony.conf")
    wait_port(4460)
    wait_port(123, "udp")
    time.sleep(1)
    return cd, int(open(f"{WORK}/chronyd.pid").read()), ver


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("timing", "insns"), default="timing")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--window", type=float, default=5.0,
                    help="seconds of load (and of idle) per trial")
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("out")
    o = ap.parse_args()
    if o.profile:
        profile(o.out)
    elif o.mode == "insns":
        insns_main(o)
    else:
        timing_main(o.out)


if __name__ == "__main__":
    main()
