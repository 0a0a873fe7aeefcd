// `npm run rehearse -- --stack <name> --bring-up`: the stack brought up on test machines
// (bring-up.ts), the checks of a working cluster (checks-cluster.ts), and the report: each step's
// start and duration, the time from the first `kubeadm init` to every node Ready, the peak memory
// of the run, every check, and every way the machines differ from CVMs.

import type { ClusterPlan } from "../components/plan/plan";
import { table } from "../components/plan/report";
import type { ClusterSpec } from "../components/plan/spec";
import { bringUp, Step } from "./bring-up";
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
}

/** Brings the stack up in a fresh lab, runs the checks, tears everything down (bounded by `timeLimitMs`). */
export async function bringUpRehearsal(stackFile: { config?: Record<string, unknown> }, stack: string, spec: ClusterSpec, plan: ClusterPlan,
    options: { timeLimitMs?: number; log?: (s: string) => void } = {}): Promise<BringUpReport> {
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
    try {
        c = await bringUp(lab, stackFile, stack, spec, plan, log);
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
        passed: !error && checks.length === 6 && checks.every((r) => r.status === "pass") && printed.length === 0, ...(error ? { error } : {}),
    };
}


export function renderBringUpReport(r: BringUpReport): string {
    const lines = [
        `Bring-up of ${r.stack}: ${r.machines} machines, ${r.passed ? "every check passed" : "FAILED"} in ${secs(r.totalMs)}`,
        `first kubeadm init to every node Ready: ${r.initToReadyMs >= 0 ? secs(r.initToReadyMs) : "not reached"}; peak memory of the run: ${r.peakRssMb} MiB`,
        ...(r.error ? ["", `stopped: ${r.error}`] : []),
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
