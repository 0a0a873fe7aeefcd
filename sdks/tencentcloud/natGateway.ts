import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["assignedEipSets", "bandwidth", "maxConcurrent", "name", "natGatewayId", "natProductVersion",
        "stockPublicIpAddressesBandwidthOut", "subnetId", "tags", "vpcId", "zone"],
    outputs: ["createdTime"],
    required: ["assignedEipSets", "vpcId"],
};

/** A NAT gateway (`tencentcloud_nat_gateway`) for private egress; route `0.0.0.0/0` to it. */
export class NatGateway extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: NatGatewayState, opts?: pulumi.CustomResourceOptions): NatGateway {
        return new NatGateway(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/natGateway:NatGateway";
    public static isInstance(obj: any): obj is NatGateway {
        return utilities.isInstance(obj, NatGateway.__pulumiType);
    }

    declare public readonly assignedEipSets: pulumi.Output<string[]>;
    declare public readonly bandwidth: pulumi.Output<number>;
    declare public /*out*/ readonly createdTime: pulumi.Output<string>;
    declare public readonly maxConcurrent: pulumi.Output<number>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly natGatewayId: pulumi.Output<string>;
    declare public readonly natProductVersion: pulumi.Output<number>;
    declare public readonly stockPublicIpAddressesBandwidthOut: pulumi.Output<number>;
    declare public readonly subnetId: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly vpcId: pulumi.Output<string>;
    declare public readonly zone: pulumi.Output<string>;

    constructor(name: string, args: NatGatewayArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: NatGatewayArgs | NatGatewayState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(NatGateway.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface NatGatewayArgs {
    /** 1-10 EIP public addresses (`Eip.publicIp`). */
    assignedEipSets: pulumi.Input<pulumi.Input<string>[]>;
    /** Mbps: 20, 50, 100, 200, 500, 1000, 2000 or 5000. @default 100 */
    bandwidth?: pulumi.Input<number>;
    /** 1000000, 3000000 or 10000000. */
    maxConcurrent?: pulumi.Input<number>;
    /** 1-60 characters; auto-named when unset. */
    name?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    natGatewayId?: pulumi.Input<string>;
    /** 1 = traditional, 2 = standard. @default 1 (ForceNew) */
    natProductVersion?: pulumi.Input<number>;
    /** ForceNew. */
    stockPublicIpAddressesBandwidthOut?: pulumi.Input<number>;
    /** ForceNew. */
    subnetId?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** ForceNew. */
    vpcId: pulumi.Input<string>;
    zone?: pulumi.Input<string>;
}

export interface NatGatewayState extends Partial<NatGatewayArgs> {
    createdTime?: pulumi.Input<string>;
}
