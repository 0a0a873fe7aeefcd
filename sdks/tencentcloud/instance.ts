import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: [
        "allocatePublicIp", "availabilityZone", "bandwidthPackageId", "camRoleName", "cpuTopology", "dataDisks",
        "disableApiTermination", "disableAutomationService", "disableMonitorService", "disableSecurityService",
        "disasterRecoverGroupIds", "forceDelete", "forceReplacePlacementGroupId", "hostname", "imageId",
        "instanceChargeType", "instanceChargeTypePrepaidPeriod", "instanceChargeTypePrepaidRenewFlag", "instanceId",
        "instanceName", "instanceType", "internetChargeType", "internetMaxBandwidthOut", "keepImageLogin", "keyIds",
        "orderlySecurityGroups", "partitionNumber", "password", "placementGroupId", "privateIp", "projectId",
        "runningFlag", "spotInstanceType", "spotMaxPrice", "stopType", "stoppedMode", "subnetId", "systemDiskEncrypt",
        "systemDiskKmsKeyId", "systemDiskName", "systemDiskResizeOnline", "systemDiskSize", "systemDiskType", "tags",
        "userData", "userDataRaw", "userDataReplaceOnChange", "vpcId",
    ],
    outputs: [
        "cpu", "createTime", "expiredTime", "instanceStatus", "ipv6Addresses", "memory", "osName", "publicIp",
        "publicIpv6Addresses", "rackId", "uuid",
    ],
    secrets: ["password"],
};

/**
 * A CVM instance (`tencentcloud_instance`). Create timeout in the provider: 15 minutes.
 * Changing `imageId` reinstalls the OS in place; changing `userData` is applied in place
 * (next boot) unless `userDataReplaceOnChange` is set.
 */
