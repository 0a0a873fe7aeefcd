// `npm run rehearse -- --stack <name> --bring-up`: the stack brought up on test machines
// (bring-up.ts), the checks of a working cluster (checks-cluster.ts), and the report: each step's
// start and duration, the time from the first `kubeadm init` to every node Ready, the peak memory
// of the run, every check, and every way the machines differ from CVMs.

import type { ClusterPlan } from "../components/plan/plan";
import { table } from "../components/plan/report";
import type { ClusterSpec } from "../components/plan/spec";
import { BroughtUp, bringUp, Step } from "./bring-up";
import type { LabState } from "./deployment";
import { renderResizeReport, ResizeKind, resizeKept, ResizeReport, resizeRehearsal } from "./resize";
import { loadOutcome, LoadOutcome, UpgradeLoad } from "./upgrade-load";
import type { StackFile } from "./update";
import type { CheckResult } from "./checks";
import { ClusterChecks } from "./checks-cluster";
import { Lab, secs } from "./lab";
import { BRING_UP_DIFFERENCES } from "./lab-differences";
import { PrintedSecret, printedSecrets } from "./secret-scan";

export interface BringUpReport {
    readonly stack: string;
    /** The lab run's name prefix (its namespaces, cgroups and disk). */
    readonly prefix: string;
    /** How many of the program's remote commands ran, and how many succeeded. */
    readonly commands: { readonly ran: number; readonly succeeded: number; readonly total: number };
    readonly machines: number;
    readonly timeline: readonly Step[];
    /** From the start of `kubeadm init` on master-0 to every node Ready (ms). */
    readonly initToReadyMs: number;
    readonly totalMs: number;
    readonly peakRssMb: number;
    readonly checks: readonly CheckResult[];
    /** Every command whose output showed a secret (which command, which kind): must be none. */
    readonly printedSecrets: readonly PrintedSecret[];
    readonly differences: readonly string[];
    readonly passed: boolean;
    /** Why the bring-up stopped before its checks, if it did. */
    readonly error?: string;
    /** With `resize`: the membership grown and shrunk before the checks, and what the load saw meanwhile. */
    readonly resize?: ResizeReport;
    readonly resizeLoad?: LoadOutcome;
}

/** True when the load through a resize lost nothing: no failed request, no acknowledged write lost, no round without etcd's quorum. */
export function resizeLoadKept(l: LoadOutcome): boolean {
    return l.reads.total > 0 && l.reads.failed === 0 && l.writes.acknowledged > 0 && l.writes.failed === 0 && l.writes.lost === 0 && l.etcd.rounds > 0 && l.etcd.roundsWithoutQuorum === 0;
}

