// A rolling upgrade rehearsed on test machines: the stack brought up at the previous Kubernetes
// release (bring-up.ts), a workload and constant load through the endpoint (upgrade-load.ts), then
// the update `pulumi up` runs when the stack's kubernetesVersion moves to the current release:
// the program runs again with the deployed stack's outputs (its change guard judges the upgrade)
// and the same keys (LabState), and exactly the commands @pulumi/command would run again
// (pending-commands.ts) run in dependency order. The update is interrupted once the second master
// is upgraded and run again in full, as after a killed `pulumi up` whose state lost every step
// (each step is a no-op where it is already done). Then the checks of a working cluster.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { ClusterPlan } from "../components/plan/plan";
import type { ClusterSpec } from "../components/plan/spec";
import { planStackFile } from "../components/plan/stack-file";
import { renderContext } from "../components/render/context";
import { productVersion } from "./bins/locate";
import { BroughtUp, bringUp, readyNodes } from "./bring-up";
import type { CheckResult } from "./checks";
import { ClusterChecks } from "./checks-cluster";
import { deployment, DeployedCommand, LabState } from "./deployment";
import { labImages } from "./images";
import { Lab, must, secs, waitFor } from "./lab";
import { BRING_UP_DIFFERENCES } from "./lab-differences";
import { PrintedSecret, printedSecrets } from "./secret-scan";
import { table } from "../components/plan/report";
import { pendingCommands } from "./pending-commands";
import { CommandRun, runCommands } from "./remote-commands";
import { loadOutcome, LoadOutcome, UpgradeLoad, withinResetBudget, workload, WORKLOAD_NS } from "./upgrade-load";
import { removalKept, RemovalReport, removeWorker } from "./node-removal";
import type { StackFile } from "./update";
import { renderResizeReport, resizeKept, ResizeReport, resizeRehearsal } from "./resize";


export interface UpgradeReport {
    readonly stack: string;
    readonly prefix: string;
    readonly from: string;
    readonly to: string;
    /** From the start to every node Ready at `from` (ms), and how the program's commands of the bring-up went. */
    readonly bringUpMs: number;
    readonly bringUpCommands: { readonly ran: number; readonly succeeded: number; readonly total: number };
    readonly machines: number;
    /** Every command (bring-up, first run, rerun) whose output showed a secret: must be none. */
    readonly printedSecrets: readonly PrintedSecret[];
    readonly peakRssMb: number;
    readonly totalMs: number;
    /** The commands the update runs again (of the program's), the first run's (stopped after `interruptedAfter`), the rerun's. */
    readonly pending: readonly string[];
    readonly interruptedAfter: string;
    readonly firstRun: readonly CommandRun[];
    readonly rerun: readonly CommandRun[];
    /** From the first upgrade command to the last one of the rerun (ms). */
    readonly upgradeMs: number;
    readonly load?: LoadOutcome;
    /** After the upgrade, under the same load: the last worker removed (its pool one smaller). */
    readonly removal?: RemovalReport;
    /** Then, under the same load: external etcd grown to 5 members and shrunk back, every apiserver following. */
    readonly resize?: ResizeReport;
    /** At the end: every node's kubelet, every static pod's image tag, every etcd member's release. */
    readonly versions: Readonly<Record<string, string>>;
    readonly checks: readonly CheckResult[];
    readonly error?: string;
}

/** The stack file at another Kubernetes release. */
function atVersion(file: StackFile, version: string): StackFile {
    const copy = structuredClone(file);
    copy.config["kubeadm-ha:cluster"].kubernetesVersion = version;
    return copy;
}

/** The commands `target` waits for, itself included, directly or not. */
function closure(commands: readonly DeployedCommand[], target: string): DeployedCommand[] {
    const byName = new Map(commands.map((c) => [c.name, c]));
    const keep = new Set<string>();
    const visit = (n: string) => {
        if (!keep.has(n) && byName.has(n)) {
            keep.add(n);
            byName.get(n)!.after.forEach(visit);
        }
    };
    visit(target);
    return commands.filter((c) => keep.has(c.name));
}

