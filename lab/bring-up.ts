// A stack brought up on test machines the way `pulumi up` brings it up on CVMs: the program runs
// under mocks with real crypto (deployment.ts); every machine it creates (but the bastion, which
// only relays SSH) becomes a test machine (machine.ts) that boots from its own user-data
// (boot.ts), while the program's remote commands run in dependency order (remote-commands.ts):
// secrets in, etcd members started, kubeadm init on master-0, the add-ons (pod network, CoreDNS
// HA) applied from master-0, the other masters and the workers joined. Nothing is started by
// the lab that the node would not start itself; lab-differences.ts names what differs.

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { ClusterPlan } from "../components/plan/plan";
import type { ClusterSpec } from "../components/plan/spec";
import type { PlannedNode } from "../components/plan/topology";
import { RenderContext, renderContext } from "../components/render/context";
import { haproxyConfig } from "../components/render/haproxy";
import { bootFromUserData } from "./boot";
import { deployment, Deployment, LabState } from "./deployment";
import { ImageSpec, imageTarball, labImages } from "./images";
import { ExecResult, Lab, rssMbOf, waitFor } from "./lab";
import { addMachine, Machine } from "./machine";
import { CommandRun, runCommands } from "./remote-commands";

/** Programs a bring-up needs: the built node runtime and Kubernetes, and this machine's (Debian's) tools. */
export const BRING_UP_PROGRAMS = ["kubeadm", "kubelet", "kubectl", "crictl", "containerd", "containerd-shim-runc-v2", "ctr", "runc", "bridge", "host-local",
    "loopback", "portmap", "flannel", "flanneld", "imagebuild", "etcd", "coredns", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy",
    "haproxy", "keepalived", "iptables", "conntrack", "socat", "sudo", "busybox", "nsenter", "unshare", "gcc", "curl"];

export interface Step { readonly step: string; readonly startMs: number; readonly ms: number }

export class BroughtUp {
    readonly machines = new Map<string, Machine>();
    readonly timeline: Step[] = [];
    commands: CommandRun[] = [];
    /** The image archive every machine boots with (bringUp sets it). */
    images = "";
    constructor(readonly lab: Lab, readonly spec: ClusterSpec, public plan: ClusterPlan, public deployed: Deployment) {}

    /** The cluster after an update (update.ts): its plan and what the program deployed. */
    adopt(plan: ClusterPlan, deployed: Deployment): void {
        this.plan = plan;
        this.deployed = deployed;
    }

    /** The machine at a private address (remote commands name their host so). */
    machineAt(ip: string): Machine {
        const n = this.plan.nodes.find((x) => x.privateIp === ip && this.machines.has(x.name));
        if (!n) {
            throw new Error(`no test machine at ${ip}`);
        }
        return this.machine(n);
    }

    /** Adds and starts the test machines of `nodes` (of `plan`: workers are numbered in it); they boot with `boot`. */
    async addMachines(nodes: readonly PlannedNode[], plan: ClusterPlan = this.plan): Promise<void> {
        const workers = plan.nodes.filter((n) => n.role === "worker");
        // Each CVM's kernel allows one user 128 inotify instances; here every machine's kubelet and containerd share one kernel (and this machine's own, and a spare).
        this.lab.raiseSysctl("fs.inotify.max_user_instances", INOTIFY_INSTANCES_PER_MACHINE * (this.machines.size + nodes.length + 2));
        for (const n of nodes) {
            const m = await addMachine(this.lab, machineName(n, workers.indexOf(n)), n.privateIp, n.hostname);
            m.startServices();
            this.machines.set(n.name, m);
        }
    }

    /** Boots the machines of `nodes` from their user-data in `deployed` (each boot's duration goes to the timeline, from `t0`). */
    boot(nodes: readonly PlannedNode[], deployed: Deployment, t0: number): Promise<void>[] {
        return nodes.map(async (n) => {
            const m = this.machine(n);
            const instance = deployed.instances.find((i) => i.name === n.name);
            if (!instance) {
                throw new Error(`the program creates no instance ${n.name}`);
            }
            const r = await bootFromUserData(m, instance.userData, this.images);
            this.timeline.push({ step: `${m.name}: user-data`, startMs: Date.now() - t0 - r.ms, ms: r.ms });
            if (r.code !== 0) {
                throw new Error(`${n.name}: cloud-init's runcmd exited ${r.code}:\n${r.output.trim().split("\n").slice(-20).join("\n")}`);
            }
        });
    }

