import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Not in the fact sheet: read from terraform-provider-tencentcloud
// tencentcloud/services/vpc/resource_tc_ha_vip_instance_attachment.go (provider.go L1518):
// instance_id R FN, ha_vip_id O FN, instance_type O FN (CVM or ENI); no update function.
const SCHEMA: utilities.ResourceSchema = {
    inputs: ["haVipId", "haVipInstanceAttachmentId", "instanceId", "instanceType"],
    outputs: [],
    required: ["instanceId"],
};

/**
 * Adds a CVM or ENI to the machines that may claim a HAVIP (`tencentcloud_ha_vip_instance_attachment`,
 * AssociateHaVipInstance). It restricts where the VIP may drift only when the HAVIP has
 * `checkAssociate` (ForceNew on the HAVIP); it never moves the VIP, which the holder's ARP does.
 */
export class HaVipInstanceAttachment extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: HaVipInstanceAttachmentState, opts?: pulumi.CustomResourceOptions): HaVipInstanceAttachment {
        return new HaVipInstanceAttachment(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/haVipInstanceAttachment:HaVipInstanceAttachment";
    public static isInstance(obj: any): obj is HaVipInstanceAttachment {
        return utilities.isInstance(obj, HaVipInstanceAttachment.__pulumiType);
    }

    declare public readonly haVipId: pulumi.Output<string>;
    declare public readonly haVipInstanceAttachmentId: pulumi.Output<string>;
    declare public readonly instanceId: pulumi.Output<string>;
    declare public readonly instanceType: pulumi.Output<string>;

    constructor(name: string, args: HaVipInstanceAttachmentArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: HaVipInstanceAttachmentArgs | HaVipInstanceAttachmentState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(HaVipInstanceAttachment.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface HaVipInstanceAttachmentArgs {
    /** HAVIP id. ForceNew. */
    haVipId?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    haVipInstanceAttachmentId?: pulumi.Input<string>;
    /** The CVM (or ENI) id that may claim the VIP. ForceNew. */
    instanceId: pulumi.Input<string>;
    /** CVM or ENI. ForceNew. */
    instanceType?: pulumi.Input<string>;
}

export interface HaVipInstanceAttachmentState extends Partial<HaVipInstanceAttachmentArgs> {}
