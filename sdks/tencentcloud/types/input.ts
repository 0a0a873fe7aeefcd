// Nested input types. Names follow the bridge's rule (resource name + singular property name);
// the exact generated names are UNVERIFIED (fact sheet §3 rule 6) but they never reach the wire.

import * as pulumi from "@pulumi/pulumi";

/** Assume-role settings of the provider (`assume_role`, MaxItems 1). */
export interface ProviderAssumeRole {
    /** ARN of the CAM role to assume. */
    roleArn: pulumi.Input<string>;
    /** Session name recorded in CloudAudit. */
    sessionName: pulumi.Input<string>;
    /** Session duration in seconds, 0-43200. @default 7200 */
    sessionDuration?: pulumi.Input<number>;
    /** Extra policy that narrows the role's permissions. */
    policy?: pulumi.Input<string>;
    /** External id required by the role's trust policy. */
    externalId?: pulumi.Input<string>;
}

/**
 * One data disk created with the instance (`data_disks`). The list is ForceNew on its length
 * only (resource_tc_instance.go L354): adding or removing a disk replaces the instance; the
 * fields marked ForceNew replace it too; size and name are updated in place (ResizeDisk,
 * ModifyDiskAttributes, L2313-2345).
 */
export interface InstanceDataDisk {
    /** LOCAL_*, CLOUD_BASIC, CLOUD_PREMIUM, CLOUD_SSD, CLOUD_HSSD, CLOUD_TSSD or CLOUD_BSSD. ForceNew. */
    dataDiskType: pulumi.Input<string>;
    /** Size in GB. Updated in place (grow only). */
    dataDiskSize: pulumi.Input<number>;
    /** Updated in place. */
    dataDiskName?: pulumi.Input<string>;
    /** ForceNew. */
    dataDiskSnapshotId?: pulumi.Input<string>;
    dataDiskId?: pulumi.Input<string>;
    /** @default true (ForceNew) */
    deleteWithInstance?: pulumi.Input<boolean>;
    /** @default false (ForceNew) */
    deleteWithInstancePrepaid?: pulumi.Input<boolean>;
    /** @default false (ForceNew) */
    encrypt?: pulumi.Input<boolean>;
    /** ForceNew. */
    kmsKeyId?: pulumi.Input<string>;
    /** Extra throughput, MB/s; CLOUD_HSSD/CLOUD_TSSD only. @default 0 (ForceNew) */
    throughputPerformance?: pulumi.Input<number>;
}

/** CPU topology (`cpu_topology`, MaxItems 1). ForceNew. */
export interface InstanceCpuTopology {
    coreCount?: pulumi.Input<number>;
    threadPerCore?: pulumi.Input<number>;
}

/** Fields shared by ingress and egress rules of a rule set. Set exactly one source/destination. */
export interface SecurityGroupRuleSetRule {
    /** ACCEPT or DROP (case-insensitive). */
    action: pulumi.Input<string>;
    cidrBlock?: pulumi.Input<string>;
    ipv6CidrBlock?: pulumi.Input<string>;
    sourceSecurityId?: pulumi.Input<string>;
    addressTemplateId?: pulumi.Input<string>;
    addressTemplateGroup?: pulumi.Input<string>;
    /** TCP, UDP, ICMP, ICMPv6 or ALL. @default ALL */
    protocol?: pulumi.Input<string>;
    /** `all`, `80`, `80,90` or `80-90`; must be `all` when protocol is ALL. */
    port?: pulumi.Input<string>;
    serviceTemplateId?: pulumi.Input<string>;
    serviceTemplateGroup?: pulumi.Input<string>;
    description?: pulumi.Input<string>;
}
/** An ingress rule (`ingress` → `ingresses`). */
export interface SecurityGroupRuleSetIngress extends SecurityGroupRuleSetRule {}
/** An egress rule (`egress` → `egresses`). */
export interface SecurityGroupRuleSetEgress extends SecurityGroupRuleSetRule {}

