import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["name", "routeTableId", "tags", "vpcId"],
    outputs: ["createTime", "isDefault", "routeEntryIds", "subnetIds"],
    required: ["vpcId"],
};

/** A route table (`tencentcloud_route_table`); subnets join it through `Subnet.routeTableId`. */
export class RouteTable extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RouteTableState, opts?: pulumi.CustomResourceOptions): RouteTable {
        return new RouteTable(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/routeTable:RouteTable";
    public static isInstance(obj: any): obj is RouteTable {
        return utilities.isInstance(obj, RouteTable.__pulumiType);
    }

    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public /*out*/ readonly isDefault: pulumi.Output<boolean>;
    declare public readonly name: pulumi.Output<string>;
    declare public /*out*/ readonly routeEntryIds: pulumi.Output<string[]>;
    declare public readonly routeTableId: pulumi.Output<string>;
    declare public /*out*/ readonly subnetIds: pulumi.Output<string[]>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args: RouteTableArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: RouteTableArgs | RouteTableState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(RouteTable.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface RouteTableArgs {
    /** Auto-named when unset. */
    name?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    routeTableId?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** ForceNew. */
    vpcId: pulumi.Input<string>;
}

export interface RouteTableState extends Partial<RouteTableArgs> {
    createTime?: pulumi.Input<string>;
    isDefault?: pulumi.Input<boolean>;
    routeEntryIds?: pulumi.Input<pulumi.Input<string>[]>;
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
}
