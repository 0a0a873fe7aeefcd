// CoreDNS spread (two or more replicas, kept apart): the CoreDNS
// Deployment kubeadm's addon phase created, patched with exactly the objects the KubernetesAddons
// component applies (render/coredns.ts), is placed by the real scheduler on different nodes and
// zones; evictions through the PodDisruptionBudget never take the last Ready replica.

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { COREDNS_SELECTOR, corednsOnMasters, corednsPatch, corednsPdb, corednsReplicas } from "../components/render/coredns";
import type { CheckResult } from "./checks";
import type { ClusterLab } from "./cluster-lab";
import { waitFor } from "./lab";
import { reportPodReady } from "./nodes";

interface DnsPod { name: string; node: string; ready: boolean; hash: string }

async function dnsPods(c: ClusterLab): Promise<DnsPod[]> {
    const r = await c.kubectl(["-n", "kube-system", "get", "pods", "-l", COREDNS_SELECTOR, "-o", "json"]);
    if (r.code !== 0) {
        return [];
    }
    // Pods being deleted stay Terminating without a kubelet to confirm: the lab confirms it, as the
    // kubelet does once the containers stopped (a Terminating pod still repels its replicas).
    const items = JSON.parse(r.stdout).items as any[];
    for (const p of items.filter((x) => x.metadata.deletionTimestamp)) {
        await c.kubectl(["-n", "kube-system", "delete", "pod", p.metadata.name, "--force", "--grace-period=0", "--wait=false"]);
    }
    return items.filter((p) => !p.metadata.deletionTimestamp).map((p) => ({
        name: p.metadata.name, node: p.spec.nodeName ?? "", hash: p.metadata.labels?.["pod-template-hash"] ?? "",
        ready: (p.status.conditions ?? []).some((x: any) => x.type === "Ready" && x.status === "True"),
    }));
}

/** The pod-template-hash of the Deployment's newest ReplicaSet (its highest revision). */
async function newestHash(c: ClusterLab): Promise<string | undefined> {
    const r = await c.kubectl(["-n", "kube-system", "get", "replicasets", "-l", COREDNS_SELECTOR, "-o", "json"]);
    const sets = r.code === 0 ? (JSON.parse(r.stdout).items as any[]) : [];
    const newest = sets.sort((a, b) => Number(b.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0) - Number(a.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0))[0];
    return newest?.metadata.labels?.["pod-template-hash"];
}

/** POST of an Eviction; the API's answer (201 evicted, 429 refused by the budget). */
async function evict(c: ClusterLab, pod: string): Promise<string> {
    const file = path.join(c.lab.dir, `eviction-${pod}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: "kube-system" } }));
    const r = await c.kubectl(["create", "--raw", `/api/v1/namespaces/kube-system/pods/${pod}/eviction`, "-f", file]);
    return r.code === 0 ? "evicted" : /TooManyRequests|disruption budget|429/i.test(r.stderr) ? "refused" : `error: ${r.stderr.trim().slice(0, 160)}`;
}

export async function corednsSpread(c: ClusterLab, id: number): Promise<CheckResult> {
    const check = "CoreDNS spread: kubeadm's Deployment with the HA patch and budget";
    const replicas = corednsReplicas(c.ctx.spec, c.ctx.plan);
    const patchFile = path.join(c.lab.dir, "coredns-patch.json");
    const pdbFile = path.join(c.lab.dir, "coredns-pdb.json");
    writeFileSync(patchFile, JSON.stringify(corednsPatch(replicas, corednsOnMasters(c.ctx.spec, c.ctx.plan))));
    writeFileSync(pdbFile, JSON.stringify(corednsPdb()));
    const patched = await c.kubectl(["-n", "kube-system", "patch", "deployment", "coredns", "--type=strategic", "--patch-file", patchFile]);
    const budget = await c.kubectl(["apply", "--server-side", "-f", pdbFile]);
    if (patched.code !== 0 || budget.code !== 0) {
        return { id, check, expected: "the patch and the budget apply", measured: `${patched.stderr}${budget.stderr}`.trim(), status: "fail" };
    }
    const zoneOf = new Map(c.ctx.plan.nodes.map((n) => [n.hostname, n.zone]));
    // The rolling update only proceeds as new pods become Ready: the lab reports each bound pod
    // Ready, as its kubelet would once CoreDNS answers.
    const placed = await waitFor(`${replicas} CoreDNS replicas of the patched template bound`, async () => {
        const pods = await dnsPods(c);
        for (const p of pods.filter((x) => x.node && !x.ready)) {
            await reportPodReady(c, p.name);
        }
        const hash = await newestHash(c);
        return pods.length === replicas && pods.every((p) => p.node && p.hash === hash) && pods;
    }, 90_000, 500).catch(() => undefined);
    if (!placed) {
        const pods = await dnsPods(c);
        const why = await c.kubectl(["-n", "kube-system", "get", "pods", "-l", COREDNS_SELECTOR, "-o", "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"PodScheduled\")].message}{\"\\n\"}{end}"]);
        const reasons = [...new Set(why.stdout.split("\n").filter(Boolean))].join("; ");
        return { id, check, expected: `${replicas} replicas bound`, measured: `${pods.length} pods: ${pods.map((p) => `${p.name}@${p.node || "unbound"}`).join(", ")}${reasons ? ` (scheduler: ${reasons})` : ""}`, status: "fail" };
    }
    const pods = placed.value;
    const nodes = new Set(pods.map((p) => p.node));
    const zones = new Set(pods.map((p) => zoneOf.get(p.node)));
    const zonesWanted = Math.min(replicas, new Set(c.ctx.plan.nodes.filter((n) => n.role === "worker" || n.role === "master").map((n) => n.zone)).size);
    // Evictions: with every replica Ready the budget allows replicas - 1 of them, then refuses the last.
    await waitFor("the budget to count every replica healthy", async () => {
        const r = await c.kubectl(["-n", "kube-system", "get", "pdb", "coredns", "-o", "jsonpath={.status.currentHealthy}"]);
        return Number(r.stdout) === replicas;
    }, 30_000, 500).catch(() => undefined);
    const answers: string[] = [];
    for (const p of pods) {
        answers.push(await evict(c, p.name));
    }
    const evicted = answers.filter((a) => a === "evicted").length;
    const ok = nodes.size === replicas && zones.size >= zonesWanted && evicted === replicas - 1 && answers[answers.length - 1] === "refused";
    return {
        id, check,
        expected: `${replicas} replicas on ${replicas} different nodes and ${zonesWanted} zone(s); evicting each in turn: ${replicas - 1} evicted, the last Ready one refused (minAvailable 1)`,
        measured: `bound after ${(placed.ms / 1000).toFixed(2)} s to ${[...nodes].join(", ")} (${zones.size} zone(s)); evictions: ${answers.join(", ")}`,
        status: ok ? "pass" : "fail",
        values: { replicas, nodes: nodes.size, zones: zones.size, evicted, boundMs: placed.ms },
    };
}
