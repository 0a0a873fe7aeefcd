// Nested output types (see input.ts about their names).

export interface ProviderAssumeRole {
    roleArn: string;
    sessionName: string;
    sessionDuration?: number;
    policy?: string;
    externalId?: string;
}

export interface InstanceDataDisk {
    dataDiskType: string;
    dataDiskSize: number;
    dataDiskName: string;
    dataDiskSnapshotId: string;
    dataDiskId: string;
    deleteWithInstance?: boolean;
    deleteWithInstancePrepaid?: boolean;
    encrypt?: boolean;
    kmsKeyId: string;
    throughputPerformance?: number;
}

export interface InstanceCpuTopology {
    coreCount: number;
    threadPerCore: number;
}

export interface SecurityGroupRuleSetRule {
    action: string;
    cidrBlock?: string;
    ipv6CidrBlock?: string;
    sourceSecurityId?: string;
    addressTemplateId?: string;
    addressTemplateGroup?: string;
    protocol: string;
    port: string;
    serviceTemplateId?: string;
    serviceTemplateGroup?: string;
    description?: string;
    /** Position of the rule in the set (output only). */
    policyIndex: number;
}
export interface SecurityGroupRuleSetIngress extends SecurityGroupRuleSetRule {}
export interface SecurityGroupRuleSetEgress extends SecurityGroupRuleSetRule {}

export interface ClbAttachmentTarget {
    instanceId?: string;
    eniIp?: string;
    port: number;
    weight?: number;
}

export interface ClbInstanceSnatIp {
    ip: string;
    subnetId: string;
}

export interface CosBucketLifecycleRule {
    id: string;
    filterPrefix: string;
    transitions?: CosBucketLifecycleRuleTransition[];
    expiration?: CosBucketLifecycleRuleExpiration;
    nonCurrentTransitions?: CosBucketLifecycleRuleNonCurrentTransition[];
    nonCurrentExpiration?: CosBucketLifecycleRuleNonCurrentExpiration;
    abortIncompleteMultipartUpload?: CosBucketLifecycleRuleAbortIncompleteMultipartUpload;
}
export interface CosBucketLifecycleRuleTransition {
    date?: string;
    days?: number;
    storageClass: string;
}
export interface CosBucketLifecycleRuleExpiration {
    date?: string;
    days?: number;
    deleteMarker?: boolean;
}
export interface CosBucketLifecycleRuleNonCurrentTransition {
    nonCurrentDays?: number;
    storageClass: string;
}
export interface CosBucketLifecycleRuleNonCurrentExpiration {
    nonCurrentDays?: number;
}
export interface CosBucketLifecycleRuleAbortIncompleteMultipartUpload {
    daysAfterInitiation: number;
}

/** One image returned by `getImages`. */
export interface GetImagesImage {
    imageId: string;
    imageName: string;
    osName: string;
    imageType: string;
    architecture: string;
    platform: string;
    imageState: string;
    imageSize: number;
    createdTime: string;
    supportCloudInit: boolean;
    /** Snapshot records; their fields are not in the fact sheet (UNVERIFIED), so they stay untyped. */
    snapshots: { [key: string]: any }[];
}

/** One instance type returned by `getInstanceTypes`. Only the fields the fact sheet lists. */
export interface GetInstanceTypesInstanceType {
    instanceType: string;
    availabilityZone: string;
    cpuCoreCount: number;
    memorySize: number;
    family: string;
    instanceChargeType: string;
    status: string;
    statusCategory: string;
    typeName: string;
    networkCard: number;
    instanceBandwidth: number;
    /** Disk offerings; fields UNVERIFIED (the fact sheet lists `cbsConfigs[].available` only). */
    cbsConfigs: { [key: string]: any }[];
    /** Price records; fields UNVERIFIED. */
    prices: { [key: string]: any }[];
}

/** One zone returned by `getAvailabilityZonesByProduct`. */
export interface GetAvailabilityZonesByProductZone {
    id: string;
    /** For example `ap-guangzhou-3`. */
    name: string;
    description: string;
    /** AVAILABLE or UNAVAILABLE. */
    state: string;
}

export interface CosBucketReplicaRule {
    id?: string;
    status: string;
    prefix?: string;
    destinationBucket: string;
    destinationStorageClass?: string;
}
