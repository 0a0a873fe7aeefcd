import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const TOKEN = "tencentcloud:index/getInstanceTypes:getInstanceTypes";
const KEYS = ["availabilityZone", "cbsFilter", "cpuCoreCount", "excludeSoldOut", "filters", "gpuCoreCount", "id", "memorySize"] as const;

/** Lists CVM instance types (`data.tencentcloud_instance_types`). */
export function getInstanceTypes(args?: GetInstanceTypesArgs, opts?: pulumi.InvokeOptions): Promise<GetInstanceTypesResult> {
    return pulumi.runtime.invoke(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetInstanceTypesArgs {
    /** Conflicts with `filters`. */
    availabilityZone?: string;
    /** Only types that can use these disks. */
    cbsFilter?: inputs.GetInstanceTypesCbsFilter;
    cpuCoreCount?: number;
    /** @default false */
    excludeSoldOut?: boolean;
    /** At most 10. */
    filters?: inputs.GetInstanceTypesFilter[];
    gpuCoreCount?: number;
    id?: string;
    /** Memory in GB. */
    memorySize?: number;
}

export interface GetInstanceTypesResult {
    readonly availabilityZone?: string;
    readonly cbsFilter?: { diskTypes?: string[]; diskChargeType?: string; diskUsage?: string };
    readonly cpuCoreCount?: number;
    readonly excludeSoldOut?: boolean;
    readonly filters?: { name: string; values: string[] }[];
    readonly gpuCoreCount?: number;
    readonly id: string;
    readonly instanceTypes: outputs.GetInstanceTypesInstanceType[];
    readonly memorySize?: number;
}

/** Output form of `getInstanceTypes`. */
export function getInstanceTypesOutput(args?: GetInstanceTypesOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetInstanceTypesResult> {
    return pulumi.runtime.invokeOutput(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetInstanceTypesOutputArgs {
    availabilityZone?: pulumi.Input<string>;
    cbsFilter?: pulumi.Input<inputs.GetInstanceTypesCbsFilterArgs>;
    cpuCoreCount?: pulumi.Input<number>;
    excludeSoldOut?: pulumi.Input<boolean>;
    filters?: pulumi.Input<pulumi.Input<inputs.GetInstanceTypesFilterArgs>[]>;
    gpuCoreCount?: pulumi.Input<number>;
    id?: pulumi.Input<string>;
    memorySize?: pulumi.Input<number>;
}
