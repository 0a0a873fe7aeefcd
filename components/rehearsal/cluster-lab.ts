// A stack's control-plane plumbing on test hosts, from exactly the files the library renders:
// etcd members run their rendered command line (Debian's etcd 3.4), masters run a STAND-IN
// apiserver that reads and writes the real etcd, and the endpoint tier runs the rendered HAProxy
// and keepalived. A managed CLB is simulated by one HAProxy host in TCP mode at the CLB's VIP;
// an LVS director pair cannot run (no IPVS here): its HAProxy pair is reached directly.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { addressAt, parseCidr } from "../plan/cidr";
import type { PlannedNode } from "../plan/topology";
import type { RenderContext } from "../render/context";
import { etcdArgs, etcdCertificateRequests } from "../render/etcd";
import { haproxyConfig } from "../render/haproxy";
import { keepalivedCommand } from "../render/keepalived";
import { apiServerCertSans } from "../render/kubeadm";
import type { NodeBundle } from "../render/node";
import { Daemon, ExecResult, Host, Lab, waitFor } from "./lab";
import { KeyPair, makeCa, makeCert } from "./pki";
import { rebase, stage } from "./staging";

const STANDIN = path.join(__dirname, "standin-apiserver.js");
/** How long a stand-in waits for etcd before it answers 503 (the "configured timeout" of check 3). */
export const STANDIN_ETCD_TIMEOUT_MS = 1500;

export interface EtcdMember { readonly node: PlannedNode; readonly host: Host; readonly command: readonly string[]; daemon: Daemon }

/** The value of `--<name>=` on a member's rendered etcd command line. */
export function etcdFlag(m: EtcdMember, name: string): string {
    const arg = m.command.find((a) => a.startsWith(`--${name}=`));
    if (arg === undefined) {
        throw new Error(`${m.node.name}: the rendered etcd command line has no --${name}`);
    }
    return arg.slice(name.length + 3);
}
export interface Master { readonly node: PlannedNode; readonly host: Host; daemon: Daemon; readonly args: readonly string[] }
export interface LbHost { readonly name: string; readonly host: Host; haproxy: Daemon; keepalived?: Daemon; readonly haproxyArgs: readonly string[]; readonly keepalivedCommand?: readonly string[] }

export class ClusterLab {
    readonly etcd: EtcdMember[] = [];
    readonly masters: Master[] = [];
    readonly lbs: LbHost[] = [];
    /** How the endpoint tier is run, for the report. */
    tierNote = "";
    client!: Host;
    /** The URL the client uses: the VIP (or the simulated CLB), an HAProxy host, or the node-local proxy. */
    endpointUrl = "";
    clusterCa!: KeyPair;
    etcdCa!: KeyPair;
    etcdClient!: KeyPair;

    constructor(readonly lab: Lab, readonly ctx: RenderContext, readonly bundles: readonly NodeBundle[]) {}

    etcdEndpoints(members: readonly EtcdMember[] = this.etcd): string {
        return members.map((m) => `https://${m.node.privateIp}:2379`).join(",");
    }

    etcdctl(args: readonly string[], members: readonly EtcdMember[] = this.etcd, timeoutMs = 15_000): Promise<ExecResult> {
        return this.client.exec("etcdctl", [`--endpoints=${this.etcdEndpoints(members)}`, `--cacert=${this.etcdCa.cert}`, `--cert=${this.etcdClient.cert}`,
            `--key=${this.etcdClient.key}`, "--dial-timeout=1s", "--command-timeout=3s", ...args], timeoutMs);
    }

    startEtcd(m: EtcdMember): Daemon {
        m.daemon = m.host.spawn("etcd", m.command[0], m.command.slice(1));
        return m.daemon;
    }

    startMaster(m: Master): Daemon {
        m.daemon = m.host.spawn("standin-apiserver", process.execPath, [STANDIN, ...m.args]);
        return m.daemon;
    }

    /** Test processes that should be running but are not (one that died on its own spoils the next check). */
    deadDaemons(): Daemon[] {
        const all = [...this.etcd.map((m) => m.daemon), ...this.masters.map((m) => m.daemon), ...this.lbs.flatMap((l) => (l.keepalived ? [l.haproxy, l.keepalived] : [l.haproxy]))];
        return all.filter((d) => !d.alive());
    }

