// The etcd membership grown 3 -> 5 and shrunk back 5 -> 3 on a brought-up cluster, under the load
// that runs (upgrade-load.ts), as the two updates `pulumi up` runs (update.ts) when the stack's
// count changes: `controlPlane.count` with stacked etcd (two masters join with their members, then
// leave: master-leave.sh drains each, deletes its Node, removes its member, resets kubeadm), or
// `etcd.members` with external etcd (two members join as learners and are promoted, every
// master's apiserver follows the list, then they leave: etcd-leave.sh). What must hold: every
// member a voter after each update, every apiserver on exactly the members (external), every new
// master Ready (stacked), and a leaving machine cleaned before it is deleted.

import type { PlannedNode } from "../components/plan/topology";
import { HAPROXY_HEALTH_PORT, PATHS } from "../components/render/context";
import type { BroughtUp } from "./bring-up";
import { readyNodes } from "./bring-up";
import type { LabState } from "./deployment";
import { waitFor } from "./lab";
import type { UpgradeLoad } from "./upgrade-load";
import { applyUpdate, StackFile, UpdateRun } from "./update";

export type ResizeKind = "controlPlane" | "etcd";

export interface ResizeReport {
    readonly kind: ResizeKind;
    readonly grow: UpdateRun;
    readonly shrink: UpdateRun;
    /** `member list` after each update: `<name> voter|learner`. */
    readonly afterGrow: readonly string[];
    readonly afterShrink: readonly string[];
    /** External etcd: how many members each master's running apiserver uses (its process's --etcd-servers), after each update. */
    readonly etcdServers: { readonly afterGrow: Readonly<Record<string, number>>; readonly afterShrink: Readonly<Record<string, number>> };
    /** Stacked: the masters Ready once grown. */
    readonly mastersReady: number;
    /** Node-local proxies: the masters each worker's proxy has as backends in service (UP in HAProxy's statistics), after each update. */
    readonly proxies: { readonly afterGrow: Readonly<Record<string, number>>; readonly afterShrink: Readonly<Record<string, number>> };
    /** Per leaving machine, what was still there once its delete step was done (must be nothing). */
    readonly leftovers: Readonly<Record<string, readonly string[]>>;
}

/** The stack file at `count` masters (stacked) or external members. */
function sized(file: StackFile, kind: ResizeKind, count: number): StackFile {
    const copy = structuredClone(file);
    const cluster = copy.config["kubeadm-ha:cluster"];
    if (kind === "controlPlane") {
        cluster.controlPlane.count = count;
    } else {
        cluster.etcd.members = count;
    }
    return copy;
}

/** The members etcd lists, asked from the client host through a member that stays. */
async function memberList(c: BroughtUp, load: UpgradeLoad): Promise<string[]> {
    const stays = c.plan.nodes.find((n) => n.etcdMember)!;
    const t = load.etcdTls;
    const r = await load.client.exec("curl", ["-sS", "--max-time", "10", "--cacert", t.ca, "--cert", t.cert, "--key", t.key, "-X", "POST", "-d", "{}",
        `https://${stays.privateIp}:2379/v3/cluster/member/list`], 15_000);
    if (r.code !== 0) {
        throw new Error(`etcd member list through ${stays.name}: ${r.stderr.trim()}`);
    }
    return (JSON.parse(r.stdout).members as any[]).map((m) => `${m.name || "(not started)"} ${m.isLearner ? "learner" : "voter"}`).sort();
}

/** How many etcd URLs each master's running apiserver was started with (its process's command line: the mirror pod in the API lags behind). */
async function etcdServers(c: BroughtUp): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const cri = `crictl --runtime-endpoint ${PATHS.criSocket}`;
    for (const m of c.plan.nodes.filter((n) => n.role === "master")) {
        const r = await c.machine(m).exec("sh", ["-c", `id="$(${cri} ps -q --state running --name '^kube-apiserver$' | head -n 1)" && ` +
            `pid="$(${cri} inspect --output go-template --template '{{.info.pid}}' "$id")" && tr '\\0' '\\n' < "/proc/$pid/cmdline" | grep -- '^--etcd-servers='`]);
        out[m.name] = r.code === 0 ? r.stdout.trim().split("=")[1].split(",").length : 0;
    }
    return out;
}

/** proxyBackends once every worker's proxy has `want` masters UP (its health checks mark a new one UP within seconds), or after 60 s. */
async function proxiesAt(c: BroughtUp, want: number): Promise<Record<string, number>> {
    let seen: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
        seen = await proxyBackends(c);
        if (Object.values(seen).every((v) => v === want)) {
            break;
        }
        await new Promise((r) => setTimeout(r, 2000));
    }
    return seen;
}

/** How many backends each worker's node-local HAProxy has UP (its statistics, on the machine's loopback); none without node-local proxies. */
async function proxyBackends(c: BroughtUp): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    if (c.plan.endpoint.kind !== "node-local-proxy") {
        return out;
    }
    for (const w of c.kubernetesNodes.filter((n) => n.role === "worker")) {
        const r = await c.machine(w).exec("curl", ["-sf", "--max-time", "5", `http://127.0.0.1:${HAPROXY_HEALTH_PORT}/stats;csv`]);
        // CSV: proxy name, server name, ..., status (18th field); the backend's own row is BACKEND.
        out[w.name] = r.code !== 0 ? -1 : r.stdout.split("\n").map((l) => l.split(",")).filter((f) => f.length > 17 && !["FRONTEND", "BACKEND", "svname"].includes(f[1]) && f[0] !== "# pxname" && f[17] === "UP").length;
    }
    return out;
}

