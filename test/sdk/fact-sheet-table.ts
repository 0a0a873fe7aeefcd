// The expected wire contract of the hand-written `@pulumi/tencentcloud` subset, copied by hand
// from the provider fact sheet (tencentcloud-provider.md §3-§6) so a reviewer can diff the two.
// Keys are the camelCase Pulumi names. Every resource also has the bridge's `<resource>Id`
// input (§3 rule 5), listed under `inputs`. Outputs are the output-only keys.

export interface ResourceRow {
    /** Exported class name. */
    readonly cls: string;
    /** Type token (§4). */
    readonly token: string;
    /** Every input key (§5). */
    readonly inputs: readonly string[];
    /** Output-only keys (§5 "Outputs"). */
    readonly outputs: readonly string[];
    /** Inputs that are required (R, and not auto-named). */
    readonly required: readonly string[];
    /** Sensitive inputs (sent as secrets and declared as additional secret outputs). */
    readonly secrets?: readonly string[];
}

export const RESOURCES: readonly ResourceRow[] = [
    {
        cls: "Vpc", token: "tencentcloud:index/vpc:Vpc", // §5.1
        inputs: ["name", "cidrBlock", "dnsServers", "isMulticast", "assistantCidrs", "enableRouteVpcPublish",
            "enableRouteVpcPublishIpv6", "tags", "vpcId"],
        outputs: ["isDefault", "createTime", "defaultRouteTableId", "dockerAssistantCidrs"],
        required: ["cidrBlock"],
    },
    {
        cls: "Subnet", token: "tencentcloud:index/subnet:Subnet", // §5.2
        inputs: ["vpcId", "availabilityZone", "name", "cidrBlock", "routeTableId", "isMulticast", "cdcId", "tags",
            "subnetId"],
        outputs: ["isDefault", "availableIpCount", "createTime"],
        required: ["vpcId", "availabilityZone", "cidrBlock"],
    },
    {
        cls: "SecurityGroup", token: "tencentcloud:index/securityGroup:SecurityGroup", // §5.3
        inputs: ["name", "description", "projectId", "tags", "securityGroupId"],
        outputs: [],
        required: [],
    },
    {
        cls: "SecurityGroupRuleSet", token: "tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet", // §5.4
        inputs: ["securityGroupId", "ingresses", "egresses", "securityGroupRuleSetId"],
        outputs: ["version"],
        required: ["securityGroupId"],
    },
    {
        cls: "PlacementGroup", token: "tencentcloud:index/placementGroup:PlacementGroup", // §5.6
        inputs: ["name", "type", "strategy", "affinity", "partitionCount", "tags", "placementGroupId"],
        outputs: ["cvmQuotaTotal", "currentNum", "createTime"],
        required: ["type"],
    },
    {
        cls: "Instance", token: "tencentcloud:index/instance:Instance", // §5.7
        inputs: ["imageId", "availabilityZone", "instanceType", "instanceName", "hostname", "projectId",
            "placementGroupId", "disasterRecoverGroupIds", "forceReplacePlacementGroupId", "partitionNumber",
            "vpcId", "subnetId", "privateIp", "orderlySecurityGroups", "keyIds", "password", "keepImageLogin",
            "userData", "userDataRaw", "userDataReplaceOnChange", "allocatePublicIp", "internetMaxBandwidthOut",
            "internetChargeType", "bandwidthPackageId", "instanceChargeType", "instanceChargeTypePrepaidPeriod",
            "instanceChargeTypePrepaidRenewFlag", "spotInstanceType", "spotMaxPrice", "systemDiskType",
            "systemDiskSize", "systemDiskName", "systemDiskEncrypt", "systemDiskKmsKeyId", "systemDiskResizeOnline",
            "dataDisks", "disableApiTermination", "disableSecurityService", "disableMonitorService",
            "disableAutomationService", "runningFlag", "stopType", "stoppedMode", "forceDelete", "camRoleName",
            "cpuTopology", "tags", "instanceId"],
        outputs: ["publicIp", "instanceStatus", "uuid", "createTime", "expiredTime", "cpu", "memory", "osName",
            "rackId", "ipv6Addresses", "publicIpv6Addresses"],
        required: [],
        secrets: ["password"],
    },
    {
        cls: "KeyPair", token: "tencentcloud:index/keyPair:KeyPair", // §5.8
        inputs: ["keyName", "publicKey", "projectId", "forceStop", "tags", "keyPairId"],
        outputs: ["privateKey", "createdTime"],
        required: ["keyName"],
    },
    {
        cls: "Eip", token: "tencentcloud:index/eip:Eip", // §5.9
        inputs: ["name", "type", "internetChargeType", "internetMaxBandwidthOut", "internetServiceProvider",
            "bandwidthPackageId", "prepaidPeriod", "autoRenewFlag", "tags", "eipId"],
        outputs: ["publicIp", "status"],
        required: [],
    },
    {
        cls: "EipAssociation", token: "tencentcloud:index/eipAssociation:EipAssociation", // §5.10
        inputs: ["eipId", "instanceId", "networkInterfaceId", "privateIp", "eipAssociationId"],
        outputs: [],
        required: ["eipId"],
    },
    {
        cls: "HaVip", token: "tencentcloud:index/haVip:HaVip", // §5.11
        inputs: ["name", "vpcId", "subnetId", "vip", "checkAssociate", "haVipId"],
        outputs: ["state", "instanceId", "networkInterfaceId", "addressIp", "createTime"],
        required: ["vpcId", "subnetId"],
    },
    {
        cls: "HaVipEipAttachment", token: "tencentcloud:index/haVipEipAttachment:HaVipEipAttachment", // §5.11
        inputs: ["havipId", "addressIp", "haVipEipAttachmentId"],
        outputs: [],
        required: ["havipId", "addressIp"],
    },
    {
        // Not in the fact sheet: the audit (audit-provider.md §3 item 4, §5): provider.go L1518, resource L17-45.
        cls: "HaVipInstanceAttachment", token: "tencentcloud:index/haVipInstanceAttachment:HaVipInstanceAttachment",
        inputs: ["instanceId", "haVipId", "instanceType", "haVipInstanceAttachmentId"],
        outputs: [],
        required: ["instanceId"],
    },
    {
        cls: "ClbInstance", token: "tencentcloud:index/clbInstance:ClbInstance", // §5.12
        inputs: ["networkType", "clbName", "vpcId", "subnetId", "vip", "projectId", "securityGroups",
            "loadBalancerPassToTarget", "addressIpVersion", "internetChargeType", "internetBandwidthMaxOut",
            "bandwidthPackageId", "masterZoneId", "slaveZoneId", "zoneId", "slaType", "eipAddressId", "deleteProtect",
            "snatPro", "snatIps", "tags", "clbInstanceId"],
        outputs: ["clbVips", "domain", "addressIpv6", "ipv6Mode"],
        required: ["networkType", "clbName"],
    },
    {
        cls: "ClbListener", token: "tencentcloud:index/clbListener:ClbListener", // §5.13 (reschedule_* not itemised)
        inputs: ["clbId", "listenerName", "port", "protocol", "healthCheckSwitch", "healthCheckType",
            "healthCheckPort", "healthCheckTimeOut", "healthCheckIntervalTime", "healthCheckHealthNum",
            "healthCheckUnhealthNum", "healthCheckHttpPath", "healthCheckHttpDomain", "healthCheckHttpMethod",
            "healthCheckHttpVersion", "healthCheckHttpCode", "healthCheckContextType", "healthCheckSendContext",
            "healthCheckRecvContext", "healthSourceIpType", "scheduler", "sessionExpireTime", "targetType",
            "snatEnable", "deregisterTargetRst", "idleConnectTimeout", "clbListenerId"],
        outputs: ["listenerId"],
        required: ["clbId", "listenerName", "protocol"],
    },
    {
        cls: "ClbAttachment", token: "tencentcloud:index/clbAttachment:ClbAttachment", // §5.14
        inputs: ["clbId", "listenerId", "ruleId", "domain", "url", "targets", "clbAttachmentId"],
        outputs: ["protocolType"],
        required: ["clbId", "listenerId", "targets"],
    },
    {
        cls: "CbsStorage", token: "tencentcloud:index/cbsStorage:CbsStorage", // §5.15
        inputs: ["storageType", "storageSize", "availabilityZone", "storageName", "chargeType", "prepaidPeriod",
            "prepaidRenewFlag", "snapshotId", "encrypt", "kmsKeyId", "encryptType", "throughputPerformance",
            "burstPerformance", "diskBackupQuota", "forceDelete", "projectId", "tags", "cbsStorageId"],
        outputs: ["storageStatus", "attached"],
        required: ["storageType", "storageSize", "availabilityZone", "storageName"],
    },
    {
        cls: "CbsStorageAttachment", token: "tencentcloud:index/cbsStorageAttachment:CbsStorageAttachment", // §5.15
        inputs: ["storageId", "instanceId", "cbsStorageAttachmentId"],
        outputs: [],
        required: ["storageId", "instanceId"],
    },
    {
        cls: "CosBucket", token: "tencentcloud:index/cosBucket:CosBucket", // §5.16
        inputs: ["bucket", "acl", "versioningEnable", "lifecycleRules", "encryptionAlgorithm", "kmsId",
            "forceClean", "multiAz", "logEnable", "logTargetBucket", "logPrefix", "objectLockConfiguration", "tags",
            "cosBucketId"],
        outputs: ["cosBucketUrl"],
        required: ["bucket"],
    },
    // Not in the fact sheet (§4 names only the data source getUserInfo): the three CAM resources
    // the etcd backups need, read from terraform-provider-tencentcloud
    // tencentcloud/services/cam/resource_tc_cam_{role,policy,role_policy_attachment}.go and
    // named by the rules of §3 (token, camelCase, `<resource>Id`, auto-named `name`).
    {
        cls: "CamRole", token: "tencentcloud:index/camRole:CamRole",
        inputs: ["name", "document", "description", "consoleLogin", "sessionDuration", "tags", "camRoleId"],
        outputs: ["createTime", "updateTime", "roleArn"], // roleArn: audit-provider.md §3 item 8
        required: ["document"],
    },
    {
        cls: "CamPolicy", token: "tencentcloud:index/camPolicy:CamPolicy",
        inputs: ["name", "document", "description", "tags", "camPolicyId"],
        outputs: ["type", "createTime", "updateTime"],
        required: ["document"],
    },
    {
        cls: "CamRolePolicyAttachment", token: "tencentcloud:index/camRolePolicyAttachment:CamRolePolicyAttachment",
        inputs: ["roleId", "policyId", "camRolePolicyAttachmentId"],
        outputs: ["createMode", "policyType", "createTime", "policyName"],
        required: ["roleId", "policyId"],
    },
    {
        cls: "NatGateway", token: "tencentcloud:index/natGateway:NatGateway", // §5.17
        inputs: ["vpcId", "name", "assignedEipSets", "natProductVersion", "bandwidth", "maxConcurrent", "zone",
            "subnetId", "stockPublicIpAddressesBandwidthOut", "tags", "natGatewayId"],
        outputs: ["createdTime"],
        required: ["vpcId", "assignedEipSets"],
    },
    {
        cls: "RouteTable", token: "tencentcloud:index/routeTable:RouteTable", // §5.18
        inputs: ["vpcId", "name", "tags", "routeTableId"],
        outputs: ["subnetIds", "routeEntryIds", "isDefault", "createTime"],
        required: ["vpcId"],
    },
    {
        cls: "RouteTableEntry", token: "tencentcloud:index/routeTableEntry:RouteTableEntry", // §5.18
        inputs: ["routeTableId", "destinationCidrBlock", "nextType", "nextHub", "disabled", "description",
            "routeTableEntryId"],
        outputs: ["routeItemId", "routeEntryId"],
        required: ["routeTableId", "destinationCidrBlock", "nextType", "nextHub"],
    },
];

