// What the kubelets would tell the API, until real kubelets run in the lab: the planned nodes as
// Node objects kept Ready (node-agent.js), and the mirror Pods of the static pods the lab starts
// (kubeadm finds stacked etcd members through their mirror pods' annotations).

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { PATHS } from "../components/render/context";
import type { ClusterLab } from "./cluster-lab";
import type { Daemon, ExecResult } from "./lab";
import { readManifests } from "./kubeadm-phases";
import type { PlannedNode } from "../components/plan/topology";

const AGENT = path.join(__dirname, "node-agent.js");

/** The Node object a node's kubelet would register (kubeadm's mark-control-plane adds the role label and taint on masters). */
function nodeObject(c: ClusterLab, n: PlannedNode): { name: string; address: string; labels: Record<string, string>; taints: unknown[] } {
    const master = n.role === "master";
    return {
        name: n.hostname, address: n.privateIp, taints: master ? [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] : [],
        labels: {
            "kubernetes.io/hostname": n.hostname, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "topology.kubernetes.io/region": c.ctx.spec.region, "topology.kubernetes.io/zone": n.zone,
            ...(master ? { "node-role.kubernetes.io/control-plane": "" } : {}),
        },
    };
}

/** Starts the node agent in the client host, against `url`, for every planned master and worker. */
export function startNodeAgent(c: ClusterLab, url: string, durationMs = 900_000): Daemon {
    const file = path.join(c.lab.dir, "nodes.json");
    writeFileSync(file, JSON.stringify(c.ctx.plan.nodes.filter((n) => n.role === "master" || n.role === "worker").map((n) => nodeObject(c, n))));
    return c.client.spawn("node-agent", process.execPath, [AGENT, url, c.files.ca, c.files.adminCert, c.files.adminKey, file, "10000", String(durationMs)]);
}

/** Registers the mirror Pod of a static pod the lab started on `node` (what the kubelet does), Ready. */
export async function mirrorPod(c: ClusterLab, node: PlannedNode, root: string, name: string): Promise<void> {
    const manifest = readManifests(root).get(name);
    if (!manifest) {
        throw new Error(`no ${name} manifest under ${path.join(root, PATHS.manifests)}`);
    }
    const pod = manifest.pod;
    const mirror = {
        ...pod, metadata: {
            ...pod.metadata, name: `${pod.metadata.name}-${node.hostname}`,
            annotations: { ...pod.metadata.annotations, "kubernetes.io/config.mirror": "lab", "kubernetes.io/config.source": "file" },
        },
        spec: { ...pod.spec, nodeName: node.hostname },
    };
    delete mirror.status;
    const file = path.join(c.lab.dir, `mirror-${mirror.metadata.name}.json`);
    writeFileSync(file, JSON.stringify(mirror));
    const created = await c.kubectl(["create", "-f", file]);
    if (created.code !== 0 && !/AlreadyExists/.test(created.stderr)) {
        throw new Error(`mirror pod ${mirror.metadata.name}: ${created.stderr}`);
    }
    const patched = await reportPodReady(c, mirror.metadata.name, { podIP: node.privateIp, hostIP: node.privateIp });
    if (patched.code !== 0) {
        throw new Error(`mirror pod ${mirror.metadata.name} status: ${patched.stderr}`);
    }
}

/** What a pod's kubelet reports once its containers run and pass their readiness: Running, Ready. */
export function reportPodReady(c: ClusterLab, pod: string, extra: Record<string, string> = {}): Promise<ExecResult> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const conditions = ["Ready", "ContainersReady"].map((type) => ({ type, status: "True", lastTransitionTime: now }));
    return c.kubectl(["-n", "kube-system", "patch", "pod", pod, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { phase: "Running", conditions, ...extra } })]);
}
