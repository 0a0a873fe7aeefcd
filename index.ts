// The Pulumi program: one highly available kubeadm cluster per stack, configured by
// `kubeadm-ha:cluster` in stacks/Pulumi.<stack>.yaml. It validates and plans exactly as
// `npm run plan` does, so `pulumi preview` fails with the same message before any resource is
// registered. Optional keys: `kubeadm-ha:imageId`, `kubeadm-ha:kubernetesLayer` (true/false),
// `kubeadm-ha:existingNetwork` ({ vpcId, subnetIds: { <zone>: <subnet id> } }) to adopt a VPC.

import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_KEY, KubeadmCluster, planStackFile, PROJECT, ValidationError } from "./components";

const config = new pulumi.Config(PROJECT);
const clusterConfig = config.getObject<Record<string, unknown>>("cluster");

try {
    planStackFile({ config: { [CLUSTER_KEY]: clusterConfig, "tencentcloud:region": new pulumi.Config("tencentcloud").get("region") } },
        `the config of stack ${pulumi.getStack()}`);
} catch (err) {
    throw err instanceof ValidationError ? new pulumi.RunError(err.message) : err; // printed without a stack trace
}

const imageId = config.get("imageId");
const existingNetwork = config.getObject<{ vpcId: string; subnetIds: Record<string, string> }>("existingNetwork");
const cluster = new KubeadmCluster(String(clusterConfig!.name), {
    cluster: clusterConfig as never,
    ...(imageId ? { imageId } : {}),
    ...(existingNetwork ? { existingNetwork } : {}),
    kubernetesLayer: config.getBoolean("kubernetesLayer") ?? false,
});

/** The API endpoint every kubeconfig and join command uses. */
export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const workerJoinCommand = cluster.workerJoinCommand;
export const controlPlaneJoinCommand = cluster.controlPlaneJoinCommand;
export const etcdEndpoints = cluster.etcdEndpoints;
export const bastionPublicIp = cluster.bastionPublicIp;
export const sshPrivateKey = cluster.sshPrivateKey;
export const certificateExpiry = cluster.certificateExpiry;
/** Every machine: name, role, zone, placement group and private IP. */
export const nodes = cluster.plan.nodes.map((n) => ({ name: n.name, role: n.role, zone: n.zone, placementGroup: n.placementGroup, privateIp: n.privateIp }));
/** Worst-case losses for one host, one rack/switch and one zone. */
export const faultTolerance = cluster.plan.faultTolerance.map((r) => ({
    domain: r.domain, zone: r.zone, etcdLost: r.etcd.lost, etcdQuorumKept: r.etcd.keepsQuorum, mastersLeft: r.masters.left, apiServed: r.apiServed,
}));
export const warnings = cluster.plan.warnings.map((w) => `${w.path}: ${w.problem}`);
