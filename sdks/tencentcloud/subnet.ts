import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["availabilityZone", "cdcId", "cidrBlock", "isMulticast", "name", "routeTableId", "subnetId", "tags", "vpcId"],
    outputs: ["availableIpCount", "createTime", "isDefault"],
    required: ["availabilityZone", "cidrBlock", "vpcId"],
};

/** A subnet (`tencentcloud_subnet`). Subnets are zonal. */
export class Subnet extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SubnetState, opts?: pulumi.CustomResourceOptions): Subnet {
        return new Subnet(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/subnet:Subnet";
    public static isInstance(obj: any): obj is Subnet {
        return utilities.isInstance(obj, Subnet.__pulumiType);
    }

    declare public readonly availabilityZone: pulumi.Output<string>;
    declare public /*out*/ readonly availableIpCount: pulumi.Output<number>;
    declare public readonly cdcId: pulumi.Output<string | undefined>;
    declare public readonly cidrBlock: pulumi.Output<string>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public /*out*/ readonly isDefault: pulumi.Output<boolean>;
    declare public readonly isMulticast: pulumi.Output<boolean>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly routeTableId: pulumi.Output<string>;
    declare public readonly subnetId: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args: SubnetArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: SubnetArgs | SubnetState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(Subnet.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface SubnetArgs {
    /** Zone of the subnet, e.g. `ap-guangzhou-3`. ForceNew. */
    availabilityZone: pulumi.Input<string>;
    /** ForceNew. */
    cdcId?: pulumi.Input<string>;
    /** Range inside the VPC. ForceNew. */
    cidrBlock: pulumi.Input<string>;
    isMulticast?: pulumi.Input<boolean>;
    /** 1-60 characters; auto-named when unset. */
    name?: pulumi.Input<string>;
    /** Custom route table for the subnet (updatable). */
    routeTableId?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    subnetId?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** ForceNew. */
    vpcId: pulumi.Input<string>;
}

export interface SubnetState extends Partial<SubnetArgs> {
    availableIpCount?: pulumi.Input<number>;
    createTime?: pulumi.Input<string>;
    isDefault?: pulumi.Input<boolean>;
}
