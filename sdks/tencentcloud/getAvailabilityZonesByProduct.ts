import * as pulumi from "@pulumi/pulumi";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const TOKEN = "tencentcloud:index/getAvailabilityZonesByProduct:getAvailabilityZonesByProduct";
const KEYS = ["id", "includeUnavailable", "name", "product"] as const;

/** Lists the zones where a product is sold (`data.tencentcloud_availability_zones_by_product`). */
export function getAvailabilityZonesByProduct(args: GetAvailabilityZonesByProductArgs, opts?: pulumi.InvokeOptions): Promise<GetAvailabilityZonesByProductResult> {
    return pulumi.runtime.invoke(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetAvailabilityZonesByProductArgs {
    id?: string;
    includeUnavailable?: boolean;
    /** Zone name to match, e.g. `ap-guangzhou-3`. */
    name?: string;
    /** Product, e.g. `cvm` or `nat`. */
    product: string;
}

export interface GetAvailabilityZonesByProductResult {
    readonly id: string;
    readonly includeUnavailable?: boolean;
    readonly name?: string;
    readonly product: string;
    readonly zones: outputs.GetAvailabilityZonesByProductZone[];
}

/** Output form of `getAvailabilityZonesByProduct`. */
export function getAvailabilityZonesByProductOutput(args: GetAvailabilityZonesByProductOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetAvailabilityZonesByProductResult> {
    return pulumi.runtime.invokeOutput(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetAvailabilityZonesByProductOutputArgs {
    id?: pulumi.Input<string>;
    includeUnavailable?: pulumi.Input<boolean>;
    name?: pulumi.Input<string>;
    product: pulumi.Input<string>;
}