/** What a leaving machine still has once its delete step ran: its Node, kubeadm's static pods and keys, the etcd member's manifest. */
async function leftovers(c: BroughtUp, n: PlannedNode): Promise<string[]> {
    const found: string[] = [];
    if (n.role === "master" && !(await c.kubectl(["get", "node", n.hostname, "-o", "name"])).stderr.includes("NotFound")) {
        found.push("its Node");
    }
    const m = c.machine(n);
    const manifests = await m.exec("sh", ["-c", "ls -A /etc/kubernetes/manifests 2>/dev/null || true"]);
    found.push(...manifests.stdout.split("\n").filter(Boolean).map((f) => `/etc/kubernetes/manifests/${f}`));
    if (n.role === "master" && m.exists("/etc/kubernetes/pki/ca.key")) {
        found.push("/etc/kubernetes/pki/ca.key");
    }
    return found;
}

/** Grows the membership of `c` (`file` deployed, 3 members) to 5 and back to 3 under `load`. */
export async function resizeRehearsal(c: BroughtUp, file: StackFile, stack: string, state: LabState, kind: ResizeKind, load: UpgradeLoad,
    log: (s: string) => void, t0: number): Promise<ResizeReport> {
    const key = kind === "controlPlane" ? "controlPlane.count" : "etcd.members";
    log(`${key} 3 -> 5: the program with two more etcd members`);
    const grow = await applyUpdate(c, sized(file, kind, 5), stack, state, { log, t0 });
    const afterGrow = await memberList(c, load);
    let mastersReady = 0;
    if (kind === "controlPlane") {
        const masters = c.plan.nodes.filter((n) => n.role === "master").map((n) => n.hostname);
        let ready: string[] = [];
        await waitFor("every master Ready", async () => {
            ready = await readyNodes(c);
            return masters.every((h) => ready.includes(h));
        }, 300_000, 2000);
        mastersReady = masters.filter((h) => ready.includes(h)).length;
    }
    const serversGrown = kind === "etcd" ? await etcdServers(c) : {};
    const proxiesGrown = await proxiesAt(c, 5);
    log(`${key} 5 -> 3: the two new ones leave before their machines go`);
    const left: Record<string, string[]> = {};
    const shrink = await applyUpdate(c, sized(file, kind, 3), stack, state, {
        log, t0, beforeMachinesGo: async (gone) => {
            for (const n of gone) {
                left[n.name] = await leftovers(c, n);
            }
        },
    });
    return {
        kind, grow, shrink, afterGrow, afterShrink: await memberList(c, load), mastersReady, leftovers: left,
        proxies: { afterGrow: proxiesGrown, afterShrink: await proxiesAt(c, 3) },
        etcdServers: { afterGrow: serversGrown, afterShrink: kind === "etcd" ? await etcdServers(c) : {} },
    };
}

/** True when the membership changed as promised (the load's own promises are judged with it). */
export function resizeKept(r: ResizeReport): boolean {
    const voters = (l: readonly string[], n: number) => l.length === n && l.every((m) => m.endsWith(" voter"));
    const servers = (s: Readonly<Record<string, number>>, n: number) => Object.keys(s).length > 0 && Object.values(s).every((v) => v === n);
    return voters(r.afterGrow, 5) && voters(r.afterShrink, 3) && r.grow.added.length === 2 && r.shrink.removed.length === 2 &&
        Object.keys(r.leftovers).length === 2 && Object.values(r.leftovers).every((l) => l.length === 0) &&
        (r.kind === "etcd" ? servers(r.etcdServers.afterGrow, 5) && servers(r.etcdServers.afterShrink, 3) : r.mastersReady === 5) &&
        Object.values(r.proxies.afterGrow).every((v) => v === 5) && Object.values(r.proxies.afterShrink).every((v) => v === 3);
}

export function renderResizeReport(r: ResizeReport): string[] {
    const said = (runs: UpdateRun["created"]) => runs.filter((x) => x.ms > 0 && /-(kubeadm-join|etcd-start|etcd-servers|leave|etcd-leave)$/.test(x.name))
        .map((x) => `    ${x.name} ${(x.ms / 1000).toFixed(1)} s`);
    return [
        `${r.kind === "controlPlane" ? "controlPlane.count" : "etcd.members"} 3 -> 5 -> 3: ${resizeKept(r) ? "every promise kept" : "FAILED"}`,
        `  grow (${(r.grow.ms / 1000).toFixed(1)} s, ${r.grow.created.length} commands): ${r.afterGrow.join(", ")}`, ...r.grow.guard.map((g) => `    guard: ${g}`), ...said(r.grow.created),
        ...(r.kind === "etcd" ? [`    apiservers' etcd members: ${JSON.stringify(r.etcdServers.afterGrow)}`] : [`    masters Ready: ${r.mastersReady}`]),
        ...(Object.keys(r.proxies.afterGrow).length ? [`    workers' node-local proxies, masters UP: ${JSON.stringify(r.proxies.afterGrow)}`] : []),
        `  shrink (${(r.shrink.ms / 1000).toFixed(1)} s, ${r.shrink.created.length} commands, ${r.shrink.deleted.length} deletes): ${r.afterShrink.join(", ")}`,
        ...r.shrink.guard.map((g) => `    guard: ${g}`), ...said([...r.shrink.created, ...r.shrink.deleted]),
        ...(r.kind === "etcd" ? [`    apiservers' etcd members: ${JSON.stringify(r.etcdServers.afterShrink)}`] : []),
        ...(Object.keys(r.proxies.afterShrink).length ? [`    workers' node-local proxies, masters UP: ${JSON.stringify(r.proxies.afterShrink)}`] : []),
        `    left on the leaving machines before they went: ${Object.entries(r.leftovers).map(([n, l]) => `${n}: ${l.join(", ") || "nothing"}`).join("; ")}`,
    ];
}