    bundle(name: string): NodeBundle {
        return this.bundles.find((b) => b.node.name === name)!;
    }
}

/** Starts etcd, the stand-in masters and the endpoint tier of a rendered stack inside `lab`. */
export async function buildClusterLab(lab: Lab, ctx: RenderContext, bundles: readonly NodeBundle[], log: (s: string) => void): Promise<ClusterLab> {
    const c = new ClusterLab(lab, ctx, bundles);
    const pki = path.join(lab.dir, "pki");
    c.clusterCa = makeCa(pki, "cluster-ca");
    c.etcdCa = makeCa(pki, "etcd-ca");
    c.etcdClient = makeCert(pki, c.etcdCa, "apiserver-etcd-client", { cn: "kube-apiserver-etcd-client", client: true });
    const hosts = new Map<string, Host>();
    const hostFor = (n: PlannedNode) => {
        const existing = hosts.get(n.name);
        if (existing) {
            return existing;
        }
        const prefix: Record<string, string> = { etcd: "etcd", master: "m", lb: "lb", haproxy: "hap", worker: "w" };
        const h = lab.addHost(`${prefix[n.role] ?? n.role}${n.ordinal}`, n.privateIp);
        hosts.set(n.name, h);
        return h;
    };

    log(`etcd: ${ctx.etcdMembers.length} members from the rendered command line`);
    const requests = etcdCertificateRequests(ctx);
    for (const node of ctx.etcdMembers) {
        const host = hostFor(node);
        const root = path.join(lab.dir, host.name);
        const pkiDir = path.join(root, "etc/etcd/pki");
        mkdirSync(pkiDir, { recursive: true });
        writeFileSync(path.join(pkiDir, "ca.crt"), readFileSync(c.etcdCa.cert));
        for (const r of requests.filter((x) => x.member === node.name)) {
            const kp = makeCert(path.join(pki, node.name), c.etcdCa, r.kind, { cn: r.commonName, ips: r.ips, dns: r.dns, server: true, client: true });
            writeFileSync(path.join(pkiDir, `${r.kind}.crt`), readFileSync(kp.cert));
            writeFileSync(path.join(pkiDir, `${r.kind}.key`), readFileSync(kp.key), { mode: 0o600 });
        }
        mkdirSync(path.join(root, "var/lib/etcd"), { recursive: true, mode: 0o700 });
        const command = ["etcd", ...etcdArgs(ctx, node)].map((a) => rebase(a, root));
        const member: EtcdMember = { node, host, command, daemon: undefined as unknown as Daemon };
        c.startEtcd(member);
        c.etcd.push(member);
    }

    log(`masters: ${ctx.masters.length} stand-in apiservers (HTTPS /healthz, /version, /write and /read through the real etcd)`);
    const sans = apiServerCertSans(ctx);
    for (const node of ctx.masters) {
        const host = hostFor(node);
        const kp = makeCert(path.join(pki, "apiservers"), c.clusterCa, node.name, {
            cn: "kube-apiserver", server: true, ips: [...sans.filter((s) => /^\d/.test(s)), node.privateIp], dns: [...sans.filter((s) => !/^\d/.test(s)), node.hostname],
        });
        const master: Master = {
            node, host, daemon: undefined as unknown as Daemon,
            args: [node.hostname, kp.cert, kp.key, node.privateIp, String(ctx.plan.endpoint.port), c.etcdEndpoints(), c.etcdCa.cert, c.etcdClient.cert, c.etcdClient.key, String(STANDIN_ETCD_TIMEOUT_MS)],
        };
        c.startMaster(master);
        c.masters.push(master);
    }

    await startTier(c, hostFor, log);
    const zone = ctx.spec.zones.find((z) => z.zone === (ctx.plan.endpoint.zone ?? ctx.spec.zones[0].zone))!;
    const subnet = parseCidr(zone.subnetCidr);
    c.client ??= lab.addHost("client", addressAt(subnet, subnet.size - 6));
    return c;
}

