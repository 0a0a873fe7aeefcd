// Bastion: a small CVM with an EIP, the only SSH entry to the cluster (its security group only
// admits bastion.allowedCidrs; every other machine only admits SSH from the bastion).

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { clusterInstance, InstanceSettings } from "./cluster-instance";
import type { PlannedNode } from "./plan/topology";

const TYPE = "kubeadm-ha:index:Bastion";

export interface BastionArgs extends InstanceSettings {
    /** The planned bastion machine. */
    readonly node: PlannedNode;
    /** EIP bandwidth, Mbps. @default 10 */
    readonly bandwidthMbps?: number;
}

export class Bastion extends pulumi.ComponentResource {
    public readonly publicIp: pulumi.Output<string>;
    public readonly privateIp: pulumi.Output<string>;

    constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const instance = clusterInstance(args.node, args, false, this);
        const eip = new tencentcloud.Eip(`${args.node.name}-eip`, { name: args.node.name, internetMaxBandwidthOut: args.bandwidthMbps ?? 10, tags: { ...args.tags } }, { parent: this });
        new tencentcloud.EipAssociation(`${args.node.name}-eip-association`, { eipId: eip.id, instanceId: instance.id }, { parent: this });
        this.publicIp = eip.publicIp;
        this.privateIp = instance.privateIp;
        this.registerOutputs({ publicIp: this.publicIp, privateIp: this.privateIp });
    }
}
