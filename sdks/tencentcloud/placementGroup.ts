import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["affinity", "name", "partitionCount", "placementGroupId", "strategy", "tags", "type"],
    outputs: ["createTime", "currentNum", "cvmQuotaTotal"],
    required: ["type"],
};

/**
 * A spread placement group (`tencentcloud_placement_group`): its instances land on different
 * hosts, switches or racks. Launch fails rather than degrading when hardware runs out.
 */
export class PlacementGroup extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: PlacementGroupState, opts?: pulumi.CustomResourceOptions): PlacementGroup {
        return new PlacementGroup(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/placementGroup:PlacementGroup";
    public static isInstance(obj: any): obj is PlacementGroup {
        return utilities.isInstance(obj, PlacementGroup.__pulumiType);
    }

    declare public readonly affinity: pulumi.Output<number>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public /*out*/ readonly currentNum: pulumi.Output<number>;
    /** Maximum number of instances the group can hold. */
    declare public /*out*/ readonly cvmQuotaTotal: pulumi.Output<number>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly partitionCount: pulumi.Output<number>;
    declare public readonly placementGroupId: pulumi.Output<string>;
    declare public readonly strategy: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly type: pulumi.Output<string>;

    constructor(name: string, args: PlacementGroupArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: PlacementGroupArgs | PlacementGroupState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(PlacementGroup.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface PlacementGroupArgs {
    /** How many of the group's instances may share one host/switch/rack, 1-10. A group with members cannot be deleted. @default 1 (ForceNew) */
    affinity?: pulumi.Input<number>;
    /** 1-60 characters; auto-named when unset. */
    name?: pulumi.Input<string>;
    /** 2-30; PARTITION strategy only. Cannot be changed: an update fails (resource_tc_placement_group.go L207-217). */
    partitionCount?: pulumi.Input<number>;
    /** Unused optional input that mirrors `id`. */
    placementGroupId?: pulumi.Input<string>;
    /** SPREAD or PARTITION. Cannot be changed: an update fails (L207-217). @default SPREAD */
    strategy?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Spread level: HOST, SW (switch) or RACK. ForceNew: a new group, and every member moves to it in place. */
    type: pulumi.Input<string>;
}

export interface PlacementGroupState extends Partial<PlacementGroupArgs> {
    createTime?: pulumi.Input<string>;
    currentNum?: pulumi.Input<number>;
    cvmQuotaTotal?: pulumi.Input<number>;
}
