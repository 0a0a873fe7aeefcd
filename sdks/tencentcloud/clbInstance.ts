import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["addressIpVersion", "bandwidthPackageId", "clbInstanceId", "clbName", "deleteProtect", "eipAddressId",
        "internetBandwidthMaxOut", "internetChargeType", "loadBalancerPassToTarget", "masterZoneId", "networkType",
        "projectId", "securityGroups", "slaType", "slaveZoneId", "snatIps", "snatPro", "subnetId", "tags", "vip",
        "vpcId", "zoneId"],
    outputs: ["addressIpv6", "clbVips", "domain", "ipv6Mode"],
    required: ["clbName", "networkType"],
};

/** A Cloud Load Balancer (`tencentcloud_clb_instance`), OPEN (public) or INTERNAL. */
export class ClbInstance extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ClbInstanceState, opts?: pulumi.CustomResourceOptions): ClbInstance {
        return new ClbInstance(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/clbInstance:ClbInstance";
    public static isInstance(obj: any): obj is ClbInstance {
        return utilities.isInstance(obj, ClbInstance.__pulumiType);
    }

    declare public readonly addressIpVersion: pulumi.Output<string>;
    declare public /*out*/ readonly addressIpv6: pulumi.Output<string>;
    declare public readonly bandwidthPackageId: pulumi.Output<string>;
    declare public readonly clbInstanceId: pulumi.Output<string>;
    declare public readonly clbName: pulumi.Output<string>;
    /** VIPs of the CLB; for INTERNAL use `clbVips[0]`. */
    declare public /*out*/ readonly clbVips: pulumi.Output<string[]>;
    declare public readonly deleteProtect: pulumi.Output<boolean | undefined>;
    declare public /*out*/ readonly domain: pulumi.Output<string>;
    declare public readonly eipAddressId: pulumi.Output<string>;
    declare public readonly internetBandwidthMaxOut: pulumi.Output<number>;
    declare public readonly internetChargeType: pulumi.Output<string>;
    declare public /*out*/ readonly ipv6Mode: pulumi.Output<string>;
    declare public readonly loadBalancerPassToTarget: pulumi.Output<boolean | undefined>;
    declare public readonly masterZoneId: pulumi.Output<string>;
    declare public readonly networkType: pulumi.Output<string>;
    declare public readonly projectId: pulumi.Output<number | undefined>;
    declare public readonly securityGroups: pulumi.Output<string[]>;
    declare public readonly slaType: pulumi.Output<string>;
    declare public readonly slaveZoneId: pulumi.Output<string>;
    declare public readonly snatIps: pulumi.Output<outputs.ClbInstanceSnatIp[] | undefined>;
    declare public readonly snatPro: pulumi.Output<boolean | undefined>;
    declare public readonly subnetId: pulumi.Output<string | undefined>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    declare public readonly vip: pulumi.Output<string>;
    declare public readonly vpcId: pulumi.Output<string>;
    declare public readonly zoneId: pulumi.Output<string>;

    constructor(name: string, args: ClbInstanceArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ClbInstanceArgs | ClbInstanceState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(ClbInstance.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface ClbInstanceArgs {
    /** IPV4, IPV6 or IPv6FullChain (OPEN). Cannot be changed: Update rejects a change ("argument cannot be changed", resource_tc_clb_instance.go L1044-1048), so the update fails instead of replacing the CLB. */
    addressIpVersion?: pulumi.Input<string>;
    /** Cannot be changed: Update rejects a change ("argument cannot be changed", resource_tc_clb_instance.go L1044-1048), so the update fails instead of replacing the CLB. */
    bandwidthPackageId?: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    clbInstanceId?: pulumi.Input<string>;
    /** 1-60 characters of letters, digits, `_` and `-`. Not auto-named. */
    clbName: pulumi.Input<string>;
    deleteProtect?: pulumi.Input<boolean>;
    /** Bind an EIP to an internal CLB. */
    eipAddressId?: pulumi.Input<string>;
    /** Mbps (OPEN or LCU). */
    internetBandwidthMaxOut?: pulumi.Input<number>;
    internetChargeType?: pulumi.Input<string>;
    /** Backends trust traffic from the CLB without their own security-group rule. @default false */
    loadBalancerPassToTarget?: pulumi.Input<boolean>;
    /** OPEN only (cross-zone primary/standby; Create rejects it for INTERNAL, L513-533). Cannot be changed: Update rejects a change ("argument cannot be changed", resource_tc_clb_instance.go L1044-1048), so the update fails instead of replacing the CLB. */
    masterZoneId?: pulumi.Input<string>;
    /** OPEN or INTERNAL. ForceNew. */
    networkType: pulumi.Input<string>;
    /** @default 0 */
    projectId?: pulumi.Input<number>;
    securityGroups?: pulumi.Input<pulumi.Input<string>[]>;
    /** LCU specification, e.g. `clb.c2.medium`. */
    slaType?: pulumi.Input<string>;
    /** OPEN only. Cannot be changed: Update rejects a change ("argument cannot be changed", resource_tc_clb_instance.go L1044-1048), so the update fails instead of replacing the CLB. */
    slaveZoneId?: pulumi.Input<string>;
    /** Cross-VPC backends. Cannot be changed: Update rejects a change ("argument cannot be changed", resource_tc_clb_instance.go L1044-1048), so the update fails instead of replacing the CLB. */
    snatIps?: pulumi.Input<pulumi.Input<inputs.ClbInstanceSnatIp>[]>;
    snatPro?: pulumi.Input<boolean>;
    /** Required for INTERNAL: the VIP comes from this subnet. ForceNew. */
    subnetId?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Fixed VIP. ForceNew, and the bridge creates the replacement before deleting the old CLB, so
     * a replacement that keeps the VIP fails ("VIP occupied", clb models L2538).
     */
    vip?: pulumi.Input<string>;
    /** ForceNew. */
    vpcId?: pulumi.Input<string>;
    /** OPEN only. Cannot be changed: Update rejects a change ("argument cannot be changed", resource_tc_clb_instance.go L1044-1048), so the update fails instead of replacing the CLB. */
    zoneId?: pulumi.Input<string>;
}

export interface ClbInstanceState extends Partial<ClbInstanceArgs> {
    addressIpv6?: pulumi.Input<string>;
    clbVips?: pulumi.Input<pulumi.Input<string>[]>;
    domain?: pulumi.Input<string>;
    ipv6Mode?: pulumi.Input<string>;
}
