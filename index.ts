// The Pulumi program: one highly available kubeadm cluster per stack, configured by
// `kubeadm-ha:cluster` in stacks/Pulumi.<stack>.yaml. It validates and plans exactly as
// `npm run plan` does, so `pulumi preview` fails with the same message before any resource is
// registered. Then the change guard compares the plan with the one deployed (read back from this
// stack's own `changeGuardSnapshot` output) and refuses an update that would take down an etcd
// quorum, every master or every LB machine at once. Optional keys: `kubeadm-ha:imageId`,
// `kubeadm-ha:kubernetesLayer` (true/false), `kubeadm-ha:existingNetwork` ({ vpcId, subnetIds:
// { <zone>: <subnet id> } }) to adopt a VPC, `kubeadm-ha:allowDisruptiveChange` (true: the
// guard only warns; for test clusters), `kubeadm-ha:rollOut` (machine names, comma-separated:
// only these deployed machines take a new instance type or image this update).

import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_KEY, KubeadmCluster, parseRollOut, planStackFile, PROJECT, readDeployedSnapshot, ValidationError } from "./components";

export = async () => {
    const config = new pulumi.Config(PROJECT);
    const clusterConfig = config.getObject<Record<string, unknown>>("cluster");
    try {
        planStackFile({ config: { [CLUSTER_KEY]: clusterConfig, "tencentcloud:region": new pulumi.Config("tencentcloud").get("region") } },
            `the config of stack ${pulumi.getStack()}`);
    } catch (err) {
        throw err instanceof ValidationError ? new pulumi.RunError(err.message) : err; // printed without a stack trace
    }

    const imageId = config.get("imageId");
    const rollOut = parseRollOut(config.get("rollOut"));
    const existingNetwork = config.getObject<{ vpcId: string; subnetIds: Record<string, string> }>("existingNetwork");
    const previousSnapshot = await readDeployedSnapshot();
    const cluster = new KubeadmCluster(String(clusterConfig!.name), {
        cluster: clusterConfig as never,
        ...(imageId ? { imageId } : {}),
        ...(existingNetwork ? { existingNetwork } : {}),
        previousSnapshot,
        ...(rollOut ? { rollOut } : {}),
        allowDisruptiveChange: config.getBoolean("allowDisruptiveChange") ?? false,
        kubernetesLayer: config.getBoolean("kubernetesLayer") ?? false,
    });

    return {
        /** The API endpoint every kubeconfig and join command uses. */
        endpoint: cluster.endpoint,
        kubeconfig: cluster.kubeconfig,
        workerJoinCommand: cluster.workerJoinCommand,
        controlPlaneJoinCommand: cluster.controlPlaneJoinCommand,
        etcdEndpoints: cluster.etcdEndpoints,
        bastionPublicIp: cluster.bastionPublicIp,
        // Not the deploy key: it is root on every machine, and a stack output widens who can read it
        // (stack references, `stack output --show-secrets`). Log in with your own `ssh.publicKeys`.
        certificateExpiry: cluster.certificateExpiry,
        /** The etcd snapshot bucket; its config archives are encrypted with `backupArchiveKey` (secret: keep a copy). */
        backupBucket: cluster.backupBucket,
        /** Its copy in `backup.replicaRegion` (COS cross-region replication), when there is one. */
        backupReplicaBucket: cluster.backupReplicaBucket,
        backupArchiveKey: cluster.backupArchiveKey,
        /** Every machine: name, role, zone, placement group and private IP. */
        nodes: cluster.plan.nodes.map((n) => ({ name: n.name, role: n.role, zone: n.zone, placementGroup: n.placementGroup, privateIp: n.privateIp })),
        /** Worst-case losses for one host, one rack/switch and one zone. */
        faultTolerance: cluster.plan.faultTolerance.map((r) => ({
            domain: r.domain, zone: r.zone, etcdLost: r.etcd.lost, etcdQuorumKept: r.etcd.keepsQuorum, mastersLeft: r.masters.left, apiServed: r.apiServed,
        })),
        warnings: cluster.plan.warnings.map((w) => `${w.path}: ${w.problem}`),
        /** What the change guard compares the next update with (read back by this program). */
        changeGuardSnapshot: cluster.changeGuardSnapshot,
    };
};