/** What runs at the end: kubelets, static pods' images, etcd members' releases. */
async function versions(c: BroughtUp, load: UpgradeLoad): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const nodes = JSON.parse((await c.kubectl(["get", "nodes", "-o", "json"])).stdout).items as any[];
    for (const n of nodes) {
        out[`${n.metadata.name} kubelet`] = n.status.nodeInfo.kubeletVersion;
    }
    const pods = JSON.parse((await c.kubectl(["-n", "kube-system", "get", "pods", "-l", "tier=control-plane", "-o", "json"])).stdout).items as any[];
    for (const p of pods) {
        out[p.metadata.name] = String(p.spec.containers[0].image).split(":").pop()!;
    }
    for (const n of c.plan.nodes.filter((x) => x.etcdMember)) {
        const r = await load.client.exec("curl", ["-sf", "--max-time", "5", "--cacert", load.etcdTls.ca, "--cert", load.etcdTls.cert, "--key", load.etcdTls.key,
            `https://${n.privateIp}:2379/version`]);
        out[`${n.name} etcd`] = r.code === 0 ? JSON.parse(r.stdout).etcdserver : `unreachable (${r.code})`;
    }
    return out;
}

/**
 * kube-proxy before 1.37 always writes nf_conntrack_max, which a test machine's network namespace
 * cannot (lab-differences.ts): its ConfigMap is told to keep the kernel's value, and the pods that
 * could not reach the API without it are restarted.
 */
async function keepConntrackMax(c: BroughtUp, log: (s: string) => void): Promise<void> {
    log("lab: kube-proxy < 1.37 keeps the kernel's nf_conntrack_max (conntrack.maxPerCore 0), then kube-proxy, flannel and CoreDNS restart");
    const kubectl = (args: string[], input?: string, timeoutMs = 30_000) => must(c.kubectl(args, timeoutMs, input), `kubectl ${args.join(" ")}`);
    const cm = JSON.parse(await kubectl(["-n", "kube-system", "get", "configmap", "kube-proxy", "-o", "json"]));
    const config = parse(cm.data["config.conf"]);
    config.conntrack = { ...config.conntrack, maxPerCore: 0 };
    cm.data["config.conf"] = stringify(config);
    await kubectl(["replace", "-f", "-"], JSON.stringify(cm));
    await kubectl(["-n", "kube-system", "rollout", "restart", "daemonset/kube-proxy"]);
    await kubectl(["-n", "kube-system", "rollout", "status", "daemonset/kube-proxy", "--timeout=180s"], undefined, 190_000);
    await kubectl(["-n", "kube-flannel", "delete", "pods", "--all", "--wait=false"]);
    await kubectl(["-n", "kube-flannel", "rollout", "status", "daemonset/kube-flannel-ds", "--timeout=180s"], undefined, 190_000);
    await kubectl(["-n", "kube-system", "rollout", "restart", "deployment/coredns"]);
    await kubectl(["-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=180s"], undefined, 190_000);
}

