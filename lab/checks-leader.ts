// Leader election of kube-controller-manager and kube-scheduler (run two
// or more, one leads through a lock): kill the leader, another master takes the Lease, and the new
// leader really works: a Deployment made after the kill gets its ReplicaSet and pods (the
// controller-manager), and they get bound to nodes (the scheduler).

import { randomBytes } from "node:crypto";
import type { CheckResult } from "./checks";
import type { ClusterLab, Master } from "./cluster-lab";
import { Component, componentFlag, startComponent } from "./control-plane";
import { secsFine as secs, waitFor } from "./lab";


interface Lease { holder: string; renewMs: number }

async function lease(c: ClusterLab, component: Component): Promise<Lease | undefined> {
    const r = await c.kubectl(["-n", "kube-system", "get", "lease", component, "-o", "json"]);
    if (r.code !== 0) {
        return undefined;
    }
    const spec = JSON.parse(r.stdout).spec;
    return { holder: String(spec.holderIdentity ?? ""), renewMs: Date.parse(spec.renewTime) };
}

/** How many times the two components' Leases changed hands since they were made (`spec.leaseTransitions`). */
export async function leaseTransitions(c: ClusterLab): Promise<number> {
    const r = await c.kubectl(["-n", "kube-system", "get", "lease", "kube-controller-manager", "kube-scheduler", "-o", "jsonpath={.items[*].spec.leaseTransitions}"]);
    return r.code === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean).reduce((n, x) => n + Number(x), 0) : NaN;
}

/** The cluster's etcd writes per second over `ms` (the store's revision grows by one per write transaction). */
export async function etcdWriteRate(c: ClusterLab, ms: number): Promise<number> {
    const revision = async () => {
        const r = await c.etcdctl(["endpoint", "status", "-w", "json"]);
        const s: { Status: { header: { revision: number } } }[] = r.code === 0 ? JSON.parse(r.stdout) : [];
        return Math.max(...s.map((x) => Number(x.Status.header.revision)));
    };
    const [t0, r0] = [Date.now(), await revision()];
    await new Promise((r) => setTimeout(r, ms));
    const [t1, r1] = [Date.now(), await revision()];
    return (r1 - r0) / ((t1 - t0) / 1000);
}

/** The master whose component holds the Lease (holder identity is `<hostname>_<uuid>`). */
function holderOf(c: ClusterLab, l: Lease | undefined): Master | undefined {
    return l ? c.masters.find((m) => l.holder.split("_")[0] === m.node.hostname) : undefined;
}

/** kubeadm's leader-election timers on the component's command line (its defaults when absent). */
function timers(m: Master, component: Component): { leaseMs: number; renewMs: number; retryMs: number } {
    const d = (name: string, fallback: number) => {
        const v = componentFlag(m, component, name);
        return v ? Number(/^(\d+)s$/.exec(v)?.[1] ?? NaN) * 1000 : fallback;
    };
    return { leaseMs: d("leader-elect-lease-duration", 15_000), renewMs: d("leader-elect-renew-deadline", 10_000), retryMs: d("leader-elect-retry-period", 2_000) };
}

/** Errors a client retries: its own timeout, a dropped connection, or the server's 5xx for an unreachable etcd member. */
const RETRIABLE = /Client\.Timeout|timeout|timed out|connection reset|EOF|code = Unavailable|InternalError|currently unable/i;

/** Creates a Deployment of `replicas` pause pods and waits (up to `timeoutMs` per step) for its ReplicaSet, its pods, and their binding. */
export async function deploymentWorks(c: ClusterLab, replicas: number, timeoutMs: number): Promise<{ podsMs: number; boundMs: number; nodes: string[]; tries: number } | string> {
    const name = `rehearse-${randomBytes(3).toString("hex")}`;
    const t0 = Date.now();
    // A client retries a request that timed out or that the server could not serve (at most 3
    // tries here), as a controller requeues it; the report counts the tries. After an etcd
    // member's host is lost, each resource's etcd client in a surviving apiserver keeps its idle
    // connection to that member (no keepalive ping without a stream) until a request is routed
    // there: that request fails after gRPC's 10 s TCP user timeout, and the retry is served.
    let tries = 0;
    let created;
    do {
        created = await c.kubectl(["-n", "default", "create", "deployment", name, `--image=${c.ctx.pauseImage}`, `--replicas=${replicas}`]);
        tries++;
    } while (created.code !== 0 && RETRIABLE.test(created.stderr) && !/AlreadyExists/.test(created.stderr) && tries < 3);
    if (created.code !== 0 && !/AlreadyExists/.test(created.stderr)) {
        return `kubectl create deployment failed ${tries} time(s): ${created.stderr.trim()}`;
    }
    const pods = async () => {
        const r = await c.kubectl(["-n", "default", "get", "pods", "-l", `app=${name}`, "-o", "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}"]);
        return r.code === 0 ? r.stdout.split("\n").slice(0, -1) : [];
    };
    try {
        const rs = await waitFor(`a ReplicaSet of ${name}`, async () => {
            const r = await c.kubectl(["-n", "default", "get", "replicasets", "-l", `app=${name}`, "-o", "name"]);
            return r.code === 0 && r.stdout.trim() !== "";
        }, timeoutMs, 200);
        const made = await waitFor(`${replicas} pods of ${name}`, async () => (await pods()).length === replicas, timeoutMs, 200);
        const bound = await waitFor(`the pods of ${name} bound to nodes`, async () => {
            const nodes = await pods();
            return nodes.length === replicas && nodes.every((n) => n !== "") && nodes;
        }, timeoutMs, 200);
        return { podsMs: rs.ms + made.ms, boundMs: Date.now() - t0, nodes: bound.value, tries };
    } catch (err) {
        return (err as Error).message;
    }
}

