import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["acl", "bucket", "cosBucketId", "encryptionAlgorithm", "forceClean", "kmsId", "lifecycleRules",
        "logEnable", "logPrefix", "logTargetBucket", "multiAz", "objectLockConfiguration", "replicaRole", "replicaRules", "tags", "versioningEnable"],
    outputs: ["cosBucketUrl"],
    required: ["bucket"],
};

/** A COS bucket (`tencentcloud_cos_bucket`); its `id` is the bucket name. */
export class CosBucket extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: CosBucketState, opts?: pulumi.CustomResourceOptions): CosBucket {
        return new CosBucket(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/cosBucket:CosBucket";
    public static isInstance(obj: any): obj is CosBucket {
        return utilities.isInstance(obj, CosBucket.__pulumiType);
    }

    declare public readonly acl: pulumi.Output<string | undefined>;
    declare public readonly bucket: pulumi.Output<string>;
    declare public readonly cosBucketId: pulumi.Output<string>;
    declare public /*out*/ readonly cosBucketUrl: pulumi.Output<string>;
    declare public readonly encryptionAlgorithm: pulumi.Output<string | undefined>;
    declare public readonly forceClean: pulumi.Output<boolean | undefined>;
    declare public readonly kmsId: pulumi.Output<string | undefined>;
    declare public readonly lifecycleRules: pulumi.Output<outputs.CosBucketLifecycleRule[] | undefined>;
    declare public readonly logEnable: pulumi.Output<boolean | undefined>;
    declare public readonly logPrefix: pulumi.Output<string>;
    declare public readonly logTargetBucket: pulumi.Output<string>;
    declare public readonly multiAz: pulumi.Output<boolean | undefined>;
    declare public readonly objectLockConfiguration: pulumi.Output<{ [key: string]: any } | undefined>;
    declare public readonly replicaRole: pulumi.Output<string | undefined>;
    declare public readonly replicaRules: pulumi.Output<outputs.CosBucketReplicaRule[] | undefined>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly versioningEnable: pulumi.Output<boolean | undefined>;

    constructor(name: string, args: CosBucketArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: CosBucketArgs | CosBucketState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(CosBucket.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface CosBucketArgs {
    /** private, public-read or public-read-write. @default private */
    acl?: pulumi.Input<string>;
    /** `<name>-<10-digit appid>`, at most 60 characters (`getUserInfo().appId`). ForceNew. */
    bucket: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    cosBucketId?: pulumi.Input<string>;
    /** AES256, KMS or SM4. */
    encryptionAlgorithm?: pulumi.Input<string>;
    /** Empty the bucket on delete. @default false */
    forceClean?: pulumi.Input<boolean>;
    kmsId?: pulumi.Input<string>;
    lifecycleRules?: pulumi.Input<pulumi.Input<inputs.CosBucketLifecycleRule>[]>;
    logEnable?: pulumi.Input<boolean>;
    logPrefix?: pulumi.Input<string>;
    logTargetBucket?: pulumi.Input<string>;
    /** ForceNew. */
    multiAz?: pulumi.Input<boolean>;
    /** Cannot be disabled once enabled. Its sub-fields are not in the fact sheet (UNVERIFIED), so it is untyped. */
    objectLockConfiguration?: pulumi.Input<{ [key: string]: any }>;
    /**
     * Who replicates (`replica_role`): the request initiator `qcs::cam::uin/<owner uin>:uin/<uin>`,
     * not a CAM role. Needs `replicaRules` and `versioningEnable` (RequiredWith); in place.
     */
    replicaRole?: pulumi.Input<string>;
    /** Cross-region replication rules (`replica_rules`); needs `replicaRole` and versioning on both buckets; in place. */
    replicaRules?: pulumi.Input<pulumi.Input<inputs.CosBucketReplicaRule>[]>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** @default false */
    versioningEnable?: pulumi.Input<boolean>;
}

export interface CosBucketState extends Partial<CosBucketArgs> {
    cosBucketUrl?: pulumi.Input<string>;
}
