// Test machines (lab/machine.ts): a lab host with its own mount and UTS namespaces, cgroup and
// service manager, so rendered files and scripts run at a node's paths without touching this
// machine's. Needs root.

import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Lab, labUnavailable, waitFor } from "../lab/lab";
import { addMachine, DISK_ROOT, Machine } from "../lab/machine";
import { skipUnless } from "./helpers/skip";

const { cgroupsOf } = require("../lab/lab-cleanup.js") as { cgroupsOf: (prefix: string) => string[] };

describe("test machines", function () {
    this.timeout(60_000);
    let lab: Lab;
    let m: Machine;

    before(async function () {
        skipUnless(this, labUnavailable(["unshare", "nsenter", "findmnt"]));
        lab = Lab.create("10.251.0.0/16");
        m = await addMachine(lab, "m", "10.251.1.1", "lab-node-1");
        m.startServices();
    });

    after(() => {
        lab?.destroy();
        if (lab) {
            assert.deepEqual(lab.leftovers(), [], "namespaces");
            assert.deepEqual(cgroupsOf(lab.prefix), [], "cgroups");
            assert.equal(existsSync(path.join(DISK_ROOT, lab.prefix)), false, "disk");
        }
    });

    it("has its own hostname, /etc and /usr, kept on the lab's disk", async () => {
        assert.equal((await m.exec("hostname", [])).stdout.trim(), "lab-node-1");
        const r = await m.sh("echo node > /etc/kubeadm-ha-lab-probe && touch /usr/bin/kubeadm-ha-lab-probe && cat /etc/kubeadm-ha-lab-probe");
        assert.equal(r.stdout.trim(), "node", r.stderr);
        assert.equal(existsSync("/etc/kubeadm-ha-lab-probe"), false, "this machine's /etc is untouched");
        assert.equal(existsSync("/usr/bin/kubeadm-ha-lab-probe"), false, "this machine's /usr is untouched");
        assert.equal(m.read("/etc/kubeadm-ha-lab-probe"), "node\n", "the lab reads the machine's files through its root");
    });

    it("changes only network keys of /proc/sys; the kubelet's kernel-wide keys are its own files", async () => {
        assert.equal((await m.sh("sysctl -w net.ipv4.ip_forward=1")).code, 0);
        const pidMax = await m.sh("echo 4096 > /proc/sys/kernel/pid_max");
        assert.notEqual(pidMax.code, 0);
        assert.match(pidMax.stderr, /Read-only/);
        assert.equal((await m.sh("cat /proc/sys/kernel/panic")).stdout.trim(), "10", "what the kubelet would set: it leaves the key alone");
    });

    it("has its own cgroup in every hierarchy, and a default route that leads nowhere", async () => {
        const r = await m.sh(`for h in /sys/fs/cgroup/*/; do test -d "$h${m.cgroupRoot}" || echo "missing in $h"; done`);
        assert.equal(r.stdout, "", r.stderr);
        assert.match((await m.exec("ip", ["route", "show", "default"])).stdout, /default via 10\.251\.255\.254/);
        const out = await m.sh("exec 3<>/dev/tcp/192.0.2.1/80", 10_000);
        assert.notEqual(out.code, 0, "nothing answers outside the lab");
    });

    it("loads no modules: modprobe reports the built-in ones and refuses the rest", async () => {
        assert.equal((await m.exec("modprobe", ["overlay"])).code, 0);
        assert.equal((await m.exec("modprobe", ["br_netfilter"])).code, 0);
        const ipvs = await m.exec("modprobe", ["ip_vs"]);
        assert.notEqual(ipvs.code, 0);
        assert.match(ipvs.stderr, /not built into this kernel/);
    });

    it("runs units through systemctl the way systemd reads them: drop-ins reset ExecStart, environment files expand", async () => {
        m.write("/usr/lib/systemd/system/lab-probe.service", "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=0.2\n");
        m.write("/etc/systemd/system/lab-probe.service.d/10-args.conf",
            "[Service]\nEnvironment=\"ONE=--a\"\nEnvironmentFile=-/etc/default/lab-probe\nEnvironmentFile=-/nonexistent\nExecStart=\nExecStart=/bin/sh -c 'echo \"$0 $*\" > /run/lab-probe.out; exec sleep 600' $ONE $TWO\n");
        m.write("/etc/default/lab-probe", "TWO=\"--b --c\"\n");
        assert.equal((await m.exec("systemctl", ["enable", "--now", "lab-probe"])).code, 0);
        await waitFor("the unit's output", async () => m.exists("/run/lab-probe.out"), 10_000, 100);
        assert.equal(m.read("/run/lab-probe.out").trim(), "--a --b --c", "$ONE and the environment file's $TWO, split into words");
        assert.equal((await m.exec("systemctl", ["is-active", "lab-probe"])).code, 0);
        assert.equal((await m.exec("systemctl", ["is-enabled", "lab-probe"])).stdout.trim(), "enabled");
        assert.equal((await m.exec("systemctl", ["stop", "lab-probe"])).code, 0);
        assert.equal((await m.exec("systemctl", ["is-active", "lab-probe"])).code, 3);
        const missing = await m.exec("systemctl", ["start", "no-such-unit"]);
        assert.notEqual(missing.code, 0);
        assert.match(missing.stdout, /not found/);
        // systemctl cat: the unit's file, then its drop-ins; exit 1 for a unit without files (enable-etcd-backups.sh asks it).
        const cat = await m.exec("systemctl", ["cat", "lab-probe.service"]);
        assert.equal(cat.code, 0);
        assert.match(cat.stdout, /^# (?:\/usr)?\/lib\/systemd\/system\/lab-probe\.service\n\[Service\]\nExecStart=\/bin\/false\n[\s\S]*# \/etc\/systemd\/system\/lab-probe\.service\.d\/10-args\.conf\n/);
        assert.equal((await m.exec("systemctl", ["cat", "no-such.timer"])).code, 1);
    });

    it("reloads a unit as systemd does: each ExecReload with $MAINPID; Debian's haproxy.service reads a new configuration without a restart", async function () {
        skipUnless(this, labUnavailable(["haproxy", "curl"]));
        const cfg = (server: string) => ["global", "    log stdout format raw local0", "defaults", "    mode http", "    timeout connect 1s", "    timeout client 5s", "    timeout server 5s",
            "frontend stats", "    bind 127.0.0.1:18404", "    stats enable", "    stats uri /stats", "backend api", `    server ${server} 127.0.0.1:1 check`, ""].join("\n");
        m.write("/etc/haproxy/haproxy.cfg", cfg("first"));
        assert.equal((await m.exec("systemctl", ["reload", "haproxy"])).code, 1, "a unit that does not run is not reloaded");
        assert.equal((await m.exec("systemctl", ["start", "haproxy"])).code, 0);
        const servers = async () => (await m.exec("curl", ["-sf", "--max-time", "2", "http://127.0.0.1:18404/stats;csv"])).stdout.split("\n").filter((l) => l.startsWith("api,") && !l.startsWith("api,BACKEND")).map((l) => l.split(",")[1]);
        await waitFor("haproxy answers", async () => (await servers()).length > 0, 15_000, 200);
        const pid = (await m.exec("cat", ["/run/haproxy.pid"])).stdout.trim();
        m.write("/etc/haproxy/haproxy.cfg", cfg("second"));
        assert.equal((await m.exec("systemctl", ["reload", "haproxy"])).code, 0);
        await waitFor("the new configuration", async () => (await servers()).includes("second"), 15_000, 200);
        assert.equal((await m.exec("cat", ["/run/haproxy.pid"])).stdout.trim(), pid, "the same master process: reloaded, not restarted");
        m.write("/etc/haproxy/haproxy.cfg", "this is not a configuration\n");
        assert.equal((await m.exec("systemctl", ["reload", "haproxy"])).code, 1, "ExecReload's check refuses a broken configuration");
        assert.deepEqual(await servers(), ["second"], "and the running one keeps serving");
        assert.equal((await m.exec("systemctl", ["stop", "haproxy"])).code, 0);
    });
});
