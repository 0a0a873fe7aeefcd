// The HA rehearsal: a stack's etcd members and API endpoint tier on test hosts, built from the
// files the library renders, then the verification checklist, measured. Needs root (network
// namespaces). Everything it starts is stopped by PID and every namespace removed, on success,
// on failure, on the global time limit, and (through the lab's reaper) if the process is killed.

import { apiServerPolicy } from "./checks-policy";
import { keysFromBucket } from "./checks-keys";
import { keyRotation } from "./checks-rotation";
import type { ClusterPlan } from "../components/plan/plan";
import { table } from "../components/plan/report";
import type { ClusterSpec } from "../components/plan/spec";
import { ApiHealth, LeaderElection, RenderOptions, renderContext, Timers } from "../components/render/context";
import { CheckResult, Checklist } from "./checks";
import { corednsSpread } from "./checks-dns";
import { gracefulRestart } from "./checks-graceful";
import { etcdWriteRate, leaderLoss, leaseTransitions } from "./checks-leader";
import { buildClusterLab } from "./cluster-lab";
import { steady } from "./faults";
import { Lab, waitFor } from "./lab";
import { LAB_DIFFERENCES } from "./lab-differences";
import { productVersion } from "./bins/locate";

/** Faster timers for quick lab runs (the report says when they are used). */
export const LAB_TIMERS: Partial<Timers> = {
    vrrpAdvertSec: 0.2, checkInterMs: 200, checkFastInterMs: 100, checkDownInterMs: 500, etcdHeartbeatMs: 50, etcdElectionMs: 500,
};

/** The programs a rehearsal runs (built by `npm run bins`, or Debian's). */
export const REHEARSAL_PROGRAMS = ["etcd", "etcdctl", "etcdutl", "kubeadm", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "haproxy", "keepalived", "openssl", "curl", "rclone"];

/** The checks that stop a kube-controller-manager or kube-scheduler leader on purpose. */
const LEADER_CHECKS = [11, 12, 13, 14];

/** How many checks the checklist has (numbered 1 to CHECK_COUNT). */
export const CHECK_COUNT = 19;

export interface RehearsalOptions {
    /** Timer overrides (e.g. LAB_TIMERS); the stack's rendered production timers otherwise. */
    readonly timers?: Partial<Timers>;
    /** The rest of the render options (health check path, shutdown delay, leader election) to rehearse with; the defaults otherwise. */
    readonly render?: Omit<RenderOptions, "timers">;
    /** Abort (and clean up) after this long. @default 900000 (15 minutes) */
    readonly timeLimitMs?: number;
    /** Run only these checks (by number); every check otherwise. */
    readonly checks?: readonly number[];
    /** Progress lines. @default stderr */
    readonly log?: (line: string) => void;
}

export interface RehearsalReport {
    readonly cluster: string;
    readonly endpoint: string;
    readonly tier: string;
    readonly timersUsed: "production" | "lab";
    readonly timers: Timers;
    readonly apiHealth: ApiHealth;
    /** The leader-election timers rendered; undefined: the components' defaults (15 s, 10 s, 2 s). */
    readonly leaderElection?: LeaderElection;
    readonly results: readonly CheckResult[];
    readonly passed: boolean;
    readonly durationMs: number;
    /** The real programs that ran, e.g. `kube-apiserver v1.37.2, etcd 3.7.0`. */
    readonly versions: string;
    /** Bring-up steps and their durations. */
    readonly bringUp: readonly { step: string; ms: number }[];
    /** etcd writes per second of the idle cluster after bring-up (Lease renewals, node heartbeats, controllers). */
    readonly idleWritesPerSec: number;
    /** Leader changes of kube-controller-manager and kube-scheduler during each check that does not stop a leader on purpose (11 to 14 do), by check number. */
    readonly leaderChanges: Readonly<Record<number, number>>;
    /** The most memory the run used at once: every lab process's RSS summed, plus the runner's (MiB, sampled every 2 s). */
    readonly peakRssMb: number;
}

