// A stack's control plane on test hosts, from exactly the files the library renders and the key
// material the ClusterPki component makes: external etcd members run their rendered command line
// (the etcd built at the version we render); masters run the real kube-apiserver,
// kube-controller-manager and kube-scheduler from the manifests real kubeadm wrote from our
// configuration (control-plane.ts), stacked etcd from kubeadm's own etcd manifests; the endpoint
// tier runs the rendered HAProxy and keepalived. A managed CLB is simulated by one HAProxy host in
// TCP mode at the CLB's VIP; an LVS director pair cannot run (no IPVS here): its HAProxy pair is
// reached directly. No kubelet runs yet: the lab starts the static pods' commands itself, and a
// node agent registers the planned nodes and keeps them Ready (lab-differences.ts lists it all).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { addressAt, parseCidr } from "../components/plan/cidr";
import type { PlannedNode } from "../components/plan/topology";
import type { RenderContext } from "../components/render/context";
import { PATHS } from "../components/render/context";
import { etcdArgs } from "../components/render/etcd";
import { haproxyConfig } from "../components/render/haproxy";
import { keepalivedCommand } from "../components/render/keepalived";
import { NodeBundle, renderNode } from "../components/render/node";
import { etcdMemberPkiFiles } from "../components/render/pki-files";
import { ComponentPki, componentPki } from "./component-pki";
import { ControlPlaneMaster, EtcdMember, initMaster, initUploads, joinMaster, startComponent, terminationGraceMs } from "./control-plane";
import { Daemon, ExecResult, Host, Lab, waitFor } from "./lab";
import { steady } from "./faults";
import { mirrorPod, startNodeAgent } from "./nodes";
import { rebase, stage } from "./staging";

export type { EtcdMember };

/** The value of `--<name>=` on a member's etcd command line. */
export function etcdFlag(m: EtcdMember, name: string): string {
    const arg = m.command.find((a) => a.startsWith(`--${name}=`));
    if (arg === undefined) {
        throw new Error(`${m.node.name}: the etcd command line has no --${name}`);
    }
    return arg.slice(name.length + 3);
}
export type Master = ControlPlaneMaster;
export interface LbHost { readonly name: string; readonly host: Host; haproxy: Daemon; keepalived?: Daemon; readonly haproxyArgs: readonly string[]; readonly keepalivedCommand?: readonly string[] }

/** Files of the run's own clients (probes, etcdctl, the node agent). */
export interface ClientFiles { readonly ca: string; readonly adminCert: string; readonly adminKey: string; readonly etcdCa: string; readonly etcdCert: string; readonly etcdKey: string }

export class ClusterLab {
    readonly etcd: EtcdMember[] = [];
    readonly masters: Master[] = [];
    readonly lbs: LbHost[] = [];
    /** How the endpoint tier is run, for the report. */
    tierNote = "";
    client!: Host;
    /** The URL the client uses: the VIP (or the simulated CLB), an HAProxy host, or the node-local proxy. */
    endpointUrl = "";
    pki!: ComponentPki;
    files!: ClientFiles;
    /** Seconds of each bring-up step, for the report. */
    readonly timeline: { step: string; ms: number }[] = [];

    /** Every node's rendered files, with the component PKI's token, certificate key, CA pin and encryption key. */
    bundles: readonly NodeBundle[] = [];

    private readonly kubeconfigs = new Map<string, string>();

    constructor(readonly lab: Lab, readonly ctx: RenderContext) {}

    /** The directory that stands for a test host's `/`. */
    root(host: Host): string {
        return path.join(this.lab.dir, host.name);
    }

    etcdEndpoints(members: readonly EtcdMember[] = this.etcd): string {
        return members.map((m) => `https://${m.node.privateIp}:2379`).join(",");
    }

    etcdctl(args: readonly string[], members: readonly EtcdMember[] = this.etcd, timeoutMs = 15_000): Promise<ExecResult> {
        return this.client.exec("etcdctl", [`--endpoints=${this.etcdEndpoints(members)}`, `--cacert=${this.files.etcdCa}`, `--cert=${this.files.etcdCert}`,
            `--key=${this.files.etcdKey}`, "--dial-timeout=1s", "--command-timeout=3s", ...args], timeoutMs);
    }

    startEtcd(m: EtcdMember): Daemon {
        m.daemon = m.host.spawn("etcd", m.command[0], m.command.slice(1));
        return m.daemon;
    }

    /**
     * Test processes that should be running but are not (one that died on its own spoils the next
     * check). Control-plane components are restarted like static pods (control-plane.ts), so they
     * are not counted; steady() waits for them.
     */
    deadDaemons(): Daemon[] {
        const all = [...this.etcd.map((m) => m.daemon), ...this.lbs.flatMap((l) => (l.keepalived ? [l.haproxy, l.keepalived] : [l.haproxy]))];
        return all.filter((d) => !d.alive());
    }

