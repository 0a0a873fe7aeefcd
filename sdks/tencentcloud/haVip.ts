import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["checkAssociate", "haVipId", "name", "subnetId", "vip", "vpcId"],
    outputs: ["addressIp", "createTime", "instanceId", "networkInterfaceId", "state"],
    required: ["subnetId", "vpcId"],
};

/**
 * A highly available virtual IP (`tencentcloud_ha_vip`). It is subnet-scoped, so it can only
 * move between machines of one subnet (one zone). A machine claims it with a gratuitous ARP
 * (keepalived); the API has no failover call. `HaVipInstanceAttachment` only restricts which
 * machines may claim it, and only with `checkAssociate`.
 */
export class HaVip extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: HaVipState, opts?: pulumi.CustomResourceOptions): HaVip {
        return new HaVip(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/haVip:HaVip";
    public static isInstance(obj: any): obj is HaVip {
        return utilities.isInstance(obj, HaVip.__pulumiType);
    }

    /** EIP bound to the HAVIP. */
    declare public /*out*/ readonly addressIp: pulumi.Output<string>;
    declare public readonly checkAssociate: pulumi.Output<boolean>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public readonly haVipId: pulumi.Output<string>;
    /** Current holder. */
    declare public /*out*/ readonly instanceId: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public /*out*/ readonly networkInterfaceId: pulumi.Output<string>;
    /** AVAILABLE or UNBIND. */
    declare public /*out*/ readonly state: pulumi.Output<string>;
    declare public readonly subnetId: pulumi.Output<string>;
    declare public readonly vip: pulumi.Output<string>;
    declare public readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args: HaVipArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: HaVipArgs | HaVipState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(HaVip.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface HaVipArgs {
    /** Only machines of a `HaVipInstanceAttachment` may claim the VIP. ForceNew. @default false (sent only when set) */
    checkAssociate?: pulumi.Input<boolean>;
    /** Unused optional input that mirrors `id`. */
    haVipId?: pulumi.Input<string>;
    /** 1-60 characters; auto-named when unset. */
    name?: pulumi.Input<string>;
    /** ForceNew. */
    subnetId: pulumi.Input<string>;
    /**
     * Fixed address inside the subnet; auto-assigned when unset. ForceNew, and the replacement is
     * created before the old HAVIP is deleted, so a replacement that keeps the address fails.
     */
    vip?: pulumi.Input<string>;
    /** ForceNew. */
    vpcId: pulumi.Input<string>;
}

export interface HaVipState extends Partial<HaVipArgs> {
    addressIp?: pulumi.Input<string>;
    createTime?: pulumi.Input<string>;
    instanceId?: pulumi.Input<string>;
    networkInterfaceId?: pulumi.Input<string>;
    state?: pulumi.Input<string>;
}
