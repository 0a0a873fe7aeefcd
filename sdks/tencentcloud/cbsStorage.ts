import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["availabilityZone", "burstPerformance", "cbsStorageId", "chargeType", "diskBackupQuota", "encrypt",
        "encryptType", "forceDelete", "kmsKeyId", "prepaidPeriod", "prepaidRenewFlag", "projectId", "snapshotId",
        "storageName", "storageSize", "storageType", "tags", "throughputPerformance"],
    outputs: ["attached", "storageStatus"],
    required: ["availabilityZone", "storageName", "storageSize", "storageType"],
};

/**
 * A cloud block storage disk (`tencentcloud_cbs_storage`). With a `CbsStorageAttachment` it
 * survives replacement of the instance it is attached to.
 */
export class CbsStorage extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: CbsStorageState, opts?: pulumi.CustomResourceOptions): CbsStorage {
        return new CbsStorage(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/cbsStorage:CbsStorage";
    public static isInstance(obj: any): obj is CbsStorage {
        return utilities.isInstance(obj, CbsStorage.__pulumiType);
    }

    declare public /*out*/ readonly attached: pulumi.Output<boolean>;
    declare public readonly availabilityZone: pulumi.Output<string>;
    declare public readonly burstPerformance: pulumi.Output<boolean>;
    declare public readonly cbsStorageId: pulumi.Output<string>;
    declare public readonly chargeType: pulumi.Output<string | undefined>;
    declare public readonly diskBackupQuota: pulumi.Output<number>;
    declare public readonly encrypt: pulumi.Output<boolean | undefined>;
    declare public readonly encryptType: pulumi.Output<string>;
    declare public readonly forceDelete: pulumi.Output<boolean | undefined>;
    declare public readonly kmsKeyId: pulumi.Output<string>;
    declare public readonly prepaidPeriod: pulumi.Output<number>;
    declare public readonly prepaidRenewFlag: pulumi.Output<string>;
    declare public readonly projectId: pulumi.Output<number | undefined>;
    declare public readonly snapshotId: pulumi.Output<string>;
    declare public /*out*/ readonly storageStatus: pulumi.Output<string>;
    declare public readonly storageName: pulumi.Output<string>;
    declare public readonly storageSize: pulumi.Output<number>;
    declare public readonly storageType: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly throughputPerformance: pulumi.Output<number | undefined>;

    constructor(name: string, args: CbsStorageArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: CbsStorageArgs | CbsStorageState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(CbsStorage.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface CbsStorageArgs {
    /** Must match the instance's zone. ForceNew. */
    availabilityZone: pulumi.Input<string>;
    burstPerformance?: pulumi.Input<boolean>;
    /** Unused optional input that mirrors `id`. */
    cbsStorageId?: pulumi.Input<string>;
    /** POSTPAID_BY_HOUR, PREPAID, CDCPAID or DEDICATED_CLUSTER_PAID. @default POSTPAID_BY_HOUR */
    chargeType?: pulumi.Input<string>;
    diskBackupQuota?: pulumi.Input<number>;
    /** ForceNew. */
    encrypt?: pulumi.Input<boolean>;
    /** ForceNew. */
    encryptType?: pulumi.Input<string>;
    /** Delete for good instead of moving to the recycle bin. @default false */
    forceDelete?: pulumi.Input<boolean>;
    /** ForceNew. */
    kmsKeyId?: pulumi.Input<string>;
    prepaidPeriod?: pulumi.Input<number>;
    prepaidRenewFlag?: pulumi.Input<string>;
    projectId?: pulumi.Input<number>;
    snapshotId?: pulumi.Input<string>;
    /** 2-60 characters. Not auto-named. */
    storageName: pulumi.Input<string>;
    /** Size in GB (grow only). */
    storageSize: pulumi.Input<number>;
    /** CLOUD_BASIC, CLOUD_PREMIUM, CLOUD_BSSD, CLOUD_SSD, CLOUD_HSSD or CLOUD_TSSD. */
    storageType: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Extra throughput in MB/s; CLOUD_HSSD/CLOUD_TSSD only. @default 0 */
    throughputPerformance?: pulumi.Input<number>;
}

export interface CbsStorageState extends Partial<CbsStorageArgs> {
    attached?: pulumi.Input<boolean>;
    storageStatus?: pulumi.Input<string>;
}
