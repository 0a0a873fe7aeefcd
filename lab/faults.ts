// Fault injection and observation on the rehearsal's test hosts: crash a host the way a power
// loss would, pick the hosts the plan puts on one physical machine, read HAProxy's server state,
// and wait for the steady state each check starts from.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { HAPROXY_HEALTH_PORT } from "../components/render/context";
import type { ClusterLab, LbHost } from "./cluster-lab";
import { componentsRunning } from "./control-plane";
import { Daemon, freezeThenKill, Host, waitFor } from "./lab";

/** HAProxy's view of a backend server on an LB host (stats CSV over loopback). */
export async function serverStatus(lb: LbHost, server: string): Promise<string | undefined> {
    const r = await lb.host.exec("curl", ["-s", "--max-time", "1", "http://127.0.0.1:8404/stats;csv"]);
    return r.stdout.split("\n").map((l) => l.split(",")).find((f) => f[0] === "apiservers" && f[1] === server)?.[17];
}

/** Times a backend server's state changes from inside an LB host (stats-watch.js, ~10 ms resolution). */
export class ServerWatch {
    private readonly daemon: Daemon;
    private readonly file: string;

    constructor(lb: LbHost, server: string, durationMs: number) {
        this.file = path.join(lb.host.lab.dir, "logs", `watch-${lb.name}-${server}-${Date.now()}.jsonl`);
        this.daemon = lb.host.spawn(`watch-${server}`, process.execPath,
            [path.join(__dirname, "stats-watch.js"), String(HAPROXY_HEALTH_PORT), "apiservers", server, String(durationMs), this.file]);
    }

    /** When the server was first seen in a state starting with `status` (ms since the epoch), if it was. */
    async firstSeen(status: string, after: number): Promise<number | undefined> {
        await this.daemon.exited;
        const changes = existsSync(this.file) ? readFileSync(this.file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { t: number; status: string }) : [];
        return changes.find((c) => c.t >= after && c.status.startsWith(status))?.t;
    }
}

/** Everything HAProxy logged on an LB host so far (empty before it wrote anything). */
function haproxyLog(lb: LbHost): string {
    return existsSync(lb.haproxy.log) ? readFileSync(lb.haproxy.log, "utf8") : "";
}

/**
 * How many sessions `server` had the last time HAProxy marked it down, read from its "is DOWN,
 * ... N sessions active" warning (left to finish: the rendered config does not cut them);
 * undefined if it never did.
 */
export function sessionsAtLastMarkDown(lb: LbHost, server: string): number | undefined {
    const downs = [...haproxyLog(lb).matchAll(new RegExp(`Server apiservers/${server} is DOWN\\b.*?(\\d+) sessions active`, "g"))];
    return downs.length > 0 ? Number(downs[downs.length - 1][1]) : undefined;
}

/**
 * HAProxy's session log lines (`option tcplog`: `<client ip>:<port> [<date>] <frontend>
 * <backend>/<server> Tw/Tc/Tt <bytes> <termination state> ...`) of the connections from
 * `ports` (failed requests' client ports; its own stats requests from 127.0.0.1 excluded), at most `max`.
 */
export function haproxyLinesFor(lb: LbHost, ports: readonly number[], max = 5): string[] {
    const wanted = new Set(ports.map(String));
    return haproxyLog(lb).split("\n").filter((l) => {
        const m = /^(\S+):(\d+) \[/.exec(l);
        return m !== null && m[1] !== "127.0.0.1" && wanted.has(m[2]);
    }).slice(0, max);
}

/**
 * Waits for the steady state every check starts from: the VIP on the keepalived MASTER only
 * (at start-up the BACKUP may take it first and then be preempted, which would move the VIP
 * under a check), and every apiserver UP on every HAProxy that has a stats page.
 */
export async function steady(c: ClusterLab): Promise<void> {
    await waitFor("every control-plane component running (restarted like static pods)", async () => c.masters.every(componentsRunning), 60_000, 200);
    const vip = c.ctx.plan.endpoint.vip;
    const [master, ...backups] = c.lbs.filter((l) => l.keepalived);
    if (vip && master) {
        await waitFor(`the VIP on ${master.name} only`, async () =>
            (await master.host.hasAddress(vip)) && !(await Promise.all(backups.map((b) => b.host.hasAddress(vip)))).some(Boolean), 30_000, 100);
    }
    for (const lb of c.lbs) {
        if (await serverStatus(lb, c.masters[0].node.hostname) === undefined) {
            continue; // no HAProxy stats here (an nginx proxy)
        }
        await waitFor(`every apiserver UP on ${lb.name}`, async () =>
            (await Promise.all(c.masters.map((m) => serverStatus(lb, m.node.hostname)))).every((st) => st === "UP"), 15_000, 100);
    }
}

/** The keepalived LB host holding the VIP now, if any. */
export async function vipHolder(c: ClusterLab): Promise<LbHost | undefined> {
    const vip = c.ctx.plan.endpoint.vip;
    for (const lb of c.lbs.filter((l) => l.keepalived)) {
        if (vip && await lb.host.hasAddress(vip)) {
            return lb;
        }
    }
    return undefined;
}

/** SIGSTOP then SIGKILL every process of a host (by PID, so none can send a goodbye), then its link down. */
export function crashHost(host: Host): void {
    freezeThenKill(execFileSync("ip", ["netns", "pids", host.ns], { encoding: "utf8" }).split("\n").map(Number).filter((p) => p > 0));
    execFileSync("ip", ["-n", host.ns, "link", "set", "dev", "eth0", "down"]);
}

/** The test hosts the plan may put on one physical host in the worst zone: up to `affinity` per spread group. */
export function worstHostNodes(c: ClusterLab): Host[] {
    const zone = c.ctx.plan.faultTolerance.find((r) => r.domain === "host")!.zone;
    const perGroup = new Map<string, number>();
    const picked: Host[] = [];
    const candidates = [...c.etcd.map((m) => ({ node: m.node, host: m.host })), ...c.masters.map((m) => ({ node: m.node, host: m.host })),
        ...c.lbs.filter((l) => l.keepalived).map((l) => ({ node: c.ctx.plan.nodes.find((n) => n.name === l.name)!, host: l.host }))];
    for (const { node, host } of candidates) {
        if (node.zone !== zone || !node.placementGroup) {
            continue;
        }
        const group = c.ctx.plan.placementGroups.find((g) => g.name === node.placementGroup)!;
        const taken = perGroup.get(group.name) ?? 0;
        if (taken < group.affinity && !picked.includes(host)) {
            perGroup.set(group.name, taken + 1);
            picked.push(host);
        }
    }
    return picked;
}
