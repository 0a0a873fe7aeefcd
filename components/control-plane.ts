// ControlPlane: the masters of the plan, each in its spread placement group. With stacked
// topology each master also runs an etcd member (kubeadm's local etcd).

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { clusterInstance, InstanceSettings } from "./cluster-instance";
import type { PlannedNode } from "./plan/topology";

const TYPE = "kubeadm-ha:index:ControlPlane";

export interface ControlPlaneArgs extends InstanceSettings {
    /** The planned masters; the first one runs `kubeadm init`. */
    readonly masters: readonly PlannedNode[];
}

export class ControlPlane extends pulumi.ComponentResource {
    public readonly instances: Record<string, tencentcloud.Instance>;
    /** Instance ids in plan order (load-balancer backends). */
    public readonly instanceIds: pulumi.Output<string>[];

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        if (args.masters.length === 0 || args.masters.some((m) => m.role !== "master")) {
            throw new pulumi.ResourceError("masters: give at least one planned master, and only masters", this);
        }
        this.instances = Object.fromEntries(args.masters.map((m) => [m.name, clusterInstance(m, args, true, this)]));
        this.instanceIds = args.masters.map((m) => this.instances[m.name].id);
        this.registerOutputs({ instanceIds: this.instanceIds });
    }
}
