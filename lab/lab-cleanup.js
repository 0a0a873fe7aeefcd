// Cleanup of a test lab run, from the kernel's view (so it also works after a crash):
// every process inside the run's namespaces and cgroups is stopped by PID (listed again until
// none is left, so one started during the stop goes too), then the switch-side veths and
// the namespaces are deleted, then the run's state directory. Plain JavaScript so the detached
// reaper can run it without a TypeScript loader.
//
// As a script: node lab-cleanup.js <owner-pid> <owner-start-time> <prefix> <dir>
// polls the owner every 500 ms and cleans up the run when the owner is gone.
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

function sh(args) {
    try {
        return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10000 });
    } catch {
        return "";
    }
}

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined if it is gone or a zombie. */
function startTime(pid) {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return fields[0] === "Z" ? undefined : fields[19];
    } catch {
        return undefined;
    }
}

function sleep(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Namespaces of a run: `<prefix>-<host>` and `<prefix>-sw`. */
function namespacesOf(prefix) {
    return sh(["netns", "list"]).split("\n").map((l) => l.split(" ")[0]).filter((n) => n.startsWith(`${prefix}-`));
}

/** The processes in the run's namespaces, and `extra`, by PID. */
function pidsIn(namespaces, extra = []) {
    const pids = new Set(extra);
    for (const ns of namespaces) {
        for (const p of sh(["netns", "pids", ns]).split("\n").map(Number).filter((p) => p > 0)) {
            pids.add(p);
        }
    }
    pids.delete(process.pid);
    return pids;
}

/** Stops these processes by PID (TERM, then KILL after up to 3 s; KILL only when `now`). */
function stopProcesses(pids, now = false) {
    for (const sig of now ? ["SIGKILL"] : ["SIGTERM", "SIGKILL"]) {
        for (const p of pids) {
            try {
                process.kill(p, sig);
            } catch { /* already gone */ }
        }
        for (let i = 0; i < 30 && [...pids].some((p) => startTime(p) !== undefined); i++) {
            sleep(100);
        }
    }
}

/** Where test machines keep their disks (lab/machine.ts DISK_ROOT). */
const DISK_ROOT = "/var/tmp/kubeadm-ha-lab";

/** The top cgroups of a run's machines (`/<prefix>-<machine>`) in every hierarchy this machine mounts. */
function cgroupsOf(prefix) {
    const roots = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")
        .map((l) => l.split(" - "))
        .filter((p) => p.length === 2 && /^cgroup2? /.test(p[1]))
        .map((p) => p[0].split(" ")[4]);
    return roots.flatMap((root) => {
        try {
            return fs.readdirSync(root).filter((d) => d.startsWith(`${prefix}-`)).map((d) => `${root}/${d}`);
        } catch {
            return [];
        }
    });
}

/** Every cgroup below `dir`, deepest first. */
function cgroupTree(dir) {
    let out = [];
    try {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            if (e.isDirectory()) {
                out = out.concat(cgroupTree(`${dir}/${e.name}`));
            }
        }
    } catch { /* gone */ }
    return out.concat([dir]);
}

/** The processes in a run's cgroups (containers in their own network namespaces), by PID. */
function cgroupPids(cgroups) {
    const pids = [];
    for (const dir of cgroups.flatMap(cgroupTree)) {
        try {
            pids.push(...fs.readFileSync(`${dir}/cgroup.procs`, "utf8").split("\n").map(Number).filter((p) => p > 0));
        } catch { /* gone */ }
    }
    return pids;
}

/** Removes everything the run with this prefix created. Idempotent. */
/**
 * Puts back the kernel-wide settings a run raised (`<dir>/sysctl.json`: key, value before, value
 * set), unless another run of the lab is still live (its state directory beside this one) or
 * something else changed the value since.
 */
function restoreSysctls(dir) {
    let raised;
    try {
        raised = JSON.parse(fs.readFileSync(`${dir}/sysctl.json`, "utf8"));
    } catch {
        return;
    }
    const others = fs.readdirSync(path.dirname(dir)).filter((d) => path.join(path.dirname(dir), d) !== dir);
    for (const { key, before, set } of others.length === 0 ? raised : []) {
        const file = `/proc/sys/${key.replace(/\./g, "/")}`;
        try {
            if (fs.readFileSync(file, "utf8").trim() === String(set)) {
                fs.writeFileSync(file, String(before));
            }
        } catch { /* not there: nothing to restore */ }
    }
}

function cleanupRun(prefix, dir) {
    const namespaces = namespacesOf(prefix);
    // A process may start another while it is being stopped (containerd a shim, a trap a child):
    // list again until nothing is left, at most 5 rounds; after the first, KILL at once.
    for (let round = 0; round < 5; round++) {
        const pids = pidsIn(namespaces, cgroupPids(cgroupsOf(prefix)));
        if (pids.size === 0) {
            break;
        }
        stopProcesses(pids, round > 0);
    }
    for (const cg of cgroupsOf(prefix).flatMap(cgroupTree)) {
        try {
            fs.rmdirSync(cg);
        } catch { /* busy or gone: reported by the tests' leftover checks */ }
    }
    const sw = `${prefix}-sw`;
    for (const ns of namespaces.filter((n) => n !== sw)) {
        sh(["-n", sw, "link", "del", "dev", ns.slice(prefix.length + 1)]);
    }
    for (const ns of namespaces) {
        sh(["netns", "del", ns]);
    }
    if (dir && fs.existsSync(dir)) {
        restoreSysctls(dir);
        fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.rmSync(`${DISK_ROOT}/${prefix}`, { recursive: true, force: true });
}

module.exports = { cleanupRun, cgroupsOf, startTime };

if (require.main === module) {
    const [ownerPid, ownerStart, prefix, dir] = process.argv.slice(2);
    const timer = setInterval(() => {
        if (startTime(Number(ownerPid)) !== ownerStart) {
            clearInterval(timer);
            cleanupRun(prefix, dir);
        } else if (!fs.existsSync(dir)) {
            clearInterval(timer); // the owner cleaned up itself
        }
    }, 500);
}
