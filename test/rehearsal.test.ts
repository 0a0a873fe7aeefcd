// The HA rehearsal, run for real (root, network namespaces, Debian's etcd, HAProxy, keepalived)
// through its command line, with the stacks' production timers: every check passes its
// timer-derived bound, the goals the defaults are built to meet are met, and an interrupted run
// leaves no namespace, veth or process behind.

import { strict as assert } from "node:assert";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { labUnavailable, STATE_ROOT, waitFor } from "../lab/lab";
import { CHECK_COUNT, REHEARSAL_PROGRAMS, RehearsalReport } from "../lab/rehearse";
import { unhealthyMarkDownBound } from "../lab/checks";
import { skipUnless } from "./helpers/skip";

const { startTime } = require("../lab/lab-cleanup.js") as { startTime: (pid: number) => string | undefined };
const CLI = path.join(__dirname, "..", "lab", "rehearse-cli.ts");

function startRehearsal(args: readonly string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; done: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    return { child, stdout: () => out, stderr: () => err, done };
}

async function rehearseStack(stack: string): Promise<{ report: RehearsalReport; stdout: string; byId: (id: number) => RehearsalReport["results"][number] }> {
    const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-rehearsal-"));
    try {
        const run = startRehearsal(["--stack", stack, "--json", path.join(dir, "report.json"), "--time-limit", "840"]);
        const { code } = await run.done;
        const stdout = run.stdout();
        console.log(stdout.split("\n").map((l) => `      ${l}`).join("\n"));
        assert.equal(code, 0, `the rehearsal of ${stack} failed:\n${stdout}\n${run.stderr().slice(-3000)}`);
        assert.match(run.stderr(), new RegExp(`check 8/${CHECK_COUNT}: lose the plan's worst host`), "progress is printed while it runs (checks 9 to 19 run before 8, which leaves hosts down)");
        assert.match(run.stderr(), /lab removed: 0 namespaces left/);
        const report = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as RehearsalReport;
        return { report, stdout, byId: (id) => report.results.find((r) => r.id === id)! };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** The common checks of every endpoint kind, with the stacks' production timers. */
function assertEtcdAndApiserverChecks(r: Awaited<ReturnType<typeof rehearseStack>>): void {
    assert.equal(r.report.timersUsed, "production");
    assert.deepEqual(r.report.results.map((x) => x.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], "all nineteen checks ran, reported in order");
    assert.match(r.stdout, /#\s+CHECK\s+EXPECTED\s+MEASURED\s+RESULT\s+GOAL/, "the report is a table");
    const v = (id: number) => r.byId(id).values!;
    assert.equal(v(1).failed, 0, "no write fails when a follower dies");
    assert.ok(v(2).firstWriteMs <= 4 * r.report.timers.etcdElectionMs + 500, `leader loss: first write after ${v(2).firstWriteMs} ms`);
    assert.ok(v(2).firstWriteMs >= 0.5 * r.report.timers.etcdElectionMs, `leader loss: a first write after ${v(2).firstWriteMs} ms is faster than any election`);
    const markAllDown = unhealthyMarkDownBound(r.report.timers);
    assert.ok(v(3).refusedMs <= markAllDown, `quorum loss: new writes refused after ${v(3).refusedMs} ms (HAProxy marks every apiserver down within ${markAllDown} ms)`);
    assert.ok(v(3).acknowledged > 100 && v(3).lost === 0, `${v(3).lost} of ${v(3).acknowledged} acknowledged writes lost`);
    assert.equal(v(4).failedNew, 0, `new requests failed when an apiserver died: ${r.byId(4).measured}`);
    assert.ok(v(4).markDownMs <= 600, `mark-down after ${v(4).markDownMs} ms (goal 0.6 s)`);
    assert.ok(v(7).keys > 100 && v(7).restoredKeys === v(7).keys, `restore: ${v(7).restoredKeys}/${v(7).keys} keys`);
    assert.ok(v(8).requestsAfterSettle > 0 && v(8).acknowledgedAfterSettle === v(8).requestsAfterSettle, "the API answers after the worst host loss");
    // Backups through the rendered unit: exactly one member (the leader) uploads, every other one
    // declines; every member restored from that one upload, and nothing acknowledged is lost.
    assert.equal(v(9).uploads, 1, `backup: ${r.byId(9).measured}`);
    assert.ok(v(9).members >= 3 && v(9).declined === v(9).members - 1, `backup: ${v(9).declined} of ${v(9).members} members declined`);
    assert.ok(v(9).acknowledged > 100 && v(9).lost === 0, `backup/restore: ${v(9).lost} of ${v(9).acknowledged} acknowledged writes lost`);
    assert.ok(v(9).keys > 100 && v(9).restoredKeys === v(9).keys, `backup/restore: ${v(9).restoredKeys}/${v(9).keys} keys`);
    // The real apiserver encrypts Secrets with the rendered EncryptionConfiguration.
    assert.deepEqual([v(10).encrypted, v(10).plaintext, v(10).readBack], [1, 0, 1], `encryption at rest: ${r.byId(10).measured}`);
    // Leader election: another master takes each Lease in time and the new leaders act.
    for (const id of [11, 12, 13, 14]) {
        assert.equal(r.byId(id).status, "pass", `check ${id}: ${r.byId(id).measured}`);
        assert.ok(v(id).boundMs > 0, `check ${id}: the new leaders made and bound pods`);
    }
    assert.ok(v(14).takeoverMs < v(12).takeoverMs, "a stopped scheduler releases its Lease; a killed one's must expire");
    // CoreDNS: the scheduler keeps the replicas apart, the budget keeps one.
    assert.equal(v(15).nodes, v(15).replicas, `CoreDNS: ${r.byId(15).measured}`);
    assert.equal(v(15).evicted, v(15).replicas - 1, "every replica but the last may be evicted");
    // A graceful apiserver restart (as the kubelet does it) drops nothing and loses no watch event.
    assert.equal(v(16).failed, 0, `graceful restart: ${r.byId(16).measured}`);
    assert.ok(Number.isFinite(v(16).backUpMs) && v(16).watchMissed === 0, `graceful restart: ${r.byId(16).measured}`);
    // The real apiserver loads the rendered Pod Security defaults and audit policy.
    assert.equal(r.byId(17).status, "pass", `audit and Pod Security: ${r.byId(17).measured}`);
    assert.deepEqual([v(17).refused, v(17).warned, v(17).exempt, v(17).audited, v(17).leaked], [1, 1, 1, 1, 0], r.byId(17).measured);
    // A master's keys come back from the bucket and the archive key alone (external etcd: the masters' own archives).
    assert.equal(r.byId(18).status, "pass", `keys from the bucket: ${r.byId(18).measured}`);
    assert.deepEqual([v(18).served, v(18).decrypted, v(18).serviceAccount, v(18).admin], [1, 1, 1, 1], r.byId(18).measured);
    // The key rotation of docs/security.md, every step reloaded by every real apiserver.
    assert.equal(r.byId(19).status, "pass", `key rotation: ${r.byId(19).measured}`);
    assert.deepEqual([v(19).newWrites, v(19).rewritten, v(19).readable, v(19).afterRestart], [1, 1, 1, 1], r.byId(19).measured);
    assert.ok(r.report.idleWritesPerSec > 0, "the idle cluster's etcd write rate is measured");
    for (const x of r.report.results) {
        assert.notEqual(x.status, "fail", `check ${x.id} failed: ${x.measured}`);
    }
}

describe("npm run rehearse's arguments", function () {
    this.timeout(60_000);
    it("exits 2 naming the range when --checks names a check that does not exist", async () => {
        for (const bad of ["0", "20", "4,x"]) {
            const run = startRehearsal(["--stack", "prod", "--checks", bad]);
            const { code } = await run.done;
            assert.equal(code, 2, run.stderr());
            assert.match(run.stderr(), new RegExp(`--checks ${bad}: give check numbers from 1 to 19`));
        }
    });
    it("exits 2 naming the field before any namespace is made when a render option is bad", async () => {
        const cases: [string[], RegExp][] = [
            [["--leader-election", "15,10"], /--leader-election 15,10: give three whole seconds, lease,renew,retry/],
            [["--leader-election", "10,10,2"], /leaderElection\.renewSec.*not shorter than leaseSec \(10\)/],
            [["--check-path", "/livez"], /apiHealth\.checkPath.*\/livez/],
            [["--shutdown-delay=1.5"], /apiHealth\.shutdownDelaySec.*whole number of seconds from 0 to 600/],
        ];
        for (const [args, message] of cases) {
            const run = startRehearsal(["--stack", "prod", ...args]);
            const { code } = await run.done;
            assert.equal(code, 2, `${args.join(" ")}: ${run.stderr()}`);
            assert.match(run.stderr(), message);
            assert.doesNotMatch(run.stderr(), /lab \S+: private test subnet/, "no lab was made");
        }
    });
});

describe("the HA rehearsal (npm run rehearse)", function () {
    this.timeout(960_000);
    before(function () {
        skipUnless(this, labUnavailable(REHEARSAL_PROGRAMS));
    });

    it("runs every check on prod-keepalived and meets its bounds", async () => {
        const r = await rehearseStack("prod-keepalived");
        assertEtcdAndApiserverChecks(r);
        const t = r.report.timers;
        const v5 = r.byId(5).values!;
        const vrrpBoundMs = ((3 + 156 / 256) * t.vrrpAdvertSec + 0.5) * 1000;
        assert.ok(v5.firstAnswerMs <= vrrpBoundMs, `VIP answered ${v5.firstAnswerMs} ms after the hard crash (bound ${vrrpBoundMs} ms)`);
        // The backup cannot take over before its master-down timer runs out (at least 2 adverts + skew after the last advert).
        const earliestMs = (2 * t.vrrpAdvertSec + (156 / 256) * t.vrrpAdvertSec) * 1000 - 100;
        assert.ok(v5.firstAnswerMs >= earliestMs && v5.vipMovedMs >= earliestMs, `VIP failover measured ${v5.vipMovedMs}/${v5.firstAnswerMs} ms, below the earliest possible ${earliestMs} ms`);
        assert.ok(r.byId(6).values!.vipMovedMs <= (t.trackFall * t.trackIntervalSec + t.vrrpAdvertSec + 1) * 1000, "track_script moves the VIP");
        assert.match(r.report.tier, /rendered HAProxy and keepalived on both LB hosts/);
    });

    it("runs prod (CLB simulated by HAProxy) and says the VIP checks do not apply", async () => {
        const r = await rehearseStack("prod");
        assertEtcdAndApiserverChecks(r);
        assert.deepEqual([r.byId(5).status, r.byId(6).status], ["n/a", "n/a"]);
        assert.match(r.report.tier, /simulated by one HAProxy host/);
        assert.match(r.stdout, /Control plane: real kube-apiserver, kube-controller-manager, kube-scheduler and kubeadm v1\.37\.2, etcd 3\.7\.0/, "the report names the real programs");
        assert.match(r.stdout, /Not a real node yet: no kubelet/, "and what differs from a real node");
    });

    for (const signal of ["SIGINT", "SIGKILL"] as const) {
        it(`leaves no namespace, veth or process behind when the runner gets ${signal} mid-run`, async () => {
            const run = startRehearsal(["--stack", "prod-keepalived", "--lab-timers", "--time-limit", "120"]);
            try {
                await waitFor("the lab to be up (check 1 started)", async () => new RegExp(`check 1/${CHECK_COUNT}`).test(run.stderr()), 90_000, 100);
            } catch (err) {
                run.child.kill("SIGKILL");
                throw new Error(`${(err as Error).message}\n${run.stderr().slice(-3000)}`);
            }
            const prefix = /lab (kh[0-9a-f]{6}):/.exec(run.stderr())![1];
            const namespaces = () => execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]).filter((n) => n.startsWith(`${prefix}-`));
            const pids = namespaces().flatMap((ns) => execFileSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).split("\n").map(Number).filter((p) => p > 0));
            assert.ok(namespaces().length >= 10 && pids.length >= 10, `a running lab: ${namespaces().length} namespaces, ${pids.length} processes`);
            const interruptedAt = Date.now();
            run.child.kill(signal);
            const exit = await run.done;
            if (signal === "SIGINT") {
                assert.equal(exit.code, 130, "exit status 128 + SIGINT");
                assert.match(run.stderr(), new RegExp(`interrupted by SIGINT: stopping every test process and removing ${prefix}`));
            }
            const { ms } = await waitFor("every namespace of the run removed", async () => namespaces().length === 0, 20_000, 100);
            await waitFor("every process of the run gone", async () => pids.every((p) => startTime(p) === undefined), 10_000, 100);
            const rootLinks = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
            assert.ok(!rootLinks.includes(prefix), "no veth of the run in the root namespace");
            // The reaper removes the state directory (etcd's preallocated WALs) after the last namespace.
            await waitFor("the run's state directory removed", async () => !existsSync(path.join(STATE_ROOT, prefix)), 10_000, 100);
            console.log(`      ${signal}: ${pids.length} processes and the namespaces removed ${Date.now() - interruptedAt} ms after the signal (${ms} ms polling)`);
        });
    }
});
