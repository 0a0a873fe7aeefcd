import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["autoRenewFlag", "bandwidthPackageId", "eipId", "internetChargeType", "internetMaxBandwidthOut",
        "internetServiceProvider", "name", "prepaidPeriod", "tags", "type"],
    outputs: ["publicIp", "status"],
};

/** An elastic public IP (`tencentcloud_eip`). */
export class Eip extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: EipState, opts?: pulumi.CustomResourceOptions): Eip {
        return new Eip(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/eip:Eip";
    public static isInstance(obj: any): obj is Eip {
        return utilities.isInstance(obj, Eip.__pulumiType);
    }

    declare public readonly autoRenewFlag: pulumi.Output<number | undefined>;
    declare public readonly bandwidthPackageId: pulumi.Output<string | undefined>;
    declare public readonly eipId: pulumi.Output<string>;
    declare public readonly internetChargeType: pulumi.Output<string>;
    declare public readonly internetMaxBandwidthOut: pulumi.Output<number>;
    declare public readonly internetServiceProvider: pulumi.Output<string | undefined>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly prepaidPeriod: pulumi.Output<number | undefined>;
    /** The public IP address. */
    declare public /*out*/ readonly publicIp: pulumi.Output<string>;
    declare public /*out*/ readonly status: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly type: pulumi.Output<string | undefined>;

    constructor(name: string, args?: EipArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: EipArgs | EipState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(Eip.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface EipArgs {
    autoRenewFlag?: pulumi.Input<number>;
    bandwidthPackageId?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    eipId?: pulumi.Input<string>;
    /** BANDWIDTH_PACKAGE, BANDWIDTH_POSTPAID_BY_HOUR, BANDWIDTH_PREPAID_BY_MONTH or TRAFFIC_POSTPAID_BY_HOUR. */
    internetChargeType?: pulumi.Input<string>;
    /** Bandwidth in Mbps. */
    internetMaxBandwidthOut?: pulumi.Input<number>;
    /** BGP, CMCC, CTCC or CUCC. ForceNew. */
    internetServiceProvider?: pulumi.Input<string>;
    /** Auto-named when unset. */
    name?: pulumi.Input<string>;
    prepaidPeriod?: pulumi.Input<number>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** EIP, AnycastEIP, HighQualityEIP, AntiDDoSEIP or ResidentialEIP. @default EIP (ForceNew) */
    type?: pulumi.Input<string>;
}

export interface EipState extends EipArgs {
    publicIp?: pulumi.Input<string>;
    status?: pulumi.Input<string>;
}
