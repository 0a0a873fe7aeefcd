import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["description", "name", "projectId", "securityGroupId", "tags"],
    outputs: [],
};

/** A security group (`tencentcloud_security_group`). Put its rules in one `SecurityGroupRuleSet`. */
export class SecurityGroup extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SecurityGroupState, opts?: pulumi.CustomResourceOptions): SecurityGroup {
        return new SecurityGroup(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/securityGroup:SecurityGroup";
    public static isInstance(obj: any): obj is SecurityGroup {
        return utilities.isInstance(obj, SecurityGroup.__pulumiType);
    }

    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly projectId: pulumi.Output<number>;
    declare public readonly securityGroupId: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;

    constructor(name: string, args?: SecurityGroupArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: SecurityGroupArgs | SecurityGroupState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(SecurityGroup.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface SecurityGroupArgs {
    /** 1-100 characters when set. @default "" */
    description?: pulumi.Input<string>;
    /** 1-60 characters; auto-named when unset. */
    name?: pulumi.Input<string>;
    /** ForceNew. */
    projectId?: pulumi.Input<number>;
    /** Unused optional input that mirrors `id`. */
    securityGroupId?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface SecurityGroupState extends SecurityGroupArgs {}
