import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["description", "destinationCidrBlock", "disabled", "nextHub", "nextType", "routeTableEntryId", "routeTableId"],
    outputs: ["routeEntryId", "routeItemId"],
    required: ["destinationCidrBlock", "nextHub", "nextType", "routeTableId"],
};

/** One route of a route table (`tencentcloud_route_table_entry`). */
export class RouteTableEntry extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RouteTableEntryState, opts?: pulumi.CustomResourceOptions): RouteTableEntry {
        return new RouteTableEntry(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/routeTableEntry:RouteTableEntry";
    public static isInstance(obj: any): obj is RouteTableEntry {
        return utilities.isInstance(obj, RouteTableEntry.__pulumiType);
    }

    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly destinationCidrBlock: pulumi.Output<string>;
    declare public readonly disabled: pulumi.Output<boolean>;
    declare public readonly nextHub: pulumi.Output<string>;
    declare public readonly nextType: pulumi.Output<string>;
    declare public /*out*/ readonly routeEntryId: pulumi.Output<number>;
    declare public /*out*/ readonly routeItemId: pulumi.Output<string>;
    declare public readonly routeTableEntryId: pulumi.Output<string>;
    declare public readonly routeTableId: pulumi.Output<string>;

    constructor(name: string, args: RouteTableEntryArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: RouteTableEntryArgs | RouteTableEntryState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(RouteTableEntry.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface RouteTableEntryArgs {
    /** ForceNew. */
    description?: pulumi.Input<string>;
    /** ForceNew. */
    destinationCidrBlock: pulumi.Input<string>;
    disabled?: pulumi.Input<boolean>;
    /** Gateway id (`nat-…`, a HAVIP id, …); `"0"` for EIP. ForceNew. */
    nextHub: pulumi.Input<string>;
    /**
     * CVM, VPN, DIRECTCONNECT, PEERCONNECTION, HAVIP, NAT, NORMAL_CVM, EIP, LOCAL_GATEWAY, INTRANAT,
     * USER_CCN or GWLB_ENDPOINT. ForceNew.
     */
    nextType: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    routeTableEntryId?: pulumi.Input<string>;
    /** ForceNew. */
    routeTableId: pulumi.Input<string>;
}

export interface RouteTableEntryState extends Partial<RouteTableEntryArgs> {
    routeEntryId?: pulumi.Input<number>;
    routeItemId?: pulumi.Input<string>;
}