/** Provider (§2): type `pulumi:providers:tencentcloud`; lists and objects travel JSON-encoded. */
export const PROVIDER = {
    token: "pulumi:providers:tencentcloud",
    inputs: ["region", "secretId", "secretKey", "securityToken", "protocol", "domain", "cosDomain", "profile",
        "sharedCredentialsDir", "camRoleName", "assumeRole", "allowedAccountIds", "forbiddenAccountIds"],
    secrets: ["secretKey", "securityToken"],
    json: ["assumeRole", "allowedAccountIds", "forbiddenAccountIds"],
} as const;

export interface FunctionRow {
    /** Promise form; the Output form is `<fn>Output`. */
    readonly fn: string;
    readonly token: string;
    /** Every argument key (§6, plus the optional `id` of §3 rule 8). */
    readonly args: readonly string[];
}

export const FUNCTIONS: readonly FunctionRow[] = [
    {
        fn: "getImages", token: "tencentcloud:index/getImages:getImages",
        args: ["imageId", "imageTypes", "imageNameRegex", "osName", "instanceType", "resultOutputFile", "id"],
    },
    {
        fn: "getInstanceTypes", token: "tencentcloud:index/getInstanceTypes:getInstanceTypes",
        args: ["availabilityZone", "filters", "cpuCoreCount", "memorySize", "gpuCoreCount", "excludeSoldOut",
            "cbsFilter", "id"],
    },
    {
        fn: "getAvailabilityZonesByProduct",
        token: "tencentcloud:index/getAvailabilityZonesByProduct:getAvailabilityZonesByProduct",
        args: ["product", "name", "includeUnavailable", "id"],
    },
    {
        // §4 and §6; `resultOutputFile` from the provider's data_source_tc_user_info.go.
        fn: "getUserInfo", token: "tencentcloud:index/getUserInfo:getUserInfo",
        args: ["resultOutputFile", "id"],
    },
];