/** Brings `stack` up at the previous release, upgrades it under load to the stack's own, checks it; tears everything down. */
export async function upgradeRehearsal(stack: string, options: { timeLimitMs?: number; log?: (s: string) => void } = {}): Promise<UpgradeReport> {
    const log = options.log ?? ((s: string) => process.stderr.write(`${s}\n`));
    const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
    const next = parse(readFileSync(file, "utf8")) as StackFile;
    const from = productVersion("kubernetes-1.36").replace(/^v/, "");
    const previous = atVersion(next, from);
    const [before, after] = [planStackFile(previous, file), planStackFile(next, file)];
    const to = after.spec.kubernetes.version;
    const images = [...new Map([before, after].flatMap((p: { spec: ClusterSpec; plan: ClusterPlan }) => labImages(renderContext(p.spec, p.plan))).map((i) => [i.ref, i])).values()];
    const lab = Lab.create(after.spec.network.vpcCidr);
    const limit = setTimeout(() => (log("time limit reached: stopping every test process"), lab.destroy()), options.timeLimitMs ?? 2_400_000);
    const state: LabState = new Map();
    const t0 = Date.now();
    const report: { -readonly [K in keyof UpgradeReport]: UpgradeReport[K] } = {
        stack, prefix: lab.prefix, from, to, bringUpMs: 0, bringUpCommands: { ran: 0, succeeded: 0, total: 0 }, machines: 0, printedSecrets: [], peakRssMb: 0, totalMs: 0, pending: [], interruptedAfter: "", firstRun: [], rerun: [], upgradeMs: 0, versions: {}, checks: [],
    };
    let c: BroughtUp | undefined;
    let load: UpgradeLoad | undefined;
    try {
        log(`bring-up at ${from}`);
        c = await bringUp(lab, previous, stack, before.spec, before.plan, log, { images, state });
        report.bringUpMs = Date.now() - t0;
        report.machines = c.machines.size;
        report.bringUpCommands = { ran: c.commands.length, succeeded: c.commands.filter((x) => x.code === 0).length, total: c.deployed.commands.length };
        if (before.spec.kubernetes.minor < 37) {
            await keepConntrackMax(c, log);
        }
        const workers = c.plan.nodes.filter((n) => n.role === "worker").length;
        await must(c.kubectl(["apply", "-f", "-"], 30_000, JSON.stringify(workload(workers))), "the workload");
        const rolled = await c.kubectl(["-n", WORKLOAD_NS, "rollout", "status", "deployment/web", "--timeout=240s"], 250_000);
        if (rolled.code !== 0) {
            const pods = await c.kubectl(["-n", WORKLOAD_NS, "get", "pods", "-o", "wide"]);
            const events = await c.kubectl(["-n", WORKLOAD_NS, "get", "events", "--sort-by=.lastTimestamp", "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}"]);
            const system = await c.kubectl(["-n", "kube-system", "get", "pods", "-o", "wide"]);
            throw new Error(`the workload is not available: ${rolled.stdout}${rolled.stderr}\n${pods.stdout}\n${events.stdout.split("\n").slice(-4).join("\n")}\n${system.stdout}`);
        }
        load = await UpgradeLoad.start(c);
        log(`load: reads every 250 ms and writes every 500 ms through ${load.endpointUrl}; etcd health and the workload's PDB sampled every second`);
        const updated = await deployment(next, stack, { state, deployedOutputs: { changeGuardSnapshot: c.deployed.outputs.changeGuardSnapshot } });
        const pending = pendingCommands(c.deployed.commands, updated.commands);
        report.pending = pending.map((x) => x.name);
        log(`update to ${to}: ${pending.length} of ${updated.commands.length} commands run again`);
        const byIp = new Map(c.plan.nodes.filter((n) => n.role !== "bastion").map((n) => [n.privateIp, c!.machine(n)]));
        const [, second] = c.plan.nodes.filter((n) => n.role === "master");
        report.interruptedAfter = `${second.name}-upgrade`;
        const u0 = Date.now();
        report.firstRun = await runCommands(closure(pending, report.interruptedAfter), (ip) => byIp.get(ip)!, log, t0);
        log(`interrupted after ${report.interruptedAfter}; the update runs again, every command of it`);
        report.rerun = await runCommands(pending, (ip) => byIp.get(ip)!, log, t0);
        report.upgradeMs = Date.now() - u0;
        const want = c.kubernetesNodes.map((n) => n.hostname);
        await waitFor("every node Ready", async () => {
            const ready = await readyNodes(c!);
            return want.every((n) => ready.includes(n));
        }, 300_000, 2000);
        c.adopt(after.plan, updated);
        log("one worker fewer: the update drains the last worker and deletes its Node before its machine");
        const removal = await removeWorker(c, next, stack, state, workers, log, t0);
        report.removal = removal.report;
        log("etcd 3 -> 5 -> 3 under the same load: every apiserver follows the members");
        report.resize = await resizeRehearsal(c, removal.file, stack, state, "etcd", load, log, t0);
        report.versions = await versions(c, load);
        await load.stop();
        const stored = new Set((await c.kubectl(["get", "configmaps", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}"], 60_000)).stdout.split(" "));
        const members = c.plan.nodes.filter((n) => n.etcdMember).map((n) => n.name);
        report.load = loadOutcome(load.reads.results(), load.writes.results(), load.samples(), members, workers - 1, stored);
        const k = new ClusterChecks(c);
        log("checks at the new release: nodes, CoreDNS, pod to pod, Service, DNS, the worst host loss");
        const checks = [await k.nodesReady(), await k.corednsSpread()];
        report.checks = checks;
        const probes = await k.startProbes();
        checks.push(await k.podToPod(probes), await k.service(probes), await k.dns(probes), await k.afterHostLoss(probes));
    } catch (e) {
        report.error = lab.isDestroyed ? "the time limit was reached" : (e as Error).message;
    } finally {
        await load?.stop().catch(() => undefined);
        c?.stopWatchingMemory();
        clearTimeout(limit);
        lab.destroy();
    }
    report.peakRssMb = Math.round(c?.peakRssMb ?? 0);
    report.printedSecrets = [...(c?.commands ?? []), ...report.firstRun, ...report.rerun].flatMap((r) => printedSecrets(r.name, r.output));
    report.totalMs = Date.now() - t0;
    return report;
}

/**
 * True when the upgrade kept its promises: no failed write and at most 1 % of reads reset (no error
 * answered), no lost write, quorum and the workload's minimum held, every node on the new release,
 * every check passed.
 */
export function upgradeKept(r: UpgradeReport): boolean {
    const l = r.load;
    return !r.error && !!l && !!r.removal && removalKept(r.removal) && !!r.resize && resizeKept(r.resize) && withinResetBudget(l.reads) && withinResetBudget(l.writes) && l.writes.lost === 0 && l.etcd.roundsWithoutQuorum === 0 &&
        l.workload.minHealthy >= l.workload.minimum && Object.entries(r.versions).every(([k, v]) => !k.endsWith(" kubelet") || v === `v${r.to}`) &&
        r.checks.length === 6 && r.checks.every((c) => c.status === "pass") && r.printedSecrets.length === 0;
}

export function renderUpgradeReport(r: UpgradeReport): string {
    const l = r.load;
    const steps = (runs: readonly CommandRun[]) => runs.filter((x) => /-(upgrade|etcd-upgrade|drain-.*|uncordon-.*|addons)$/.test(x.name)).map((x) => [x.name, secs(x.ms)]);
    return [
        `Upgrade of ${r.stack} from ${r.from} to ${r.to} on ${r.machines} machines: ${upgradeKept(r) ? "every promise kept" : "FAILED"} in ${secs(r.totalMs)}`,
        `bring-up at ${r.from}: ${secs(r.bringUpMs)}, ${r.bringUpCommands.succeeded} of ${r.bringUpCommands.total} commands; the update: ${r.pending.length} commands run again, ${secs(r.upgradeMs)} (interrupted after ${r.interruptedAfter}, then run again in full); peak memory ${r.peakRssMb} MiB`,
        ...(r.error ? ["", `stopped: ${r.error}`] : []),
        ...(l ? ["", "Under load through the endpoint:",
            `  reads: ${l.reads.failed} of ${l.reads.total} failed${l.reads.why}`,
            `  writes: ${l.writes.failed} failed${l.writes.why}, ${l.writes.lost} of ${l.writes.acknowledged} acknowledged lost`,
            `  etcd: fewest healthy members in a round ${l.etcd.minHealthy} of ${l.etcd.members}; ${l.etcd.roundsWithoutQuorum} of ${l.etcd.rounds} rounds without a quorum`,
            `  workload: fewest healthy pods ${l.workload.minHealthy} (PDB minimum ${l.workload.minimum}); ${l.workload.unanswered} samples unanswered`] : []),
        ...(r.removal ? ["", `Then ${r.removal.worker} removed (its pool one smaller): ${removalKept(r.removal) ? "its pods moved before its machine went" : "FAILED"}`,
            `  its remove step ${secs(r.removal.deletes.find((d) => d.name.endsWith(`-remove-${r.removal!.worker}`))?.ms ?? 0)}; commands run again: ${r.removal.created.length}; its Node gone before the machine: ${r.removal.nodeGoneFirst}`,
            `  the workload's pods on it: ${r.removal.podsOnIt.join(", ") || "none"}; afterwards on ${r.removal.nodesAfter.join(", ")}, ${r.removal.readyBeforeMachineGone} of ${r.removal.replicas} Ready when the machine went`] : []),
        ...(r.resize ? ["", ...renderResizeReport(r.resize)] : []),
        "", "Upgrade steps, first run (took):", table(["step", "took"], steps(r.firstRun)),
        "", "Upgrade steps, rerun (took):", table(["step", "took"], steps(r.rerun)),
        "", "Versions at the end:", table(["what", "runs"], Object.entries(r.versions)),
        "", "Checks at the new release:",
        table(["#", "check", "expected", "measured", "result"], r.checks.map((c) => [String(c.id), c.check, c.expected, c.measured, c.status])),
        "", r.printedSecrets.length === 0 ? "Secrets in the commands' output: none" : `Secrets in the commands' output (FAILED): ${r.printedSecrets.map((p) => `${p.command} printed ${p.what}`).join("; ")}`,
        "", "How the test machines differ from CVMs:", ...BRING_UP_DIFFERENCES.map((d) => `  - ${d}`),
    ].join("\n");
}
