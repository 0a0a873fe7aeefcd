import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["forceStop", "keyName", "keyPairId", "projectId", "publicKey", "tags"],
    outputs: ["createdTime", "privateKey"],
    required: ["keyName"],
};

/**
 * An SSH key pair (`tencentcloud_key_pair`). Its id (`skey-…`) goes into `Instance.keyIds`.
 * `privateKey` is not marked sensitive by the provider: wrap it in `pulumi.secret` yourself.
 */
export class KeyPair extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: KeyPairState, opts?: pulumi.CustomResourceOptions): KeyPair {
        return new KeyPair(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/keyPair:KeyPair";
    public static isInstance(obj: any): obj is KeyPair {
        return utilities.isInstance(obj, KeyPair.__pulumiType);
    }

    declare public /*out*/ readonly createdTime: pulumi.Output<string>;
    declare public readonly forceStop: pulumi.Output<boolean>;
    declare public readonly keyName: pulumi.Output<string>;
    declare public readonly keyPairId: pulumi.Output<string>;
    /** Generated private key (only when `publicKey` is unset). Not secret by default. */
    declare public /*out*/ readonly privateKey: pulumi.Output<string>;
    declare public readonly projectId: pulumi.Output<number | undefined>;
    declare public readonly publicKey: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;

    constructor(name: string, args: KeyPairArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: KeyPairArgs | KeyPairState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(KeyPair.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface KeyPairArgs {
    /** Stop bound instances to change the key's bindings (they must be stopped otherwise). */
    forceStop?: pulumi.Input<boolean>;
    /** 1-25 characters of `[A-Za-z0-9_]` (no hyphens). Not auto-named. */
    keyName: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    keyPairId?: pulumi.Input<string>;
    /** @default 0 (ForceNew) */
    projectId?: pulumi.Input<number>;
    /**
     * Public key to import; Tencent generates one when unset. ForceNew: with a fixed `keyName`
     * the replacement (created before the old one is deleted) collides with it.
     */
    publicKey?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface KeyPairState extends Partial<KeyPairArgs> {
    createdTime?: pulumi.Input<string>;
    privateKey?: pulumi.Input<string>;
}
