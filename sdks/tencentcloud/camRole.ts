import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Not in the fact sheet: the schema is read from terraform-provider-tencentcloud
// tencentcloud/services/cam/resource_tc_cam_role.go (name R FN, document R, description O,
// console_login O, session_duration O C, tags O; create_time, update_time and role_arn computed).
const SCHEMA: utilities.ResourceSchema = {
    inputs: ["camRoleId", "consoleLogin", "description", "document", "name", "sessionDuration", "tags"],
    outputs: ["createTime", "roleArn", "updateTime"],
    required: ["document"],
};

/**
 * A CAM role (`tencentcloud_cam_role`); its `id` is the numeric role id. `document` is the
 * trust policy (who may assume it). `name` is auto-named when unset (§3 rule 4); ForceNew.
 */
export class CamRole extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: CamRoleState, opts?: pulumi.CustomResourceOptions): CamRole {
        return new CamRole(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/camRole:CamRole";
    public static isInstance(obj: any): obj is CamRole {
        return utilities.isInstance(obj, CamRole.__pulumiType);
    }

    declare public readonly camRoleId: pulumi.Output<string>;
    declare public readonly consoleLogin: pulumi.Output<boolean | undefined>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly document: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    /** The role's ARN (`qcs::cam::uin/<owner>:roleName/<name>`). */
    declare public /*out*/ readonly roleArn: pulumi.Output<string>;
    declare public readonly sessionDuration: pulumi.Output<number>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public /*out*/ readonly updateTime: pulumi.Output<string>;

    constructor(name: string, args: CamRoleArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: CamRoleArgs | CamRoleState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(CamRole.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface CamRoleArgs {
    /** Unused optional input that mirrors `id`. */
    camRoleId?: pulumi.Input<string>;
    /** Whether the role may log in to the console. */
    consoleLogin?: pulumi.Input<boolean>;
    description?: pulumi.Input<string>;
    /** Trust policy (JSON, CAM policy syntax 2.0); list-or-string elements must be lists. */
    document: pulumi.Input<string>;
    /** Role name; auto-named when unset. ForceNew. */
    name?: pulumi.Input<string>;
    /** Maximum validity of the role's temporary keys (seconds); cannot be changed after creation. */
    sessionDuration?: pulumi.Input<number>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface CamRoleState extends Partial<CamRoleArgs> {
    createTime?: pulumi.Input<string>;
    roleArn?: pulumi.Input<string>;
    updateTime?: pulumi.Input<string>;
}
