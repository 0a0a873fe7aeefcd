// What runs against a brought-up cluster while it is upgraded (upgrade.ts): from a client test host,
// reads and ConfigMap writes through the endpoint with the admin certificate (probe.ts), and a
// sampler (poller.js) of every etcd member's /health and of the workload's PodDisruptionBudget; the
// workload is a Deployment over the workers with a PodDisruptionBudget of one pod less. What the
// load measured: failed requests, acknowledged writes lost, the fewest healthy etcd members and
// workload pods at once.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { addressAt, parseCidr } from "../components/plan/cidr";
import type { BroughtUp } from "./bring-up";
import { PROBE_IMAGE } from "./images";
import type { Daemon, Host } from "./lab";
import { failureSummary, Probe, ProbeResult } from "./probe";

export const WORKLOAD_NS = "kubeadm-ha-upgrade";
const POLLER = path.join(__dirname, "poller.js");
/** The load's bound (it is stopped once the upgrade is done). */
const LOAD_MS = 45 * 60_000;

export interface Sample { readonly round: number; readonly t: number; readonly target: string; readonly status: number; readonly value?: unknown; readonly error?: string }

/** The Deployment (one pod per worker, spread over them) and its PodDisruptionBudget (one pod less). */
export function workload(replicas: number): Record<string, unknown> {
    const labels = { app: "upgrade-web" };
    return {
        apiVersion: "v1", kind: "List", items: [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: WORKLOAD_NS } },
            {
                apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: WORKLOAD_NS },
                spec: {
                    replicas, selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            terminationGracePeriodSeconds: 1,
                            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }],
                            containers: [{
                                name: "web", image: PROBE_IMAGE, imagePullPolicy: "Never",
                                command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"],
                                readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 1 },
                            }],
                        },
                    },
                },
            },
            { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: WORKLOAD_NS }, spec: { minAvailable: replicas - 1, selector: { matchLabels: labels } } },
        ],
    };
}

/** The load and the samplers, started on a client host of the cluster's first subnet. */
export class UpgradeLoad {
    readonly client: Host;
    readonly endpointUrl: string;
    readonly reads: Probe;
    readonly writes: Probe;
    /** The files of etcd's CA and of the apiserver's etcd client certificate, on the client host. */
    readonly etcdTls: { readonly ca: string; readonly cert: string; readonly key: string };
    private readonly poller: Daemon;
    private readonly samplesFile: string;

    /**
     * Starts the load (the etcd client certificate read off the first master). `endpointUrl`: where
     * the requests go; default the endpoint's VIP (a node-local proxy has none: name a master).
     */
    static async start(c: BroughtUp, endpointUrl?: string): Promise<UpgradeLoad> {
        const master = c.machine(c.plan.nodes.find((n) => n.role === "master")!);
        const pki: Record<string, string> = {};
        for (const f of ["etcd/ca.crt", "apiserver-etcd-client.crt", "apiserver-etcd-client.key"]) {
            const r = await master.exec("cat", [`/etc/kubernetes/pki/${f}`]);
            if (r.code !== 0) {
                throw new Error(`${master.name}: cannot read /etc/kubernetes/pki/${f}: ${r.stderr.trim()}`);
            }
            pki[f] = r.stdout;
        }
        return new UpgradeLoad(c, pki, endpointUrl);
    }

