// PlacementGroups: the spread placement groups of the plan, one Tencent group per planned group
// (split at capacity by the planner), at the configured level and affinity.

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import type { PlannedPlacementGroup } from "./plan/topology";

const TYPE = "kubeadm-ha:index:PlacementGroups";

export interface PlacementGroupsArgs {
    /** The planned groups (`planTopology(...).placementGroups`). */
    readonly groups: readonly PlannedPlacementGroup[];
    /** Tags on every group. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

export class PlacementGroups extends pulumi.ComponentResource {
    /** Placement group id by planned group name. */
    public readonly ids: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: PlacementGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        this.ids = Object.fromEntries(args.groups.map((g) => [g.name, new tencentcloud.PlacementGroup(g.name, {
            name: g.name, type: g.level, affinity: g.affinity, tags: { ...args.tags },
        }, { parent: this }).id]));
        this.registerOutputs({ ids: this.ids });
    }
}
