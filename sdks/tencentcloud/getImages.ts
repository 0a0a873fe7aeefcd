import * as pulumi from "@pulumi/pulumi";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const TOKEN = "tencentcloud:index/getImages:getImages";
const KEYS = ["id", "imageId", "imageNameRegex", "imageTypes", "instanceType", "osName", "resultOutputFile"] as const;

/** Looks up CVM images (`data.tencentcloud_images`). */
export function getImages(args?: GetImagesArgs, opts?: pulumi.InvokeOptions): Promise<GetImagesResult> {
    return pulumi.runtime.invoke(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetImagesArgs {
    id?: string;
    imageId?: string;
    /** A real regular expression (not a wildcard); conflicts with `osName`. */
    imageNameRegex?: string;
    /** PUBLIC_IMAGE, PRIVATE_IMAGE, SHARED_IMAGE or MARKET_IMAGE. */
    imageTypes?: string[];
    /** Only images that can boot this instance type. */
    instanceType?: string;
    /** Fuzzy match on the OS name. */
    osName?: string;
    resultOutputFile?: string;
}

export interface GetImagesResult {
    readonly id: string;
    readonly imageId?: string;
    readonly imageNameRegex?: string;
    readonly imageTypes?: string[];
    readonly images: outputs.GetImagesImage[];
    readonly instanceType?: string;
    readonly osName?: string;
    readonly resultOutputFile?: string;
}

/** Output form of `getImages`. */
export function getImagesOutput(args?: GetImagesOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetImagesResult> {
    return pulumi.runtime.invokeOutput(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetImagesOutputArgs {
    id?: pulumi.Input<string>;
    imageId?: pulumi.Input<string>;
    imageNameRegex?: pulumi.Input<string>;
    imageTypes?: pulumi.Input<pulumi.Input<string>[]>;
    instanceType?: pulumi.Input<string>;
    osName?: pulumi.Input<string>;
    resultOutputFile?: pulumi.Input<string>;
}