/**
 * 11 and 12: SIGKILL (or SIGTERM) the component's leader; the Lease moves to another master within
 * lease duration + 2.2 x retry period (at once after a graceful stop, where it is released), and a
 * Deployment made afterwards is served by the new leaders.
 */
export async function leaderLoss(c: ClusterLab, id: number, component: Component, signal: "SIGKILL" | "SIGTERM"): Promise<CheckResult> {
    const check = `${signal} the ${component} leader`;
    let seen: Lease | undefined;
    const found = await waitFor(`a ${component} leader`, async () => {
        seen = await lease(c, component);
        return holderOf(c, seen) && seen;
    }, 60_000, 500).catch(() => undefined);
    if (!found) {
        return { id, check, expected: "a leader to start from", measured: `no master holds the ${component} Lease (holder: ${JSON.stringify(seen?.holder ?? "no Lease")})`, status: "fail" };
    }
    const before = found.value;
    const leader = holderOf(c, before)!;
    const t = timers(leader, component);
    leader.paused.add(component);
    leader.daemons[component]!.signal(signal);
    // kube-scheduler releases its Lease when stopped; kube-controller-manager only with the alpha
    // gate ControllerManagerReleaseLeaderElectionLockOnExit (off by default in 1.37), so a
    // graceful stop of it costs the whole lease duration too.
    const released = signal === "SIGTERM" && component === "kube-scheduler";
    // Candidates retry every retry period with client-go's jitter factor 1.2 (up to 2.2 x apart).
    const retry = Math.round(t.retryMs * 2.2);
    const bound = released ? retry + 1000 : t.leaseMs + retry + 1000;
    let taken: { value: Lease; ms: number } | undefined;
    try {
        taken = await waitFor(`another master's ${component} holding the Lease`, async () => {
            const l = await lease(c, component);
            return l && l.holder !== before.holder && holderOf(c, l) && l;
        }, bound + 10_000, 200);
    } catch { /* reported below */ }
    const works = taken ? await deploymentWorks(c, 3, 30_000) : "no new leader";
    leader.paused.delete(component);
    startComponent(leader, component);
    const takenMs = taken ? taken.ms : Infinity;
    const ok = typeof works !== "string" && takenMs <= bound;
    return {
        id, check: `${check} (${leader.node.name})`,
        expected: `another master takes the Lease within ${secs(bound)} (${released ? "it is released at the stop: 2.2 x retry period (jitter) + 1 s" :
            `${signal === "SIGTERM" ? "not released at the stop (alpha gate off): " : ""}lease duration + 2.2 x retry period (jitter) + 1 s`}); ` +
            "a Deployment made afterwards gets its ReplicaSet and 3 pods, bound to nodes",
        measured: taken ? `${holderOf(c, taken.value)!.node.name} took the Lease after ${secs(takenMs)}; ` +
            (typeof works === "string" ? `the Deployment: ${works}` : `ReplicaSet and 3 pods after ${secs(works.podsMs)}, bound after ${secs(works.boundMs)} to ${[...new Set(works.nodes)].length} nodes${works.tries > 1 ? ` (kubectl create needed ${works.tries} tries)` : ""}`)
            : `no other master took the Lease within ${secs(bound + 10_000)}`,
        status: ok ? "pass" : "fail",
        values: { takeoverMs: takenMs, leaseDurationMs: t.leaseMs, retryMs: t.retryMs, ...(typeof works === "string" ? {} : { podsMs: works.podsMs, boundMs: works.boundMs }) },
    };
}
