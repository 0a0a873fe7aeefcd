// The Pulumi program: one cluster per stack, configured by `kubeadm-ha:cluster` in
// stacks/Pulumi.<stack>.yaml. It validates and plans the cluster exactly as `npm run plan`
// does, so `pulumi preview` fails with the same message, before any resource is registered.
//
// Not implemented yet: the Tencent Cloud resources themselves (network, placement groups,
// endpoint tier, etcd, masters, workers). This program currently exports the plan only.

import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_KEY, planStackFile, PROJECT, ValidationError } from "./components";

function loadPlan() {
    const stackConfig = {
        config: {
            [CLUSTER_KEY]: new pulumi.Config(PROJECT).getObject<unknown>("cluster"),
            "tencentcloud:region": new pulumi.Config("tencentcloud").get("region"),
        },
    };
    try {
        return planStackFile(stackConfig, `the config of stack ${pulumi.getStack()}`).plan;
    } catch (err) {
        if (err instanceof ValidationError) {
            throw new pulumi.RunError(err.message); // printed without a stack trace
        }
        throw err;
    }
}

const plan = loadPlan();

/** The API endpoint every kubeconfig and join command uses. */
export const apiEndpoint = plan.endpoint;
/** Every planned machine: name, role, zone, placement group and private IP. */
export const nodes = plan.nodes.map((n) => ({ name: n.name, role: n.role, zone: n.zone, placementGroup: n.placementGroup, privateIp: n.privateIp }));
/** Worst-case losses for one host, one rack/switch and one zone. */
export const faultTolerance = plan.faultTolerance.map((r) => ({
    domain: r.domain, zone: r.zone, etcdLost: r.etcd.lost, etcdQuorumKept: r.etcd.keepsQuorum,
    mastersLeft: r.masters.left, apiServed: r.apiServed,
}));
export const warnings = plan.warnings.map((w) => `${w.path}: ${w.problem}`);