    private constructor(readonly c: BroughtUp, etcdPki: Record<string, string>, endpointUrl?: string) {
        const e = c.plan.endpoint;
        if (!e.vip && !endpointUrl) {
            throw new Error(`the load reaches the API through a VIP; ${c.spec.name}'s endpoint (${e.kind}) has none: give it a master's address`);
        }
        this.endpointUrl = endpointUrl ?? `https://${e.vip}:${e.port}`;
        const subnet = parseCidr(c.spec.zones[0].subnetCidr);
        this.client = c.lab.addHost("client", addressAt(subnet, subnet.size - 6));
        const file = (name: string, content: string) => {
            const f = path.join(c.lab.dir, `upgrade-${name}`);
            writeFileSync(f, content, { mode: 0o600 });
            return f;
        };
        const kc = parse(String(c.deployed.outputs.kubeconfig));
        const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
        const admin = {
            ca: file("ca.crt", b64(kc.clusters[0].cluster["certificate-authority-data"])),
            cert: file("admin.crt", b64(kc.users[0].user["client-certificate-data"])), key: file("admin.key", b64(kc.users[0].user["client-key-data"])),
        };
        const o = { durationMs: LOAD_MS, timeoutMs: 10_000 };
        this.reads = new Probe(this.client, this.endpointUrl, admin, { ...o, intervalMs: 250, name: "upgrade-reads" });
        this.writes = new Probe(this.client, this.endpointUrl, admin, { ...o, intervalMs: 500, name: "upgrade-writes", writePrefix: `upgrade-${c.lab.prefix}` });
        // etcd's /health with the apiserver's etcd client certificate.
        const pki = (f: string) => file(f.replace(/\//g, "-"), etcdPki[f]);
        const etcdTls = (this.etcdTls = { ca: pki("etcd/ca.crt"), cert: pki("apiserver-etcd-client.crt"), key: pki("apiserver-etcd-client.key") });
        const pdb = `${this.endpointUrl}/apis/policy/v1/namespaces/${WORKLOAD_NS}/poddisruptionbudgets/web`;
        const targets = [
            ...c.plan.nodes.filter((n) => n.etcdMember).map((n) => ({ name: n.name, url: `https://${n.privateIp}:2379/health`, field: "health", ...etcdTls })),
            { name: "pdb-healthy", url: pdb, field: "status.currentHealthy", ...admin },
        ];
        this.samplesFile = path.join(c.lab.dir, "logs", "upgrade-samples.jsonl");
        this.poller = this.client.spawn("upgrade-poller", process.execPath, [POLLER, file("targets.json", JSON.stringify(targets)), "1000", String(LOAD_MS), "3000", this.samplesFile]);
    }

    samples(): Sample[] {
        return existsSync(this.samplesFile) ? readFileSync(this.samplesFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Sample) : [];
    }

    /** Stops the load and the samplers (requests in flight are not counted). */
    async stop(): Promise<void> {
        await Promise.all([this.reads.until(() => true, 0), this.writes.until(() => true, 0), this.poller.stop("SIGTERM", 3000)]);
    }
}

/** What the load saw, from `from` (ms since the epoch) on. */
export interface LoadOutcome {
    readonly reads: { readonly total: number; readonly failed: number; readonly why: string };
    readonly writes: { readonly total: number; readonly acknowledged: number; readonly failed: number; readonly lost: number; readonly why: string };
    /** etcd: members, the fewest healthy in one sampling round, the rounds without a quorum, the rounds. */
    readonly etcd: { readonly members: number; readonly minHealthy: number; readonly roundsWithoutQuorum: number; readonly rounds: number };
    /** The workload's fewest healthy pods in a sample, the PDB's minimum, samples the API did not answer. */
    readonly workload: { readonly minHealthy: number; readonly minimum: number; readonly unanswered: number };
}

/**
 * The budget of failed requests a rolling change may cost (docs/upgrades.md): at most 1 % of them,
 * each a connection reset (an apiserver restarting under it), never an error answered.
 */
export function withinResetBudget(p: { readonly total: number; readonly failed: number; readonly why: string }): boolean {
    return p.failed <= p.total / 100 && (p.failed === 0 || /^ \(\d+ x no reply "ECONNRESET"\)$/.test(p.why));
}

/** How many of `members` answered healthy in each sampling round of poller.js (`health` "true"). */
export function healthyPerRound(samples: readonly Sample[], members: readonly string[]): number[] {
    const rounds = new Map<number, number>();
    for (const s of samples.filter((x) => members.includes(x.target))) {
        rounds.set(s.round, (rounds.get(s.round) ?? 0) + (s.value === "true" ? 1 : 0));
    }
    return [...rounds.values()];
}

/** Tallies the load. `stored` are the names of the ConfigMaps the cluster holds at the end. */
export function loadOutcome(reads: readonly ProbeResult[], writes: readonly ProbeResult[], samples: readonly Sample[], members: readonly string[],
    minimum: number, stored: ReadonlySet<string>): LoadOutcome {
    const acknowledged = writes.filter((w) => w.ok);
    const healthy = healthyPerRound(samples, members);
    const pdb = samples.filter((s) => s.target === "pdb-healthy");
    const answered = pdb.filter((s) => s.status === 200 && typeof s.value === "number").map((s) => s.value as number);
    return {
        reads: { total: reads.length, failed: reads.filter((r) => !r.ok).length, why: failureSummary(reads) },
        writes: { total: writes.length, acknowledged: acknowledged.length, failed: writes.length - acknowledged.length, lost: acknowledged.filter((w) => !stored.has(w.key!)).length, why: failureSummary(writes) },
        etcd: { members: members.length, minHealthy: healthy.length ? Math.min(...healthy) : 0, roundsWithoutQuorum: healthy.filter((h) => h <= members.length / 2).length, rounds: healthy.length },
        workload: { minHealthy: answered.length ? Math.min(...answered) : -1, minimum, unanswered: pdb.length - answered.length },
    };
}
