import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["addressIp", "haVipEipAttachmentId", "havipId"],
    outputs: [],
    required: ["addressIp", "havipId"],
};

/** Attaches an EIP to a HAVIP (`tencentcloud_ha_vip_eip_attachment`). */
export class HaVipEipAttachment extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: HaVipEipAttachmentState, opts?: pulumi.CustomResourceOptions): HaVipEipAttachment {
        return new HaVipEipAttachment(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/haVipEipAttachment:HaVipEipAttachment";
    public static isInstance(obj: any): obj is HaVipEipAttachment {
        return utilities.isInstance(obj, HaVipEipAttachment.__pulumiType);
    }

    declare public readonly addressIp: pulumi.Output<string>;
    declare public readonly haVipEipAttachmentId: pulumi.Output<string>;
    declare public readonly havipId: pulumi.Output<string>;

    constructor(name: string, args: HaVipEipAttachmentArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: HaVipEipAttachmentArgs | HaVipEipAttachmentState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(HaVipEipAttachment.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface HaVipEipAttachmentArgs {
    /** The EIP's public address (`Eip.publicIp`), not its id. ForceNew. */
    addressIp: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    haVipEipAttachmentId?: pulumi.Input<string>;
    /** HAVIP id; spelled `havipId` (TF `havip_id`). ForceNew. */
    havipId: pulumi.Input<string>;
}

export interface HaVipEipAttachmentState extends Partial<HaVipEipAttachmentArgs> {}
