import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["allowedAccountIds", "assumeRole", "camRoleName", "cosDomain", "domain", "forbiddenAccountIds",
        "profile", "protocol", "region", "secretId", "secretKey", "securityToken", "sharedCredentialsDir"],
    outputs: [],
    secrets: ["secretKey", "securityToken"],
    // Provider inputs that are not strings travel JSON-encoded (codegen rule for provider properties).
    jsonInputs: ["allowedAccountIds", "assumeRole", "forbiddenAccountIds"],
};

/**
 * The Tencent Cloud provider. Its type is `pulumi:providers:tencentcloud`. Credentials come from
 * these arguments, else from the environment the plugin runs in (`TENCENTCLOUD_SECRET_ID`,
 * `TENCENTCLOUD_SECRET_KEY`, `TENCENTCLOUD_REGION`, …), else from the tccli profile.
 */
export class Provider extends pulumi.ProviderResource {
    /** @internal */
    public static readonly __pulumiType = "tencentcloud";
    /** True if `obj` is a Provider, even from another copy of this SDK. */
    public static isInstance(obj: any): obj is Provider {
        return utilities.isInstance(obj, "pulumi:providers:" + Provider.__pulumiType);
    }

    declare public readonly camRoleName: pulumi.Output<string | undefined>;
    declare public readonly cosDomain: pulumi.Output<string | undefined>;
    declare public readonly domain: pulumi.Output<string | undefined>;
    declare public readonly profile: pulumi.Output<string | undefined>;
    declare public readonly protocol: pulumi.Output<string | undefined>;
    declare public readonly region: pulumi.Output<string | undefined>;
    declare public readonly secretId: pulumi.Output<string | undefined>;
    declare public readonly secretKey: pulumi.Output<string | undefined>;
    declare public readonly securityToken: pulumi.Output<string | undefined>;
    declare public readonly sharedCredentialsDir: pulumi.Output<string | undefined>;

    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {
        const r = utilities.prepareResource(args, opts, SCHEMA);
        super(Provider.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

/** Arguments of the provider; the same keys as `tencentcloud:*` stack config. */
export interface ProviderArgs {
    allowedAccountIds?: pulumi.Input<pulumi.Input<string>[]>;
    assumeRole?: pulumi.Input<inputs.ProviderAssumeRole>;
    /** CVM instance role to take credentials from. */
    camRoleName?: pulumi.Input<string>;
    cosDomain?: pulumi.Input<string>;
    /** API root domain. @default tencentcloudapi.com */
    domain?: pulumi.Input<string>;
    forbiddenAccountIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** tccli profile name. */
    profile?: pulumi.Input<string>;
    /** HTTP or HTTPS. @default HTTPS */
    protocol?: pulumi.Input<string>;
    /** Region such as `ap-guangzhou`. @default the tccli profile's region, then ap-guangzhou */
    region?: pulumi.Input<string>;
    secretId?: pulumi.Input<string>;
    /** Sent as a secret. */
    secretKey?: pulumi.Input<string>;
    /** STS temporary token; sent as a secret. */
    securityToken?: pulumi.Input<string>;
    /** Directory of the tccli credentials. @default ~/.tccli */
    sharedCredentialsDir?: pulumi.Input<string>;
}
