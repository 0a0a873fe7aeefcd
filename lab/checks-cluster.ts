// What a user checks after `pulumi up`, on a brought-up cluster (bring-up.ts): every node Ready,
// CoreDNS's replicas on different nodes, a pod on one worker reaching a pod on another (the VXLAN
// overlay), a Service answering through kube-proxy, `kubernetes.default` resolving from a pod;
// then the worst single-host loss, after which the network and DNS must still answer.

import { corednsReplicas } from "../components/render/coredns";
import type { PlannedNode } from "../components/plan/topology";
import type { BroughtUp } from "./bring-up";
import { readyNodes } from "./bring-up";
import type { CheckResult } from "./checks";
import { PROBE_IMAGE } from "./images";
import { ExecResult, must, secs, waitFor } from "./lab";
import type { Machine } from "./machine";

const NS = "kubeadm-ha-lab";
const PORT = 8080;


/** A busybox pod pinned to a node: serves its own name over HTTP on PORT. */
function probePod(name: string, node: string, labels: Record<string, string> = {}): Record<string, unknown> {
    return {
        apiVersion: "v1", kind: "Pod", metadata: { name, namespace: NS, labels: { app: "lab-probe", ...labels } },
        spec: {
            nodeName: node, terminationGracePeriodSeconds: 1,
            containers: [{
                name: "probe", image: PROBE_IMAGE, imagePullPolicy: "Never",
                command: ["sh", "-c", `mkdir -p /www && hostname > /www/index.html && exec httpd -f -p ${PORT} -h /www`],
                readinessProbe: { httpGet: { path: "/", port: PORT }, periodSeconds: 1 },
            }],
        },
    };
}

export class ClusterChecks {
    constructor(readonly c: BroughtUp) {}

    /** kubectl on the first master still up (BroughtUp.kubectl), stdin first. */
    kubectl(args: readonly string[], input?: string, timeoutMs = 30_000): Promise<ExecResult> {
        return this.c.kubectl(args, timeoutMs, input);
    }

    private get workers(): PlannedNode[] {
        return this.c.kubernetesNodes.filter((n) => n.role === "worker");
    }

    /** Runs a command in a probe pod (bounded). */
    exec(pod: string, command: readonly string[]): Promise<ExecResult> {
        return this.kubectl(["-n", NS, "exec", pod, "--", ...command], undefined, 20_000);
    }

    async nodesReady(): Promise<CheckResult> {
        const want = this.c.kubernetesNodes.map((n) => n.hostname);
        const ready = await readyNodes(this.c);
        const missing = want.filter((n) => !ready.includes(n));
        return { id: 1, check: "every node Ready", expected: `${want.length} nodes Ready`, measured: missing.length ? `not Ready: ${missing.join(", ")}` : `${ready.length} Ready`, status: missing.length ? "fail" : "pass" };
    }