export async function rehearse(spec: ClusterSpec, plan: ClusterPlan, options: RehearsalOptions = {}): Promise<RehearsalReport> {
    const started = Date.now();
    const log = (line: string) => (options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}`);
    const ctx = renderContext(spec, plan, { ...options.render, ...(options.timers ? { timers: options.timers } : {}) });
    const lab = Lab.create(spec.network.vpcCidr);
    log(`lab ${lab.prefix}: private test subnet ${spec.network.vpcCidr} inside network namespaces only, no route out`);
    let timedOut = false;
    const limit = setTimeout(() => {
        timedOut = true;
        log(`time limit of ${(options.timeLimitMs ?? 900_000) / 1000} s reached: stopping every test process and removing the lab`);
        lab.destroy();
    }, options.timeLimitMs ?? 900_000);
    const results: CheckResult[] = [];
    let peakRssMb = 0;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, lab.rssMb() + process.memoryUsage().rss / 1048576)), 2000);
    let tier = "";
    let bringUp: { step: string; ms: number }[] = [];
    let idleWritesPerSec = NaN;
    const leaderChanges: Record<number, number> = {};
    try {
        const c = await buildClusterLab(lab, ctx, log);
        tier = c.tierNote;
        bringUp = c.timeline;
        log(`waiting for the endpoint ${c.endpointUrl} to answer through ${c.tierNote.split(":")[0]}`);
        await waitFor("the endpoint", async () => (await c.client.exec("curl", ["-sf", "--max-time", "1", "--cacert", c.files.ca, `${c.endpointUrl}/healthz`])).stdout === "ok", 30_000, 200);
        const list = new Checklist(c);
        await steady(c);
        idleWritesPerSec = await etcdWriteRate(c, 10_000);
        log(`etcd writes at rest: ${idleWritesPerSec.toFixed(1)}/s`);
        // Checks 9 to 19 run before check 8, which leaves the lost hosts down.
        const steps: [number, string, () => Promise<CheckResult>][] = [
            [1, "kill one etcd member", () => list.followerLoss()], [2, "kill the etcd leader", () => list.leaderLoss()],
            [3, "kill a quorum and restart it", () => list.quorumLoss()], [4, "kill one apiserver under load", () => list.apiserverLoss()],
            [5, "hard-crash the VIP holder", () => list.vipHostCrash()], [6, "kill HAProxy on the VIP holder", () => list.haproxyLoss()],
            [7, "snapshot and restore etcd", () => list.snapshotRestore()],
            [9, "back up through the rendered unit, restore with the rendered procedure", () => list.backupRestore()],
            [10, "encryption at rest", () => list.encryptionAtRest()],
            [11, "SIGKILL the kube-controller-manager leader", () => leaderLoss(c, 11, "kube-controller-manager", "SIGKILL")],
            [12, "SIGKILL the kube-scheduler leader", () => leaderLoss(c, 12, "kube-scheduler", "SIGKILL")],
            [13, "SIGTERM the kube-controller-manager leader", () => leaderLoss(c, 13, "kube-controller-manager", "SIGTERM")],
            [14, "SIGTERM the kube-scheduler leader", () => leaderLoss(c, 14, "kube-scheduler", "SIGTERM")],
            [15, "CoreDNS spread over nodes and zones, kept by its budget", () => corednsSpread(c, 15)],
            [16, "graceful apiserver restart under load", () => gracefulRestart(list, 16)],
            [17, "API audit log and Pod Security", () => apiServerPolicy(c, 17)],
            [18, "a master's keys from the bucket alone", () => keysFromBucket(c, 18)],
            [19, "rotate the encryption-at-rest key", () => keyRotation(c, 19)],
            [8, "lose the plan's worst host", () => list.planHostLoss()],
        ];
        for (const [id, name, run] of steps.filter(([id]) => !options.checks || options.checks.includes(id))) {
            if (timedOut) {
                break;
            }
            const dead = c.deadDaemons();
            if (dead.length > 0) {
                log(`${dead.map((d) => d.name).join(", ")} died on their own before check ${id}; stopping. Their logs end with:\n${lab.logTails(10, (d) => dead.includes(d))}`);
                results.push({ id, check: name, expected: "every test process running before the check", measured: `${dead.map((d) => d.name).join(", ")} died on their own`, status: "fail" });
                break;
            }
            log(`check ${id}/${steps.length}: ${name}`);
            await steady(c);
            const transitions = LEADER_CHECKS.includes(id) ? 0 : await leaseTransitions(c);
            const r = await run();
            if (!LEADER_CHECKS.includes(id)) {
                leaderChanges[id] = (await leaseTransitions(c)) - transitions;
            }
            log(`  ${r.status.toUpperCase()}: ${r.measured}`);
            if (r.status === "fail") {
                log(`  the endpoint tier's and the apiservers' logs end with:\n${lab.logTails(6, (d) => /haproxy|keepalived|kube-apiserver|node-proxy/.test(d.name))}`);
            }
            results.push(r);
        }
    } finally {
        clearTimeout(limit);
        clearInterval(sampler);
        lab.destroy();
        log(`lab removed: ${lab.leftovers().length} namespaces left`);
    }
    if (timedOut) {
        throw new Error(`the rehearsal hit its time limit after ${results.length} checks`);
    }
    return {
        cluster: spec.name, endpoint: plan.endpoint.kind, tier, bringUp, peakRssMb: Math.round(peakRssMb), idleWritesPerSec, leaderChanges,
        versions: `kube-apiserver, kube-controller-manager, kube-scheduler and kubeadm ${productVersion("kubernetes")}, etcd ${productVersion("etcd").replace(/^v/, "")}`,
        timersUsed: options.timers ? "lab" : "production", timers: ctx.timers, apiHealth: ctx.apiHealth,
        ...(ctx.leaderElection ? { leaderElection: ctx.leaderElection } : {}), results: [...results].sort((a, b) => a.id - b.id),
        passed: results.every((r) => r.status !== "fail"), durationMs: Date.now() - started,
    };
}

/** Leader-election timers as the report prints them. */
export function leaderText(l: LeaderElection | undefined): string {
    return l ? `lease ${l.leaseSec} s, renew ${l.renewSec} s, retry ${l.retrySec} s` : "the defaults (lease 15 s, renew 10 s, retry 2 s)";
}

/** The checklist as a table, with the timers the configs were rendered with. */
export function renderRehearsalReport(r: RehearsalReport): string {
    const t = r.timers;
    const missed = r.results.filter((x) => x.goal && !x.goalMet).map((x) => x.id);
    return [
        `HA rehearsal of ${r.cluster} (${r.endpoint}), ${(r.durationMs / 1000).toFixed(0)} s, ${r.timersUsed} timers: VRRP advert ${t.vrrpAdvertSec} s, ` +
        `track ${t.trackFall} x ${t.trackIntervalSec} s, HAProxy inter ${t.checkInterMs}/${t.checkFastInterMs} ms fall ${t.checkFall}, etcd heartbeat ${t.etcdHeartbeatMs} ms election ${t.etcdElectionMs} ms; ` +
        `apiserver check ${r.apiHealth.checkPath}, shutdown delay ${r.apiHealth.shutdownDelaySec} s; leader election ${leaderText(r.leaderElection)}`,
        `Endpoint tier: ${r.tier}.`,
        `Bring-up: ${r.bringUp.map((b) => `${b.step} ${(b.ms / 1000).toFixed(1)} s`).join(", ")}.`,
        `Peak memory: ${r.peakRssMb} MiB (every lab process's RSS summed, plus the runner). etcd writes at rest: ${r.idleWritesPerSec.toFixed(1)}/s.`,
        `Leader changes of kube-controller-manager and kube-scheduler during the checks that stop no leader on purpose: ${Object.entries(r.leaderChanges).map(([id, n]) => `check ${id}: ${n}`).join(", ") || "none run"}.`,
        `Control plane: real ${r.versions}, from the manifests real kubeadm wrote from the rendered configuration; load from a client creating and reading ConfigMaps with the admin certificate.`,
        `Not a real node yet: ${LAB_DIFFERENCES.join("; ")}.`,
        "",
        table(["#", "CHECK", "EXPECTED", "MEASURED", "RESULT", "GOAL"],
            r.results.map((x) => [String(x.id), x.check, x.expected, x.measured, x.status.toUpperCase(), x.goal ? `${x.goal}: ${x.goalMet ? "met" : "NOT met"}` : ""])),
        "",
        r.passed ? "every check passed" : `${r.results.filter((x) => x.status === "fail").length} check(s) FAILED`,
        ...(missed.length > 0 ? [`goals not met with these timers: check ${missed.join(", ")} (docs/rehearsal.md, "Failover goals", says why the defaults stay)`] : []),
    ].join("\n");
}

/** The results as a Markdown table (for a README or a pull-request comment). */
export function rehearsalMarkdown(r: RehearsalReport): string {
    const cell = (x: string) => x.replace(/\|/g, "\\|");
    return [
        "| # | check | expected | measured | result | goal |", "|---|---|---|---|---|---|",
        ...r.results.map((x) => `| ${x.id} | ${cell(x.check)} | ${cell(x.expected)} | ${cell(x.measured)} | ${x.status.toUpperCase()} | ${x.goal ? cell(`${x.goal}: ${x.goalMet ? "met" : "NOT met"}`) : ""} |`),
    ].join("\n");
}