    machine(node: PlannedNode | string): Machine {
        const name = typeof node === "string" ? node : node.name;
        const m = this.machines.get(name);
        if (!m) {
            throw new Error(`no test machine for ${name}`);
        }
        return m;
    }

    /** Machines a check crashed (kubectl avoids them). */
    readonly lost = new Set<Machine>();

    /** kubectl with the admin kubeconfig kubeadm wrote on the first master still up (bounded). */
    kubectl(args: readonly string[], timeoutMs = 30_000, input?: string): Promise<ExecResult> {
        const m = this.plan.nodes.filter((n) => n.role === "master").map((n) => this.machine(n)).find((x) => !this.lost.has(x));
        if (!m) {
            throw new Error("every master is lost: no kubectl");
        }
        return m.exec("kubectl", ["--kubeconfig=/etc/kubernetes/admin.conf", "--request-timeout=15s", ...args], timeoutMs, input);
    }

    /** The most memory the run's processes held at once (MiB), sampled every 2 s by `watchMemory`. */
    peakRssMb = 0;
    private memoryTimer?: NodeJS.Timeout;

    /** Resident memory of every process of the lab's machines (pods included), MiB. */
    rssMb(): number {
        return rssMbOf([...this.machines.values()].flatMap((m) => m.pids()));
    }

    /** Samples memory every 2 s until `stopWatchingMemory`. */
    watchMemory(): void {
        this.memoryTimer = setInterval(() => (this.peakRssMb = Math.max(this.peakRssMb, this.rssMb())), 2000);
        this.memoryTimer.unref();
    }

    stopWatchingMemory(): void {
        clearInterval(this.memoryTimer);
        this.peakRssMb = Math.max(this.peakRssMb, this.rssMb());
    }

    /** Nodes an update took out of the cluster (their machines are gone). */
    readonly removed = new Set<string>();

    /** The Kubernetes nodes (masters and workers) of the plan, but those removed. */
    get kubernetesNodes(): PlannedNode[] {
        return this.plan.nodes.filter((n) => (n.role === "master" || n.role === "worker") && !this.removed.has(n.name));
    }

    /** `node` leaves the cluster: its machine is deleted (every process killed, its link down). */
    deleteMachine(node: PlannedNode): void {
        this.machine(node).crash();
        this.machines.delete(node.name);
        this.removed.add(node.name);
    }
}

/** fs.inotify.max_user_instances of one machine (the kernel's default). */
const INOTIFY_INSTANCES_PER_MACHINE = 128;

/** A test machine's name: short (an interface name), by role and ordinal. */
function machineName(n: PlannedNode, index: number): string {
    const prefix: Record<string, string> = { etcd: "etcd", master: "m", lb: "lb", haproxy: "hap", lvs: "lvs", worker: "w" };
    return `${prefix[n.role] ?? n.role}${n.role === "worker" ? index : n.ordinal}`;
}

/**
 * A managed CLB cannot run here: one lab host at the CLB's VIP runs HAProxy in TCP mode over
 * every master with the rendered health check (the rehearsal's simulation, lab-differences.ts).
 */
async function simulateClb(c: BroughtUp, ctx: RenderContext): Promise<void> {
    const e = c.plan.endpoint;
    const host = c.lab.addHost("clb", e.vip!);
    const cfg = path.join(c.lab.dir, "clb-haproxy.cfg");
    writeFileSync(cfg, haproxyConfig(ctx, { bind: `:${e.port}` }));
    host.spawn("haproxy", "haproxy", ["-db", "-f", cfg]);
    await waitFor("the simulated CLB's HAProxy", async () => (await host.exec("curl", ["-sf", "--max-time", "1", "http://127.0.0.1:8404/healthz"])).code === 0, 15_000, 100);
}

