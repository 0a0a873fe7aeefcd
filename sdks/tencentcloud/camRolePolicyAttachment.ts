import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Not in the fact sheet: the schema is read from terraform-provider-tencentcloud
// tencentcloud/services/cam/resource_tc_cam_role_policy_attachment.go (role_id and policy_id
// R FN; create_mode, policy_type, create_time and policy_name computed; no update).
const SCHEMA: utilities.ResourceSchema = {
    inputs: ["camRolePolicyAttachmentId", "policyId", "roleId"],
    outputs: ["createMode", "createTime", "policyName", "policyType"],
    required: ["policyId", "roleId"],
};

/** Attaches a CAM policy to a CAM role (`tencentcloud_cam_role_policy_attachment`); its `id` is `<roleId>#<policyId>`. */
export class CamRolePolicyAttachment extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: CamRolePolicyAttachmentState, opts?: pulumi.CustomResourceOptions): CamRolePolicyAttachment {
        return new CamRolePolicyAttachment(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/camRolePolicyAttachment:CamRolePolicyAttachment";
    public static isInstance(obj: any): obj is CamRolePolicyAttachment {
        return utilities.isInstance(obj, CamRolePolicyAttachment.__pulumiType);
    }

    declare public readonly camRolePolicyAttachmentId: pulumi.Output<string>;
    declare public /*out*/ readonly createMode: pulumi.Output<number>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public /*out*/ readonly policyName: pulumi.Output<string>;
    /** User (custom) or QCS (preset). */
    declare public /*out*/ readonly policyType: pulumi.Output<string>;
    declare public readonly policyId: pulumi.Output<string>;
    declare public readonly roleId: pulumi.Output<string>;

    constructor(name: string, args: CamRolePolicyAttachmentArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: CamRolePolicyAttachmentArgs | CamRolePolicyAttachmentState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(CamRolePolicyAttachment.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface CamRolePolicyAttachmentArgs {
    /** Unused optional input that mirrors `id`. */
    camRolePolicyAttachmentId?: pulumi.Input<string>;
    /** `CamPolicy.id`. ForceNew. */
    policyId: pulumi.Input<string>;
    /** `CamRole.id`. ForceNew. */
    roleId: pulumi.Input<string>;
}

export interface CamRolePolicyAttachmentState extends Partial<CamRolePolicyAttachmentArgs> {
    createMode?: pulumi.Input<number>;
    createTime?: pulumi.Input<string>;
    policyName?: pulumi.Input<string>;
    policyType?: pulumi.Input<string>;
}