export class Instance extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: InstanceState, opts?: pulumi.CustomResourceOptions): Instance {
        return new Instance(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/instance:Instance";
    public static isInstance(obj: any): obj is Instance {
        return utilities.isInstance(obj, Instance.__pulumiType);
    }

    declare public readonly allocatePublicIp: pulumi.Output<boolean | undefined>;
    declare public readonly availabilityZone: pulumi.Output<string>;
    declare public readonly bandwidthPackageId: pulumi.Output<string | undefined>;
    declare public readonly camRoleName: pulumi.Output<string>;
    declare public /*out*/ readonly cpu: pulumi.Output<number>;
    declare public readonly cpuTopology: pulumi.Output<outputs.InstanceCpuTopology>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    declare public readonly dataDisks: pulumi.Output<outputs.InstanceDataDisk[]>;
    declare public readonly disableApiTermination: pulumi.Output<boolean>;
    declare public readonly disableAutomationService: pulumi.Output<boolean | undefined>;
    declare public readonly disableMonitorService: pulumi.Output<boolean | undefined>;
    declare public readonly disableSecurityService: pulumi.Output<boolean | undefined>;
    declare public readonly disasterRecoverGroupIds: pulumi.Output<string[]>;
    declare public /*out*/ readonly expiredTime: pulumi.Output<string>;
    declare public readonly forceDelete: pulumi.Output<boolean | undefined>;
    declare public readonly forceReplacePlacementGroupId: pulumi.Output<boolean | undefined>;
    declare public readonly hostname: pulumi.Output<string>;
    declare public readonly imageId: pulumi.Output<string>;
    declare public readonly instanceChargeType: pulumi.Output<string>;
    declare public readonly instanceChargeTypePrepaidPeriod: pulumi.Output<number | undefined>;
    declare public readonly instanceChargeTypePrepaidRenewFlag: pulumi.Output<string | undefined>;
    declare public readonly instanceId: pulumi.Output<string>;
    declare public readonly instanceName: pulumi.Output<string>;
    declare public /*out*/ readonly instanceStatus: pulumi.Output<string>;
    declare public readonly instanceType: pulumi.Output<string>;
    declare public readonly internetChargeType: pulumi.Output<string>;
    declare public readonly internetMaxBandwidthOut: pulumi.Output<number>;
    declare public /*out*/ readonly ipv6Addresses: pulumi.Output<string[]>;
    declare public readonly keepImageLogin: pulumi.Output<boolean>;
    declare public readonly keyIds: pulumi.Output<string[]>;
    declare public /*out*/ readonly memory: pulumi.Output<number>;
    declare public readonly orderlySecurityGroups: pulumi.Output<string[]>;
    declare public /*out*/ readonly osName: pulumi.Output<string>;
    declare public readonly partitionNumber: pulumi.Output<number | undefined>;
    /** Login password (secret). */
    declare public readonly password: pulumi.Output<string | undefined>;
    declare public readonly placementGroupId: pulumi.Output<string>;
    declare public readonly privateIp: pulumi.Output<string>;
    declare public readonly projectId: pulumi.Output<number>;
    declare public /*out*/ readonly publicIp: pulumi.Output<string>;
    declare public /*out*/ readonly publicIpv6Addresses: pulumi.Output<string[]>;
    declare public /*out*/ readonly rackId: pulumi.Output<string>;
    declare public readonly runningFlag: pulumi.Output<boolean>;
    declare public readonly spotInstanceType: pulumi.Output<string | undefined>;
    declare public readonly spotMaxPrice: pulumi.Output<string | undefined>;
    declare public readonly stopType: pulumi.Output<string | undefined>;
    declare public readonly stoppedMode: pulumi.Output<string | undefined>;
    declare public readonly subnetId: pulumi.Output<string>;
    declare public readonly systemDiskEncrypt: pulumi.Output<boolean>;
    declare public readonly systemDiskKmsKeyId: pulumi.Output<string>;
    declare public readonly systemDiskName: pulumi.Output<string>;
    declare public readonly systemDiskResizeOnline: pulumi.Output<boolean | undefined>;
    declare public readonly systemDiskSize: pulumi.Output<number>;
    declare public readonly systemDiskType: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string }>;
    declare public readonly userData: pulumi.Output<string>;
    declare public readonly userDataRaw: pulumi.Output<string>;
    declare public readonly userDataReplaceOnChange: pulumi.Output<boolean | undefined>;
    declare public /*out*/ readonly uuid: pulumi.Output<string>;
    declare public readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args?: InstanceArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: InstanceArgs | InstanceState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(Instance.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface InstanceArgs {
    /** Give the instance a public IP. ForceNew. @default false */
    allocatePublicIp?: pulumi.Input<boolean>;
    /** Zone, e.g. `ap-guangzhou-3`. ForceNew. */
    availabilityZone?: pulumi.Input<string>;
    bandwidthPackageId?: pulumi.Input<string>;
    /** CAM role the instance assumes. */
    camRoleName?: pulumi.Input<string>;
    /** ForceNew. */
    cpuTopology?: pulumi.Input<inputs.InstanceCpuTopology>;
    /** Data disks created with the instance. ForceNew on the number of disks only (see InstanceDataDisk). */
    dataDisks?: pulumi.Input<pulumi.Input<inputs.InstanceDataDisk>[]>;
    /** Termination protection; must be false before destroy. @default false */
    disableApiTermination?: pulumi.Input<boolean>;
    disableAutomationService?: pulumi.Input<boolean>;
    disableMonitorService?: pulumi.Input<boolean>;
    disableSecurityService?: pulumi.Input<boolean>;
    /** Up to 3 placement groups; overrides `placementGroupId` when set. */
    disasterRecoverGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** PREPAID only. @default false */
    forceDelete?: pulumi.Input<boolean>;
    /** Allow a host move and restart when the placement group changes; without it a move stays on the current host and may fail. */
    forceReplacePlacementGroupId?: pulumi.Input<boolean>;
    /** Linux: 2-60 characters, dots allowed. A change restarts the instance. */
    hostname?: pulumi.Input<string>;
    /** Image id (`img-…`). A change reinstalls the OS in place. */
    imageId?: pulumi.Input<string>;
    /** PREPAID, POSTPAID_BY_HOUR, SPOTPAID, CDHPAID or CDCPAID. @default POSTPAID_BY_HOUR */
    instanceChargeType?: pulumi.Input<string>;
    /** Months: 1-12, 24, 36, 48 or 60. */
    instanceChargeTypePrepaidPeriod?: pulumi.Input<number>;
    instanceChargeTypePrepaidRenewFlag?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    instanceId?: pulumi.Input<string>;
    /** Display name, 2-128 characters. @default Terraform-CVM-Instance (always set it) */
    instanceName?: pulumi.Input<string>;
    /** Instance type such as `S5.LARGE8`; a change resizes with a restart. */
    instanceType?: pulumi.Input<string>;
    /** BANDWIDTH_PREPAID, TRAFFIC_POSTPAID_BY_HOUR, BANDWIDTH_POSTPAID_BY_HOUR or BANDWIDTH_PACKAGE. */
    internetChargeType?: pulumi.Input<string>;
    /** Public bandwidth in Mbps. */
    internetMaxBandwidthOut?: pulumi.Input<number>;
    keepImageLogin?: pulumi.Input<boolean>;
    /** Key pair ids (`skey-…`); conflicts with `password`. A change binds/unbinds keys, which Tencent allows only on a STOPPED instance (resource_tc_instance.go L2278-2310). */
    keyIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Ordered security group ids. */
    orderlySecurityGroups?: pulumi.Input<pulumi.Input<string>[]>;
    /** 1-30, PARTITION groups only. */
    partitionNumber?: pulumi.Input<number>;
    /** Login password; sent as a secret. */
    password?: pulumi.Input<string>;
    /** Spread placement group: a change moves the instance in place (no restart, may fail); unsetting it does nothing (L2536-2610). */
    placementGroupId?: pulumi.Input<string>;
    /** Fixed private IP inside the subnet. */
    privateIp?: pulumi.Input<string>;
    /** @default 0 */
    projectId?: pulumi.Input<number>;
    /** @default true */
    runningFlag?: pulumi.Input<boolean>;
    /** ONE-TIME. */
    spotInstanceType?: pulumi.Input<string>;
    /** ForceNew. */
    spotMaxPrice?: pulumi.Input<string>;
    /** SOFT_FIRST, HARD or SOFT. */
    stopType?: pulumi.Input<string>;
    /** KEEP_CHARGING or STOP_CHARGING. */
    stoppedMode?: pulumi.Input<string>;
    /** A change migrates the instance (restart). */
    subnetId?: pulumi.Input<string>;
    /** ForceNew. */
    systemDiskEncrypt?: pulumi.Input<boolean>;
    /** ForceNew. */
    systemDiskKmsKeyId?: pulumi.Input<string>;
    systemDiskName?: pulumi.Input<string>;
    /**
     * Resize the system disk of a running instance online. Without it (or `forceStop`), a change
     * of `systemDiskSize` or `systemDiskType` on a running instance fails (ResizeInstanceDisks,
     * resource_tc_instance.go L2355-2405; cvm client.go L8966).
     */
    systemDiskResizeOnline?: pulumi.Input<boolean>;
    /** System disk size in GB; a change on a running instance needs `systemDiskResizeOnline`. @default 50 */
    systemDiskSize?: pulumi.Input<number>;
    /** LOCAL_BASIC, LOCAL_SSD, CLOUD_BASIC, CLOUD_SSD, CLOUD_PREMIUM, CLOUD_BSSD, CLOUD_HSSD or CLOUD_TSSD; a change on a running instance needs `systemDiskResizeOnline`. */
    systemDiskType?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Base64 user data, at most 16 KB; conflicts with `userDataRaw`. */
    userData?: pulumi.Input<string>;
    /** Plain-text user data (at most 16 KB after base64). */
    userDataRaw?: pulumi.Input<string>;
    /** Replace the instance when user data changes. @default false */
    userDataReplaceOnChange?: pulumi.Input<boolean>;
    /** A change migrates the instance (restart). */
    vpcId?: pulumi.Input<string>;
}

export interface InstanceState extends InstanceArgs {
    cpu?: pulumi.Input<number>;
    createTime?: pulumi.Input<string>;
    expiredTime?: pulumi.Input<string>;
    instanceStatus?: pulumi.Input<string>;
    ipv6Addresses?: pulumi.Input<pulumi.Input<string>[]>;
    memory?: pulumi.Input<number>;
    osName?: pulumi.Input<string>;
    publicIp?: pulumi.Input<string>;
    publicIpv6Addresses?: pulumi.Input<pulumi.Input<string>[]>;
    rackId?: pulumi.Input<string>;
    uuid?: pulumi.Input<string>;
}