    bundle(name: string): NodeBundle {
        return this.bundles.find((b) => b.node.name === name)!;
    }

    /** A kubeconfig for the run's clients, with the component-made admin certificate, to `server` (written once). */
    kubeconfig(server: string): string {
        const known = this.kubeconfigs.get(server);
        if (known) {
            return known;
        }
        const file = path.join(this.lab.dir, "pki", `admin-${server.replace(/\W+/g, "_")}.conf`);
        this.kubeconfigs.set(server, file);
        writeFileSync(file, [
            "apiVersion: v1", "kind: Config", "clusters:", `- name: lab`, "  cluster:", `    server: ${server}`, `    certificate-authority: ${this.files.ca}`,
            "users:", "- name: admin", "  user:", `    client-certificate: ${this.files.adminCert}`, `    client-key: ${this.files.adminKey}`,
            "contexts:", "- name: lab", "  context: {cluster: lab, user: admin}", "current-context: lab", "",
        ].join("\n"), { mode: 0o600 });
        return file;
    }

    /** kubectl from the client host through the endpoint (bounded). */
    kubectl(args: readonly string[], timeoutMs = 20_000): Promise<ExecResult> {
        return this.client.exec("kubectl", [`--kubeconfig=${this.kubeconfig(this.endpointUrl)}`, "--request-timeout=10s", ...args], timeoutMs);
    }
}

function writeSecret(file: string, content: string): string {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content, { mode: 0o600 });
    return file;
}

/** Waits for a master's own apiserver to be ready (its /readyz on its address). */
export async function apiserverReady(c: ClusterLab, m: Master, timeoutMs = 120_000): Promise<void> {
    await waitFor(`kube-apiserver on ${m.node.name}`, async () => {
        if (!m.daemons["kube-apiserver"]?.alive()) {
            throw new Error(`kube-apiserver on ${m.node.name} exited; its log ends with:\n${c.lab.logTails(20, (d) => d === m.daemons["kube-apiserver"])}`);
        }
        return (await m.host.exec("curl", ["-sf", "--max-time", "2", "--cacert", c.files.ca, `https://${m.node.privateIp}:${c.ctx.plan.endpoint.port}/readyz`])).stdout === "ok";
    }, timeoutMs, 500);
}

/**
 * Restarts a master's kube-apiserver as the kubelet restarts a static pod (SIGTERM, SIGKILL after
 * its grace period), with `command` from then on when given, and waits until it is ready.
 */
export async function restartApiserver(c: ClusterLab, m: ControlPlaneMaster, command?: readonly string[]): Promise<void> {
    m.paused.add("kube-apiserver");
    try {
        await m.daemons["kube-apiserver"]?.stop("SIGTERM", terminationGraceMs(m, "kube-apiserver"));
        if (command) {
            m.commands["kube-apiserver"] = command;
        }
    } finally {
        m.paused.delete("kube-apiserver");
        startComponent(m, "kube-apiserver");
    }
    await apiserverReady(c, m, 120_000);
}