/** Package parameterization (§0, §1). */
export const PACKAGE = {
    baseProviderName: "terraform-provider",
    baseProviderVersion: "1.1.3",
    downloadUrl: "",
    packageName: "tencentcloud",
    packageVersion: "1.83.25",
    base64Parameter:
        "eyJyZW1vdGUiOnsidXJsIjoicmVnaXN0cnkub3BlbnRvZnUub3JnL3RlbmNlbnRjbG91ZHN0YWNrL3RlbmNlbnRjbG91ZCIsInZlcnNpb24iOiIxLjgzLjI1In19",
} as const;

/**
 * What the audit of the provider (audit-provider.md §3, §4) says each key's update does, which the
 * SDK's TSDoc must say too: `file` under sdks/tencentcloud, the interface, the key, and the words.
 */
export interface DocRow {
    readonly file: string;
    readonly iface: string;
    readonly key: string;
    readonly says: RegExp;
    readonly audit: string;
}

export const AUDIT_DOCS: readonly DocRow[] = [
    { file: "types/input.ts", iface: "InstanceDataDisk", key: "dataDiskSize", says: /in place/, audit: "§3.1: size updates in place (L2313-2345)" },
    { file: "types/input.ts", iface: "InstanceDataDisk", key: "dataDiskName", says: /in place/i, audit: "§3.1: name updates in place" },
    { file: "types/input.ts", iface: "InstanceDataDisk", key: "deleteWithInstancePrepaid", says: /ForceNew/, audit: "§3.2: ForceNew (L398)" },
    { file: "instance.ts", iface: "InstanceArgs", key: "dataDisks", says: /ForceNew on the number of disks only/, audit: "§3.1: ForceNew on the count only (L354)" },
    { file: "instance.ts", iface: "InstanceArgs", key: "systemDiskResizeOnline", says: /fails/, audit: "§4: a running CVM needs ResizeOnline or ForceStop (client.go L8966)" },
    { file: "instance.ts", iface: "InstanceArgs", key: "keyIds", says: /STOPPED/, audit: "§4: key binds need a stopped instance (L2278-2310)" },
    { file: "instance.ts", iface: "InstanceArgs", key: "placementGroupId", says: /in place .*may fail.*does nothing/, audit: "§4: Force unset, no host move (L2536-2610)" },
    { file: "instance.ts", iface: "InstanceArgs", key: "imageId", says: /reinstalls/, audit: "§4: ResetInstance (L2138-2232)" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "masterZoneId", says: /Cannot be changed/, audit: "§3.5: Update rejects (L1044-1048)" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "zoneId", says: /Cannot be changed/, audit: "§3.5" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "slaveZoneId", says: /Cannot be changed/, audit: "§3.5" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "snatIps", says: /Cannot be changed/, audit: "§3.5" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "addressIpVersion", says: /Cannot be changed/, audit: "§3.5" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "bandwidthPackageId", says: /Cannot be changed/, audit: "§3.5" },
    { file: "clbInstance.ts", iface: "ClbInstanceArgs", key: "vip", says: /ForceNew.*VIP occupied/s, audit: "§3 risks: fixed vip + create-before-delete (clb models L2538)" },
    { file: "haVip.ts", iface: "HaVipArgs", key: "vip", says: /ForceNew.*fails/s, audit: "§3 risks: HaVip vip FN (L54)" },
    { file: "placementGroup.ts", iface: "PlacementGroupArgs", key: "partitionCount", says: /Cannot be changed/, audit: "§3.6: immutable (L207-217)" },
    { file: "placementGroup.ts", iface: "PlacementGroupArgs", key: "strategy", says: /Cannot be changed/, audit: "§3.6" },
    { file: "placementGroup.ts", iface: "PlacementGroupArgs", key: "type", says: /ForceNew.*every member moves/, audit: "§4: type FN (L35)" },
    { file: "keyPair.ts", iface: "KeyPairArgs", key: "publicKey", says: /ForceNew.*collides/s, audit: "§4: public_key FN (key_pair L37)" },
];