    /** The nodes CoreDNS's ready replicas run on. */
    async corednsNodes(): Promise<string[]> {
        const pods = JSON.parse(await must(this.kubectl(["-n", "kube-system", "get", "pods", "-l", "k8s-app=kube-dns", "-o", "json"]), "CoreDNS pods")).items as any[];
        // A pod of the replaced ReplicaSet stays Ready while it terminates: not a replica any more.
        return pods.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((x: any) => x.type === "Ready" && x.status === "True")).map((p) => p.spec.nodeName);
    }

    async corednsSpread(): Promise<CheckResult> {
        const want = corednsReplicas(this.c.spec, this.c.plan);
        // The add-ons changed kubeadm's Deployment: its new pods replace the old ones first.
        const t0 = Date.now();
        const rollout = await this.kubectl(["-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=180s"], undefined, 190_000);
        const { value: nodes, ms } = await waitFor("CoreDNS replicas ready", async () => {
            const n = await this.corednsNodes();
            return n.length === want ? n : undefined;
        }, 180_000, 2000).catch(async () => ({ value: await this.corednsNodes(), ms: -1 }));
        const distinct = new Set(nodes).size;
        return { id: 2, check: "CoreDNS replicas on different nodes", expected: `${want} ready replicas on ${want} nodes`,
            measured: `${nodes.length} ready on ${distinct} nodes (${nodes.join(", ")})${ms >= 0 ? `, rolled out ${secs(Date.now() - t0)} into the check` : ""}${rollout.code ? `; rollout: ${rollout.stderr.trim()}` : ""}`,
            status: rollout.code === 0 && nodes.length === want && distinct === nodes.length ? "pass" : "fail" };
    }

    /** Starts a server pod on every worker and waits until they are ready; returns pod name → IP. */
    async startProbes(): Promise<Map<string, { ip: string; node: string }>> {
        await must(this.kubectl(["create", "namespace", NS]), "namespace");
        const pods = this.workers.map((w, i) => probePod(`probe-${i}`, w.hostname, { serves: "yes" }));
        const service = { apiVersion: "v1", kind: "Service", metadata: { name: "probe", namespace: NS }, spec: { selector: { serves: "yes" }, ports: [{ port: 80, targetPort: PORT }] } };
        await must(this.kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [...pods, service] })), "probe pods");
        await must(this.kubectl(["-n", NS, "wait", "--for=condition=Ready", "pod", "-l", "app=lab-probe", "--timeout=120s"], undefined, 130_000), "probe pods ready");
        const items = JSON.parse(await must(this.kubectl(["-n", NS, "get", "pods", "-o", "json"]), "probe pods")).items as any[];
        return new Map(items.map((p) => [p.metadata.name, { ip: p.status.podIP, node: p.spec.nodeName }]));
    }

    /** From pod `from`, GET http://<to's IP>:PORT/: the name `to` answers with, or the error. */
    async fetch(from: string, url: string): Promise<string> {
        // busybox's own -T crashes this static build: its timeout applet bounds the request instead.
        const r = await this.exec(from, ["timeout", "3", "wget", "-q", "-O", "-", url]);
        return r.code === 0 ? r.stdout.trim() : `error: ${(r.stderr || r.stdout).trim().split("\n").pop()}`;
    }

    async podToPod(probes: Map<string, { ip: string; node: string }>): Promise<CheckResult> {
        const [a, b] = [...probes.keys()];
        const got = await this.fetch(a, `http://${probes.get(b)!.ip}:${PORT}/`);
        return { id: 3, check: "a pod on one worker reaches a pod on another (VXLAN)", expected: `${a} on ${probes.get(a)!.node} gets "${b}" from ${probes.get(b)!.ip}`,
            measured: `got "${got}"`, status: got === b ? "pass" : "fail" };
    }

    /** Answers of `n` GETs of the Service from `from` (the names of the pods that answered, or errors). */
    async serviceAnswers(from: string, n: number): Promise<string[]> {
        const out: string[] = [];
        for (let i = 0; i < n; i++) {
            out.push(await this.fetch(from, "http://probe/"));
        }
        return out;
    }

    async service(probes: Map<string, { ip: string; node: string }>): Promise<CheckResult> {
        const from = [...probes.keys()][0];
        const answers = await this.serviceAnswers(from, 8);
        const ok = answers.filter((a) => probes.has(a));
        return { id: 4, check: "a Service answers through kube-proxy (and its name through CoreDNS)", expected: "8 of 8 GETs of http://probe/ (the search path) answered by a probe pod",
            measured: `${ok.length} of 8, from ${new Set(ok).size} pods${ok.length < 8 ? `; ${answers.find((a) => !probes.has(a))}` : ""}`, status: ok.length === 8 ? "pass" : "fail" };
    }

    /**
     * The address `kubernetes.default` resolves to in a pod, through the pod's resolv.conf search
     * path as any program's resolver uses it (busybox's nslookup skips the search path: ping
     * resolves with the C library and prints the address first; the reply does not matter).
     */
    async resolveKubernetes(from: string): Promise<string> {
        const r = await this.exec(from, ["timeout", "3", "ping", "-c", "1", "-W", "1", "kubernetes.default"]);
        const m = /^PING kubernetes\.default \(([\d.]+)\)/m.exec(r.stdout);
        return m ? m[1] : `error: ${(r.stdout + r.stderr).trim().split("\n").pop()}`;
    }

    async dns(probes: Map<string, { ip: string; node: string }>): Promise<CheckResult> {
        const from = [...probes.keys()][0];
        const got = await this.resolveKubernetes(from);
        return { id: 5, check: "kubernetes.default resolves from a pod", expected: `${this.kubernetesServiceIp()} (the first address of the service range)`, measured: got,
            status: got === this.kubernetesServiceIp() ? "pass" : "fail" };
    }

    /**
     * The machines one physical host may hold in the worst zone (one per spread group, up to its
     * affinity): the VIP's LB, master-0, the first etcd member, and the worker of a CoreDNS replica
     * and a probe pod, when the plan can put them together.
     */
    async worstHost(probes: Map<string, { ip: string; node: string }>): Promise<Machine[]> {
        const zone = this.c.plan.faultTolerance.find((r) => r.domain === "host")!.zone;
        const dnsNodes = await this.corednsNodes();
        const probeNodes = new Set([...probes.values()].map((p) => p.node));
        const vip = this.c.plan.endpoint.vip;
        const holder = async (n: PlannedNode) => vip !== undefined && (await this.c.machine(n).hasAddress(vip));
        const rank = async (n: PlannedNode) => (n.role === "lb" && (await holder(n))) || (n.role === "worker" && dnsNodes.includes(n.hostname) && probeNodes.has(n.hostname)) ? 0 : 1;
        const candidates = this.c.plan.nodes.filter((n) => n.zone === zone && this.c.machines.has(n.name));
        const ranked = await Promise.all(candidates.map(async (n) => ({ n, r: await rank(n) })));
        const perGroup = new Map<string, number>();
        const picked: Machine[] = [];
        for (const { n } of ranked.filter((x) => x.n.placementGroup).sort((a, b) => a.r - b.r)) {
            const group = this.c.plan.placementGroups.find((g) => g.name === n.placementGroup)!;
            if ((perGroup.get(group.name) ?? 0) < group.affinity) {
                perGroup.set(group.name, (perGroup.get(group.name) ?? 0) + 1);
                picked.push(this.c.machine(n));
            }
        }
        // Workers outside spread groups may share any host: the worst one holds the chosen worker too.
        const worker = ranked.filter(({ n }) => n.role === "worker").sort((a, b) => a.r - b.r)[0];
        if (worker && !picked.some((m) => m === this.c.machine(worker.n))) {
            picked.push(this.c.machine(worker.n));
        }
        return picked;
    }

    /** The worst host is lost: how long until DNS, the Service and pod-to-pod answer again from surviving pods (each 5 times in a row). */
    async afterHostLoss(probes: Map<string, { ip: string; node: string }>, boundMs = 180_000): Promise<CheckResult> {
        const lost = await this.worstHost(probes);
        const lostHostnames = new Set(lost.map((m) => m.hostname));
        const alive = [...probes].filter(([, p]) => !lostHostnames.has(p.node)).map(([name]) => name);
        if (alive.length < 2) {
            return { id: 6, check: "after the worst host loss: network and DNS answer", expected: "two probe pods survive", measured: `${alive.length} survive`, status: "fail" };
        }
        const [from, to] = alive;
        const t0 = Date.now();
        lost.forEach((m) => {
            m.crash();
            this.c.lost.add(m);
        });
        const inARow = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
            let streak = 0;
            await waitFor(what, async () => ((await ok()) ? ++streak : (streak = 0)) >= 5, boundMs - (Date.now() - t0), 500);
        };
        const sinceLoss = () => Date.now() - t0;
        const measured: string[] = [];
        // When the node controller gives the lost nodes up (what DNS and the Service wait for), for the report.
        let notReadyAt = -1;
        const watching = waitFor("the lost nodes NotReady", async () => {
            const ready = await readyNodes(this.c);
            return [...lostHostnames].filter((h) => this.c.kubernetesNodes.some((n) => n.hostname === h)).every((h) => !ready.includes(h));
        }, boundMs, 2000).then(() => { notReadyAt = sinceLoss(); }, () => undefined);
        let failedWhat = "";
        try {
            await inARow("DNS from a surviving pod", async () => (await this.resolveKubernetes(from)) === this.kubernetesServiceIp());
            measured.push(`DNS ${secs(sinceLoss())}`);
            await inARow("the Service from a surviving pod", async () => alive.includes(await this.fetch(from, "http://probe/")));
            measured.push(`Service ${secs(sinceLoss())}`);
            await inARow("pod to pod between surviving workers", async () => (await this.fetch(from, `http://${probes.get(to)!.ip}:${PORT}/`)) === to);
            measured.push(`pod-to-pod ${secs(sinceLoss())}`);
        } catch (e) {
            failedWhat = (e as Error).message;
        }
        await Promise.race([watching, new Promise((r) => setTimeout(r, 5000))]);
        measured.push(notReadyAt >= 0 ? `lost nodes NotReady ${secs(notReadyAt)}` : "lost nodes still Ready");
        return {
            id: 6, check: "after the worst host loss: network and DNS answer", expected: `lost ${lost.map((m) => m.name).join(" + ")}; each answers 5 times in a row within ${secs(boundMs)}`,
            measured: `${measured.join(", ") || "nothing answered"}${failedWhat ? `; ${failedWhat}` : ""} (after the loss)`, status: failedWhat ? "fail" : "pass",
            values: { lossToAllAnswerMs: failedWhat ? -1 : sinceLoss() },
        };
    }

    kubernetesServiceIp(): string {
        const [a, b, c, d] = this.c.spec.network.serviceCidr.split("/")[0].split(".").map(Number);
        return [a, b, c, d + 1].join(".");
    }
}