/** Brings the stack up in a fresh lab, runs the checks, tears everything down (bounded by `timeLimitMs`). */
export async function bringUpRehearsal(stackFile: { config?: Record<string, unknown> }, stack: string, spec: ClusterSpec, plan: ClusterPlan,
    options: { timeLimitMs?: number; log?: (s: string) => void; resize?: ResizeKind } = {}): Promise<BringUpReport> {
    const t0 = Date.now();
    const log = options.log ?? ((s: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}\n`));
    const lab = Lab.create(spec.network.vpcCidr);
    const limit = setTimeout(() => {
        log(`time limit of ${(options.timeLimitMs ?? 1_200_000) / 1000} s reached: stopping every test process`);
        lab.destroy();
    }, options.timeLimitMs ?? 1_200_000);
    const checks: CheckResult[] = [];
    let error: string | undefined;
    let c;
    let resize: { report?: ResizeReport; load?: LoadOutcome } = {};
    try {
        const state: LabState = new Map();
        c = await bringUp(lab, stackFile, stack, spec, plan, log, { state });
        if (options.resize) {
            resize = await resized(c, stackFile as StackFile, stack, state, options.resize, log, t0);
        }
        const k = new ClusterChecks(c);
        log("checks: nodes, CoreDNS, pod to pod, Service, DNS, then the worst host loss");
        checks.push(await k.nodesReady(), await k.corednsSpread());
        const probes = await k.startProbes();
        checks.push(await k.podToPod(probes), await k.service(probes), await k.dns(probes));
        checks.push(await k.afterHostLoss(probes));
        checks.forEach((r) => log(`  check ${r.id} ${r.status}: ${r.check}: ${r.measured}`));
    } catch (e) {
        error = lab.isDestroyed ? "the time limit was reached" : (e as Error).message;
    } finally {
        c?.stopWatchingMemory();
        clearTimeout(limit);
        lab.destroy();
    }
    const timeline = c?.timeline ?? [];
    const printed = (c?.commands ?? []).flatMap((r) => printedSecrets(r.name, r.output));
    const init = timeline.find((s) => s.step.endsWith("-kubeadm-init"));
    const ready = timeline.find((s) => s.step === "every node Ready");
    return {
        stack, prefix: lab.prefix, machines: c?.machines.size ?? 0, timeline,
        commands: { ran: c?.commands.length ?? 0, succeeded: c?.commands.filter((x) => x.code === 0).length ?? 0, total: c?.deployed.commands.length ?? 0 }, totalMs: Date.now() - t0, peakRssMb: Math.round(c?.peakRssMb ?? 0),
        initToReadyMs: init && ready ? ready.startMs + ready.ms - init.startMs : -1,
        checks, printedSecrets: printed, differences: BRING_UP_DIFFERENCES,
        passed: !error && checks.length === 6 && checks.every((r) => r.status === "pass") && printed.length === 0 &&
            (!options.resize || (!!resize.report && resizeKept(resize.report) && !!resize.load && resizeLoadKept(resize.load))),
        ...(error ? { error } : {}), ...(resize.report ? { resize: resize.report } : {}), ...(resize.load ? { resizeLoad: resize.load } : {}),
    };
}

/** The membership grown and shrunk under reads and writes into master-0's apiserver (one that stays) and every member's health sampled. */
async function resized(c: BroughtUp, file: StackFile, stack: string, state: LabState, kind: ResizeKind, log: (s: string) => void, t0: number) {
    const first = c.plan.nodes.find((n) => n.role === "master")!;
    const load = await UpgradeLoad.start(c, `https://${first.privateIp}:${c.plan.endpoint.port}`);
    const members = c.plan.nodes.filter((n) => n.etcdMember).map((n) => n.name);
    try {
        await new Promise((r) => setTimeout(r, 5000));
        const report = await resizeRehearsal(c, file, stack, state, kind, load, log, t0);
        await new Promise((r) => setTimeout(r, 5000));
        await load.stop();
        const stored = new Set((await c.kubectl(["get", "configmaps", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}"], 60_000)).stdout.split(" "));
        return { report, load: loadOutcome(load.reads.results(), load.writes.results(), load.samples(), members, 0, stored) };
    } finally {
        await load.stop().catch(() => undefined);
    }
}


export function renderBringUpReport(r: BringUpReport): string {
    const lines = [
        `Bring-up of ${r.stack}: ${r.machines} machines, ${r.passed ? "every check passed" : "FAILED"} in ${secs(r.totalMs)}`,
        `first kubeadm init to every node Ready: ${r.initToReadyMs >= 0 ? secs(r.initToReadyMs) : "not reached"}; peak memory of the run: ${r.peakRssMb} MiB`,
        ...(r.error ? ["", `stopped: ${r.error}`] : []),
        ...(r.resize ? ["", ...renderResizeReport(r.resize)] : []),
        ...(r.resizeLoad ? [`  under reads every 250 ms (${r.resizeLoad.reads.failed} of ${r.resizeLoad.reads.total} failed${r.resizeLoad.reads.why}) and writes every 500 ms (${r.resizeLoad.writes.failed} failed${r.resizeLoad.writes.why}, ${r.resizeLoad.writes.lost} of ${r.resizeLoad.writes.acknowledged} acknowledged lost) into master-0's apiserver`,
            `  etcd: fewest healthy of the ${r.resizeLoad.etcd.members} members that stay ${r.resizeLoad.etcd.minHealthy}; ${r.resizeLoad.etcd.roundsWithoutQuorum} of ${r.resizeLoad.etcd.rounds} rounds without a quorum`] : []),
        "", "Steps (start, duration):",
        table(["step", "start", "took"], r.timeline.map((s) => [s.step, secs(s.startMs), secs(s.ms)])),
        "", "Checks:",
        table(["#", "check", "expected", "measured", "result"], r.checks.map((c) => [String(c.id), c.check, c.expected, c.measured, c.status])),
        "", r.printedSecrets.length === 0
            ? `Secrets in the commands' output: none (${r.commands.ran} outputs read)`
            : `Secrets in the commands' output (FAILED): ${r.printedSecrets.map((p) => `${p.command} printed ${p.what}`).join("; ")}`,
        "", "How the test machines differ from CVMs:", ...r.differences.map((d) => `  - ${d}`),
    ];
    return lines.join("\n");
}
