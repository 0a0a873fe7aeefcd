import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const TOKEN = "tencentcloud:index/getUserInfo:getUserInfo";
const KEYS = ["id", "resultOutputFile"] as const;

/**
 * The calling account (`data.tencentcloud_user_info`): `appId` is the 10-digit suffix of every
 * COS bucket name. (`name` and `resultOutputFile` are read from the provider's
 * data_source_tc_user_info.go; the fact sheet lists appId, uin and ownerUin.)
 */
export function getUserInfo(args?: GetUserInfoArgs, opts?: pulumi.InvokeOptions): Promise<GetUserInfoResult> {
    return pulumi.runtime.invoke(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetUserInfoArgs {
    id?: string;
    resultOutputFile?: string;
}

export interface GetUserInfoResult {
    readonly appId: string;
    readonly id: string;
    /** Sub-account name (empty for the root account). */
    readonly name: string;
    readonly ownerUin: string;
    readonly resultOutputFile?: string;
    readonly uin: string;
}

/** Output form of `getUserInfo`. */
export function getUserInfoOutput(args?: GetUserInfoOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetUserInfoResult> {
    return pulumi.runtime.invokeOutput(TOKEN, utilities.invokeArgs(args, KEYS), utilities.invokeOpts(opts), utilities.getPackage());
}

export interface GetUserInfoOutputArgs {
    id?: pulumi.Input<string>;
    resultOutputFile?: pulumi.Input<string>;
}