/** Names of the nodes whose Node object is Ready. */
export async function readyNodes(c: BroughtUp): Promise<string[]> {
    const r = await c.kubectl(["get", "nodes", "-o", "json"]);
    if (r.code !== 0) {
        return [];
    }
    return (JSON.parse(r.stdout).items as any[])
        .filter((n) => n.status.conditions?.some((x: any) => x.type === "Ready" && x.status === "True"))
        .map((n) => n.metadata.name);
}

export interface BringUpOptions {
    /** The images every machine has (an upgrade's machines need both releases'). @default the stack's */
    readonly images?: readonly ImageSpec[];
    /** Kept for the next run of the program (deployment.ts). @default none */
    readonly state?: LabState;
}

/** Brings a stack up in `lab`; `log` gets progress lines. */
export async function bringUp(lab: Lab, stackFile: { config?: Record<string, unknown> }, stack: string, spec: ClusterSpec, plan: ClusterPlan,
    log: (s: string) => void, o: BringUpOptions = {}): Promise<BroughtUp> {
    const t0 = Date.now();
    log("program: index.ts under mocks with real crypto (user-data, secret bundles, remote commands)");
    const deployed = await deployment(stackFile, stack, o.state ? { state: o.state } : {});
    const c = new BroughtUp(lab, spec, plan, deployed);
    try {
        return await bringUpMachines(c, t0, log, o.images ?? labImages(renderContext(spec, plan)));
    } catch (e) {
        c.stopWatchingMemory();
        throw e;
    }
}

/** The machines booted and the program's commands run (a failure stops the memory sampler first: bringUp). */
async function bringUpMachines(c: BroughtUp, t0: number, log: (s: string) => void, imageSpecs: readonly ImageSpec[]): Promise<BroughtUp> {
    const { spec, plan, deployed } = c;
    const step = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
        const start = Date.now();
        const out = await fn();
        c.timeline.push({ step: name, startMs: start - t0, ms: Date.now() - start });
        return out;
    };
    c.watchMemory();
    c.images = await step("images", () => imageTarball(imageSpecs, log));
    const nodes = plan.nodes.filter((x) => x.role !== "bastion");
    await step("machines", () => c.addMachines(nodes));
    const byIp = new Map(nodes.map((n) => [n.privateIp, c.machine(n)]));
    if (plan.endpoint.kind === "clb") {
        await step("simulated CLB", () => simulateClb(c, renderContext(spec, plan)));
    }
    if (plan.endpoint.kind === "node-local-proxy" && (spec.apiEndpoint.proxy ?? "haproxy") !== "haproxy") {
        throw new Error("apiEndpoint.proxy: the bring-up builds an image for the HAProxy node-local proxy only; rehearse nginx with `npm test`'s nginx checks");
    }
    log(`machines: ${c.machines.size} booting from their user-data (${[...c.machines.values()].map((m) => m.name).join(", ")})`);
    const boots = c.boot(nodes, deployed, t0);
    const commands = deployed.commands.filter((x) => byIp.has(x.host));
    const skipped = deployed.commands.filter((x) => !byIp.has(x.host));
    if (skipped.length > 0) {
        throw new Error(`commands for machines the lab does not run: ${skipped.map((x) => x.name).join(", ")}`);
    }
    log(`commands: ${commands.length} remote commands of the program, in dependency order`);
    const [runs] = await Promise.all([runCommands(commands, (ip) => byIp.get(ip)!, log, t0), ...boots]);
    c.commands = runs;
    for (const r of runs) {
        c.timeline.push({ step: r.name, startMs: r.startMs, ms: r.ms });
    }
    const want = c.kubernetesNodes.map((n) => n.hostname);
    log(`nodes: waiting for ${want.length} nodes to be Ready (pod network from master-0's add-ons)`);
    await step("every node Ready", () => waitFor("every node Ready", async () => {
        const ready = await readyNodes(c);
        return want.every((n) => ready.includes(n));
    }, 600_000, 2000));
    return c;
}
