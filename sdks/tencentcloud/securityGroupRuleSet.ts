import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["egresses", "ingresses", "securityGroupId", "securityGroupRuleSetId"],
    outputs: ["version"],
    required: ["securityGroupId"],
};

/**
 * The whole ordered rule set of one security group (`tencentcloud_security_group_rule_set`).
 * The first rule has the highest priority. Use exactly one per security group.
 */
export class SecurityGroupRuleSet extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SecurityGroupRuleSetState, opts?: pulumi.CustomResourceOptions): SecurityGroupRuleSet {
        return new SecurityGroupRuleSet(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet";
    public static isInstance(obj: any): obj is SecurityGroupRuleSet {
        return utilities.isInstance(obj, SecurityGroupRuleSet.__pulumiType);
    }

    declare public readonly egresses: pulumi.Output<outputs.SecurityGroupRuleSetEgress[] | undefined>;
    declare public readonly ingresses: pulumi.Output<outputs.SecurityGroupRuleSetIngress[] | undefined>;
    declare public readonly securityGroupId: pulumi.Output<string>;
    declare public readonly securityGroupRuleSetId: pulumi.Output<string>;
    /** Version of the rule set (output only). */
    declare public /*out*/ readonly version: pulumi.Output<string>;

    constructor(name: string, args: SecurityGroupRuleSetArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: SecurityGroupRuleSetArgs | SecurityGroupRuleSetState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(SecurityGroupRuleSet.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface SecurityGroupRuleSetArgs {
    /** Outbound rules, highest priority first. */
    egresses?: pulumi.Input<pulumi.Input<inputs.SecurityGroupRuleSetEgress>[]>;
    /** Inbound rules, highest priority first. */
    ingresses?: pulumi.Input<pulumi.Input<inputs.SecurityGroupRuleSetIngress>[]>;
    /** ForceNew. */
    securityGroupId: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    securityGroupRuleSetId?: pulumi.Input<string>;
}

export interface SecurityGroupRuleSetState extends Partial<SecurityGroupRuleSetArgs> {
    version?: pulumi.Input<string>;
}
