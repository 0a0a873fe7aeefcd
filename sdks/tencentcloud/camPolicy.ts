import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Not in the fact sheet: the schema is read from terraform-provider-tencentcloud
// tencentcloud/services/cam/resource_tc_cam_policy.go (name R FN, document R, description O,
// tags O; type, create_time and update_time computed).
const SCHEMA: utilities.ResourceSchema = {
    inputs: ["camPolicyId", "description", "document", "name", "tags"],
    outputs: ["createTime", "type", "updateTime"],
    required: ["document"],
};

/**
 * A custom CAM policy (`tencentcloud_cam_policy`); its `id` is the numeric policy id.
 * `name` is auto-named when unset (§3 rule 4); ForceNew.
 */
export class CamPolicy extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: CamPolicyState, opts?: pulumi.CustomResourceOptions): CamPolicy {
        return new CamPolicy(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/camPolicy:CamPolicy";
    public static isInstance(obj: any): obj is CamPolicy {
        return utilities.isInstance(obj, CamPolicy.__pulumiType);
    }

    declare public readonly camPolicyId: pulumi.Output<string>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly document: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    /** 1: a custom policy, 2: a preset one. */
    declare public /*out*/ readonly type: pulumi.Output<number>;
    declare public /*out*/ readonly updateTime: pulumi.Output<string>;

    constructor(name: string, args: CamPolicyArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: CamPolicyArgs | CamPolicyState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(CamPolicy.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface CamPolicyArgs {
    /** Unused optional input that mirrors `id`. */
    camPolicyId?: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** The policy (JSON, CAM policy syntax 2.0); list-or-string elements must be lists. */
    document: pulumi.Input<string>;
    /** Policy name; auto-named when unset. ForceNew. */
    name?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface CamPolicyState extends Partial<CamPolicyArgs> {
    createTime?: pulumi.Input<string>;
    type?: pulumi.Input<number>;
    updateTime?: pulumi.Input<string>;
}