/** A backend of a CLB listener. Set `instanceId` or `eniIp`. */
export interface ClbAttachmentTarget {
    /** CVM instance id. @default "" */
    instanceId?: pulumi.Input<string>;
    /** ENI IP address. @default "" */
    eniIp?: pulumi.Input<string>;
    /** Backend port, 0-65535. */
    port: pulumi.Input<number>;
    /** 0-100. @default 10 */
    weight?: pulumi.Input<number>;
}

/** A SNAT IP of a CLB with cross-VPC backends (`snat_ips`). */
export interface ClbInstanceSnatIp {
    ip?: pulumi.Input<string>;
    subnetId: pulumi.Input<string>;
}

/** A lifecycle rule of a COS bucket (`lifecycle_rules`). */
export interface CosBucketLifecycleRule {
    id?: pulumi.Input<string>;
    /** Object key prefix the rule applies to. @default every object */
    filterPrefix?: pulumi.Input<string>;
    transitions?: pulumi.Input<pulumi.Input<CosBucketLifecycleRuleTransition>[]>;
    expiration?: pulumi.Input<CosBucketLifecycleRuleExpiration>;
    nonCurrentTransitions?: pulumi.Input<pulumi.Input<CosBucketLifecycleRuleNonCurrentTransition>[]>;
    nonCurrentExpiration?: pulumi.Input<CosBucketLifecycleRuleNonCurrentExpiration>;
    abortIncompleteMultipartUpload?: pulumi.Input<CosBucketLifecycleRuleAbortIncompleteMultipartUpload>;
}
export interface CosBucketLifecycleRuleTransition {
    date?: pulumi.Input<string>;
    days?: pulumi.Input<number>;
    storageClass: pulumi.Input<string>;
}
export interface CosBucketLifecycleRuleExpiration {
    date?: pulumi.Input<string>;
    days?: pulumi.Input<number>;
    deleteMarker?: pulumi.Input<boolean>;
}
/** Sub-fields read from resource_tc_cos_bucket.go (the fact sheet names only the list). */
export interface CosBucketLifecycleRuleNonCurrentTransition {
    nonCurrentDays?: pulumi.Input<number>;
    storageClass: pulumi.Input<string>;
}
export interface CosBucketLifecycleRuleNonCurrentExpiration {
    nonCurrentDays?: pulumi.Input<number>;
}
export interface CosBucketLifecycleRuleAbortIncompleteMultipartUpload {
    daysAfterInitiation: pulumi.Input<number>;
}

/** A filter of `getInstanceTypes` (names: zone, instance-family, instance-type, instance-charge-type, sort-keys). */
export interface GetInstanceTypesFilter {
    name: string;
    values: string[];
}
export interface GetInstanceTypesFilterArgs {
    name: pulumi.Input<string>;
    values: pulumi.Input<pulumi.Input<string>[]>;
}
/** Disk filter of `getInstanceTypes` (`cbs_filter`, MaxItems 1). */
export interface GetInstanceTypesCbsFilter {
    diskTypes?: string[];
    diskChargeType?: string;
    diskUsage?: string;
}
export interface GetInstanceTypesCbsFilterArgs {
    diskTypes?: pulumi.Input<pulumi.Input<string>[]>;
    diskChargeType?: pulumi.Input<string>;
    diskUsage?: pulumi.Input<string>;
}

/** One `replica_rules` entry of resource_tc_cos_bucket.go. */
export interface CosBucketReplicaRule {
    id?: pulumi.Input<string>;
    /** `Enabled` or `Disabled`. */
    status: pulumi.Input<string>;
    /** Object key prefix replicated; empty for every object. Rules' prefixes may not overlap. */
    prefix?: pulumi.Input<string>;
    /** `qcs::cos:<region>::<bucketname-appid>`; the destination must be versioned. */
    destinationBucket: pulumi.Input<string>;
    /** STANDARD, INTELLIGENT_TIERING or STANDARD_IA. @default the destination's class */
    destinationStorageClass?: pulumi.Input<string>;
}
