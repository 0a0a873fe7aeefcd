// EtcdCluster: the external etcd members of the plan, each a CVM in its spread placement group
// with its own CBS SSD data disk (a separate disk survives a replaced instance). The static
// initial cluster comes from the plan; the members' rendered user-data mounts the disk and runs
// etcd as a static pod. Stacked etcd needs no component: it runs on the masters.

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { clusterInstance, InstanceSettings } from "./cluster-instance";
import type { PlannedNode } from "./plan/topology";

const TYPE = "kubeadm-ha:index:EtcdCluster";

export interface EtcdClusterArgs extends InstanceSettings {
    /** The planned members (role etcd). */
    readonly members: readonly PlannedNode[];
    /** Data disk of each member: CBS type (CLOUD_SSD, CLOUD_HSSD, …) and size in GB. */
    readonly dataDisk: { readonly type: string; readonly sizeGb: number };
}

export class EtcdCluster extends pulumi.ComponentResource {
    public readonly instances: Record<string, tencentcloud.Instance>;
    /** Client URLs of every member, in plan order. */
    public readonly endpoints: string[];

    constructor(name: string, args: EtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const notEtcd = args.members.filter((m) => m.role !== "etcd").map((m) => m.name);
        if (notEtcd.length > 0) {
            throw new pulumi.ResourceError(`members: ${notEtcd.join(", ")} are not etcd machines of the plan`, this);
        }
        this.instances = {};
        for (const m of args.members) {
            const instance = clusterInstance(m, args, true, this);
            const disk = new tencentcloud.CbsStorage(`${m.name}-data`, {
                storageName: `${m.name}-data`, storageType: args.dataDisk.type, storageSize: args.dataDisk.sizeGb,
                availabilityZone: m.zone, forceDelete: !args.production, tags: { ...args.tags, "kubeadm-ha/role": "etcd-data" },
            }, { parent: this, protect: args.production });
            new tencentcloud.CbsStorageAttachment(`${m.name}-data-attachment`, { storageId: disk.id, instanceId: instance.id }, { parent: this });
            this.instances[m.name] = instance;
        }
        this.endpoints = args.members.map((m) => `https://${m.privateIp}:2379`);
        this.registerOutputs({ endpoints: this.endpoints });
    }
}
