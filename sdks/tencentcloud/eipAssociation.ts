import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["eipAssociationId", "eipId", "instanceId", "networkInterfaceId", "privateIp"],
    outputs: [],
    required: ["eipId"],
};

/** Binds an EIP to an instance or an ENI address (`tencentcloud_eip_association`). */
export class EipAssociation extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: EipAssociationState, opts?: pulumi.CustomResourceOptions): EipAssociation {
        return new EipAssociation(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/eipAssociation:EipAssociation";
    public static isInstance(obj: any): obj is EipAssociation {
        return utilities.isInstance(obj, EipAssociation.__pulumiType);
    }

    declare public readonly eipAssociationId: pulumi.Output<string>;
    declare public readonly eipId: pulumi.Output<string>;
    declare public readonly instanceId: pulumi.Output<string>;
    declare public readonly networkInterfaceId: pulumi.Output<string>;
    declare public readonly privateIp: pulumi.Output<string>;

    constructor(name: string, args: EipAssociationArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: EipAssociationArgs | EipAssociationState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(EipAssociation.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface EipAssociationArgs {
    /** Unused optional input that mirrors `id`. */
    eipAssociationId?: pulumi.Input<string>;
    /** The `eip-…` id, not the address. ForceNew. */
    eipId: pulumi.Input<string>;
    /** CVM, CLB, WAF or endpoint id; conflicts with the ENI fields. ForceNew. */
    instanceId?: pulumi.Input<string>;
    /** ForceNew. */
    networkInterfaceId?: pulumi.Input<string>;
    /** ForceNew. */
    privateIp?: pulumi.Input<string>;
}

export interface EipAssociationState extends Partial<EipAssociationArgs> {}