async function startTier(c: ClusterLab, hostFor: (n: PlannedNode) => Host, log: (s: string) => void): Promise<void> {
    const { ctx, lab } = c;
    const e = ctx.plan.endpoint;
    const byRole = (role: string) => ctx.plan.nodes.filter((n) => n.role === role);
    const startLb = (node: PlannedNode, withKeepalived: boolean): LbHost => {
        const host = hostFor(node);
        const root = path.join(lab.dir, host.name);
        const placed = stage(c.bundle(node.name).files, root);
        const haproxyArgs = ["-db", "-f", placed.get("/etc/haproxy/haproxy.cfg")!];
        const haproxy = host.spawn("haproxy", "haproxy", haproxyArgs);
        if (!withKeepalived) {
            return { name: node.name, host, haproxy, haproxyArgs };
        }
        const conf = placed.get("/etc/kubeadm-ha/keepalived.conf")!;
        writeFileSync(conf, rebase(readFileSync(conf, "utf8"), root));
        mkdirSync(path.join(root, "run/kubeadm-ha"), { recursive: true });
        const command = keepalivedCommand().map((a) => rebase(a, root));
        return { name: node.name, host, haproxy, haproxyArgs, keepalived: host.spawn("keepalived", command[0], command.slice(1)), keepalivedCommand: command };
    };
    switch (e.kind) {
        case "keepalived-haproxy":
            log("endpoint: keepalived + HAProxy on two LB hosts floating the VIP (the rendered configs)");
            c.lbs.push(...byRole("lb").map((n) => startLb(n, true)));
            c.tierNote = "keepalived-haproxy: rendered HAProxy and keepalived on both LB hosts";
            c.endpointUrl = `https://${e.vip}:${e.port}`;
            break;
        case "lvs-haproxy":
            log("endpoint: the HAProxy pair behind LVS (rendered); the LVS directors are NOT rehearsed: this kernel has no IPVS");
            c.lbs.push(...byRole("haproxy").map((n) => startLb(n, false)));
            c.tierNote = "lvs-haproxy: HAProxy pair rehearsed, reached directly; LVS layer not rehearsed (no IPVS)";
            c.endpointUrl = `https://${c.lbs[0].host.ip}:${e.port}`;
            break;
        case "clb": {
            log("endpoint: the managed CLB is SIMULATED by one HAProxy host in TCP mode at the CLB's VIP");
            const host = lab.addHost("clb", e.vip!);
            const cfg = path.join(lab.dir, "clb-haproxy.cfg");
            writeFileSync(cfg, haproxyConfig(ctx, { bind: `:${e.port}` }));
            c.lbs.push({ name: "simulated-clb", host, haproxy: host.spawn("haproxy", "haproxy", ["-db", "-f", cfg]), haproxyArgs: ["-db", "-f", cfg] });
            c.tierNote = "clb: simulated by one HAProxy host in TCP mode (a managed CLB cannot run here)";
            c.endpointUrl = `https://${e.vip}:${e.port}`;
            break;
        }
        case "node-local-proxy": {
            const worker = byRole("worker")[0];
            log(`endpoint: the rendered node-local HAProxy on ${worker.name}; the client runs there and dials 127.0.0.1`);
            const host = hostFor(worker);
            const root = path.join(lab.dir, host.name);
            const placed = stage(c.bundle(worker.name).files, root);
            const pod = parse(readFileSync(placed.get("/etc/kubernetes/manifests/kube-apiserver-proxy.yaml")!, "utf8"));
            const command: string[] = pod.spec.containers[0].command.map((a: string) => rebase(a, root));
            c.lbs.push({ name: worker.name, host, haproxy: host.spawn("node-proxy", command[0], command.slice(1)), haproxyArgs: command.slice(1) });
            c.tierNote = "node-local-proxy: the rendered static pod's HAProxy command on a worker host";
            c.client = host;
            c.endpointUrl = `https://127.0.0.1:${e.port}`;
            break;
        }
    }
    await Promise.all(c.lbs.map((l) => waitFor(`HAProxy on ${l.host.name}`, async () =>
        (await l.host.exec("curl", ["-sf", "--max-time", "1", "http://127.0.0.1:8404/healthz"])).code === 0, 15_000, 100)));
}
