// The test lab itself: hosts reach each other and nothing else, and every namespace and
// process goes away, even when the test runner is killed.

import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Lab, labUnavailable, waitFor } from "../lab/lab";
import { skipUnless } from "./helpers/skip";

const { startTime } = require("../lab/lab-cleanup.js") as { startTime: (pid: number) => string | undefined };

function namespacesWith(prefix: string): string[] {
    return execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]).filter((n) => n.startsWith(`${prefix}-`));
}

describe("the test lab", function () {
    this.timeout(60_000);
    before(function () {
        skipUnless(this, labUnavailable());
    });

    it("connects its hosts over a private bridge, with no route out of the lab", async () => {
        const lab = Lab.create("10.250.1.0/24");
        try {
            const a = lab.addHost("a", "10.250.1.1");
            lab.addHost("b", "10.250.1.2");
            const r = await a.exec("bash", ["-c", "exec 3<>/dev/tcp/10.250.1.2/9"], 5000);
            assert.match(r.stderr, /Connection refused/, "b answers with a TCP reset: it is reachable over the bridge");
            const route = await a.exec("ip", ["route", "get", "8.8.8.8"]);
            assert.notEqual(route.code, 0, "no default route: traffic cannot leave the lab");
            assert.match(route.stderr, /unreachable/i);
            assert.throws(() => lab.addHost("c", "192.0.2.1"), /only get addresses inside the lab subnet/);
        } finally {
            lab.destroy();
        }
        assert.deepEqual(lab.leftovers(), []);
    });

    it("also stops what a process starts while it is being stopped (a shim forked during the cleanup)", async () => {
        const lab = Lab.create("10.250.3.0/24");
        const marker = `kh-late-${process.pid}-${Date.now()}`;
        const late = () => execFileSync("pgrep", ["-f", marker], { encoding: "utf8" }).split("\n").filter(Boolean).length;
        try {
            const a = lab.addHost("a", "10.250.3.1");
            // On SIGTERM it starts a new process in the host (after the cleanup listed the host's PIDs), then exits.
            a.spawn("forker", "bash", ["-c", `trap 'setsid bash -c "exec -a ${marker} sleep 300" </dev/null >/dev/null 2>&1 & sleep 0.2; exit 0' TERM; while :; do sleep 0.1; done`]);
            await waitFor("the forker to run", async () => (await a.exec("pgrep", ["-f", "while :"])).code === 0, 5000, 50);
        } finally {
            lab.destroy();
        }
        let left = 0;
        try {
            left = late();
        } catch { /* pgrep: none */ }
        assert.equal(left, 0, "the process started during the cleanup survived it");
        assert.deepEqual(lab.leftovers(), []);
    });

    it("puts back a kernel-wide setting it raised when the run ends", () => {
        const file = "/proc/sys/fs/inotify/max_user_instances";
        const before = Number(readFileSync(file, "utf8"));
        const lab = Lab.create("10.250.2.0/24");
        try {
            lab.raiseSysctl("fs.inotify.max_user_instances", before - 1);
            assert.equal(Number(readFileSync(file, "utf8")), before, "never lowered");
            lab.raiseSysctl("fs.inotify.max_user_instances", before + 7);
            assert.equal(Number(readFileSync(file, "utf8")), before + 7);
        } finally {
            lab.destroy();
        }
        assert.equal(Number(readFileSync(file, "utf8")), before, "restored by the run's cleanup");
    });

    it("is cleaned up by the detached reaper when its owner is SIGKILLed", async () => {
        const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "helpers", "lab-crash-child.ts")], { stdio: ["ignore", "pipe", "inherit"] });
        const [prefix, sleeperPid] = await new Promise<string[]>((resolve) => child.stdout!.once("data", (d) => resolve(String(d).trim().split(" "))));
        assert.equal(namespacesWith(prefix).length, 3, "switch + 2 hosts exist");
        child.kill("SIGKILL");
        const { ms } = await waitFor("the reaper to remove the run", async () => namespacesWith(prefix).length === 0, 15_000, 100);
        console.log(`      reaper removed the killed run's namespaces and processes ${ms} ms after SIGKILL`);
        await waitFor("the lab's process to be gone", async () => startTime(Number(sleeperPid)) === undefined, 5000, 100);
    });
});