/** Starts etcd, the real control plane and the endpoint tier of a rendered stack inside `lab`. */
export async function buildClusterLab(lab: Lab, ctx: RenderContext, log: (s: string) => void): Promise<ClusterLab> {
    const c = new ClusterLab(lab, ctx);
    const step = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
        const t0 = Date.now();
        const out = await fn();
        c.timeline.push({ step: name, ms: Date.now() - t0 });
        return out;
    };
    const stacked = ctx.spec.etcd.topology === "stacked";
    log("PKI: the ClusterPki component run under mocks with real crypto (CAs, service-account key, etcd and admin certificates, token, certificate key)");
    c.pki = await step("component PKI", () => componentPki(ctx.spec, ctx.plan));
    c.bundles = ctx.plan.nodes.map((n) => renderNode(ctx, n, c.pki.kubeadmSecrets));
    const pkiDir = path.join(lab.dir, "pki");
    const hosts = new Map<string, Host>();
    const hostFor = (n: PlannedNode) => {
        const existing = hosts.get(n.name);
        if (existing) {
            return existing;
        }
        const prefix: Record<string, string> = { etcd: "etcd", master: "m", lb: "lb", haproxy: "hap", worker: "w" };
        const h = lab.addHost(`${prefix[n.role] ?? n.role}${n.ordinal}`, n.privateIp, n.hostname);
        hosts.set(n.name, h);
        return h;
    };

    if (!stacked) {
        log(`etcd: ${ctx.etcdMembers.length} external members from the rendered command line, with the component's member certificates`);
        await step("etcd members started", () => {
            for (const node of ctx.etcdMembers) {
                const host = hostFor(node);
                const root = c.root(host);
                stage(etcdMemberPkiFiles(c.pki.etcdMembers[node.name]), root);
                mkdirSync(path.join(root, "var/lib/etcd"), { recursive: true, mode: 0o700 });
                const member: EtcdMember = { node, host, command: ["etcd", ...etcdArgs(ctx, node)].map((a) => rebase(a, root)), daemon: undefined as unknown as Daemon };
                c.startEtcd(member);
                c.etcd.push(member);
            }
        });
    }
    const etcd = c.pki.controlPlane.etcd;
    const [m0node, ...joiners] = ctx.masters;
    const m0host = hostFor(m0node);
    log(`${m0node.name}: kubeadm init phases (certs, kubeconfig, control-plane${stacked ? ", etcd local" : ""}) on the rendered init.yaml, then its components from kubeadm's manifests`);
    const m0 = await step(`${m0node.name}: kubeadm init phases`, () => initMaster(m0node, m0host, c.root(m0host), c.bundle(m0node.name), c.pki, stacked, (member) => {
        c.etcd.push(member);
    }));
    c.masters.push(m0);
    c.files = {
        ca: writeSecret(path.join(pkiDir, "ca.crt"), c.pki.controlPlane.caCert),
        adminCert: writeSecret(path.join(pkiDir, "admin.crt"), c.pki.adminCertPem), adminKey: writeSecret(path.join(pkiDir, "admin.key"), c.pki.adminKeyPem),
        // The apiserver's own etcd client certificate: the component's (external) or the one kubeadm made (stacked).
        etcdCa: etcd ? writeSecret(path.join(pkiDir, "etcd-ca.crt"), etcd.caCert) : path.join(m0.root, PATHS.pkiDir, "etcd/ca.crt"),
        etcdCert: etcd ? writeSecret(path.join(pkiDir, "etcd-client.crt"), etcd.clientCert) : path.join(m0.root, PATHS.pkiDir, "apiserver-etcd-client.crt"),
        etcdKey: etcd ? writeSecret(path.join(pkiDir, "etcd-client.key"), etcd.clientKey) : path.join(m0.root, PATHS.pkiDir, "apiserver-etcd-client.key"),
    };
    await step(`${m0node.name}: kube-apiserver ready`, () => apiserverReady(c, m0));

    const zone = ctx.spec.zones.find((z) => z.zone === (ctx.plan.endpoint.zone ?? ctx.spec.zones[0].zone))!;
    const subnet = parseCidr(zone.subnetCidr);
    await step("endpoint tier", () => startTier(c, hostFor, log));
    c.client ??= lab.addHost("client", addressAt(subnet, subnet.size - 6));
    log("nodes: the node agent registers every planned master and worker with its zone and keeps it Ready (no kubelet yet)");
    // Through the endpoint, as a worker's kubelet: with master-0's host lost (check 8), talking
    // to it directly left every node NotReady 40 s later, and pods unschedulable.
    startNodeAgent(c, c.endpointUrl);
    log(`${m0node.name}: kubeadm init uploads (config, certificates, bootstrap token, control-plane mark, CoreDNS and kube-proxy addons)`);
    await step(`${m0node.name}: kubeadm init uploads`, () => initUploads(m0));
    if (stacked) {
        await mirrorPod(c, m0node, m0.root, "etcd");
    }
    for (const node of joiners) {
        const host = hostFor(node);
        log(`${node.name}: kubeadm join phase control-plane-prepare through ${ctx.controlPlaneEndpoint} (token discovery, CA pin, certificate download)`);
        const m = await step(`${node.name}: kubeadm join`, () => joinMaster(node, host, c.root(host), c.bundle(node.name), c.pki, stacked, async (member) => {
            c.etcd.push(member);
            await mirrorPod(c, node, c.root(host), "etcd");
        }));
        c.masters.push(m);
        await step(`${node.name}: kube-apiserver ready`, () => apiserverReady(c, m));
    }
    await step("every apiserver UP behind the endpoint", () => steady(c));
    return c;
}

async function startTier(c: ClusterLab, hostFor: (n: PlannedNode) => Host, log: (s: string) => void): Promise<void> {
    const { ctx, lab } = c;
    const e = ctx.plan.endpoint;
    const byRole = (role: string) => ctx.plan.nodes.filter((n) => n.role === role);
    const startLb = (node: PlannedNode, withKeepalived: boolean): LbHost => {
        const host = hostFor(node);
        const root = c.root(host);
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
