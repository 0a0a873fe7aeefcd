// WorkerPool: the workers of one pool. Usable on its own to add a pool to an existing cluster:
// plan the pool's nodes with planTopology, render their user-data with renderCluster, and join
// them with the ClusterJoin wiring (or by hand with the cluster's worker join command).

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { clusterInstance, InstanceSettings } from "./cluster-instance";
import type { PlannedNode } from "./plan/topology";

const TYPE = "kubeadm-ha:index:WorkerPool";

export interface WorkerPoolArgs extends InstanceSettings {
    /** Pool name (every worker must belong to it). */
    readonly pool: string;
    /** The planned workers of the pool. Workers are replaceable: no protection. */
    readonly workers: readonly PlannedNode[];
}

export class WorkerPool extends pulumi.ComponentResource {
    public readonly instances: Record<string, tencentcloud.Instance>;

    constructor(name: string, args: WorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const strangers = args.workers.filter((w) => w.role !== "worker" || w.pool !== args.pool).map((w) => w.name);
        if (strangers.length > 0) {
            throw new pulumi.ResourceError(`workers: ${strangers.join(", ")} are not workers of pool ${args.pool}`, this);
        }
        this.instances = Object.fromEntries(args.workers.map((w) => [w.name, clusterInstance(w, args, false, this)]));
        this.registerOutputs({});
    }
}
