import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// The TF schema also has `reschedule_*` switches; the fact sheet does not name them one by one,
// so they are left out here rather than guessed.
const SCHEMA: utilities.ResourceSchema = {
    inputs: ["clbId", "clbListenerId", "deregisterTargetRst", "healthCheckContextType", "healthCheckHealthNum",
        "healthCheckHttpCode", "healthCheckHttpDomain", "healthCheckHttpMethod", "healthCheckHttpPath",
        "healthCheckHttpVersion", "healthCheckIntervalTime", "healthCheckPort", "healthCheckRecvContext",
        "healthCheckSendContext", "healthCheckSwitch", "healthCheckTimeOut", "healthCheckType",
        "healthCheckUnhealthNum", "healthSourceIpType", "idleConnectTimeout", "listenerName", "port", "protocol",
        "scheduler", "sessionExpireTime", "snatEnable", "targetType"],
    outputs: ["listenerId"],
    required: ["clbId", "listenerName", "protocol"],
};

/**
 * A CLB listener (`tencentcloud_clb_listener`). Its `id` is `<clbId>#<listenerId>`: pass
 * `listenerId`, not `id`, to `ClbAttachment`. TCP listeners cannot health-check over HTTPS.
 */
export class ClbListener extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ClbListenerState, opts?: pulumi.CustomResourceOptions): ClbListener {
        return new ClbListener(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/clbListener:ClbListener";
    public static isInstance(obj: any): obj is ClbListener {
        return utilities.isInstance(obj, ClbListener.__pulumiType);
    }

    declare public readonly clbId: pulumi.Output<string>;
    declare public readonly clbListenerId: pulumi.Output<string>;
    declare public readonly deregisterTargetRst: pulumi.Output<boolean>;
    declare public readonly healthCheckContextType: pulumi.Output<string>;
    declare public readonly healthCheckHealthNum: pulumi.Output<number>;
    declare public readonly healthCheckHttpCode: pulumi.Output<number | undefined>;
    declare public readonly healthCheckHttpDomain: pulumi.Output<string | undefined>;
    declare public readonly healthCheckHttpMethod: pulumi.Output<string | undefined>;
    declare public readonly healthCheckHttpPath: pulumi.Output<string | undefined>;
    declare public readonly healthCheckHttpVersion: pulumi.Output<string | undefined>;
    declare public readonly healthCheckIntervalTime: pulumi.Output<number>;
    declare public readonly healthCheckPort: pulumi.Output<number | undefined>;
    declare public readonly healthCheckRecvContext: pulumi.Output<string | undefined>;
    declare public readonly healthCheckSendContext: pulumi.Output<string | undefined>;
    declare public readonly healthCheckSwitch: pulumi.Output<boolean>;
    declare public readonly healthCheckTimeOut: pulumi.Output<number>;
    declare public readonly healthCheckType: pulumi.Output<string>;
    declare public readonly healthCheckUnhealthNum: pulumi.Output<number>;
    declare public readonly healthSourceIpType: pulumi.Output<number>;
    declare public readonly idleConnectTimeout: pulumi.Output<number>;
    /** The listener id (`lbl-…`). */
    declare public /*out*/ readonly listenerId: pulumi.Output<string>;
    declare public readonly listenerName: pulumi.Output<string>;
    declare public readonly port: pulumi.Output<number | undefined>;
    declare public readonly protocol: pulumi.Output<string>;
    declare public readonly scheduler: pulumi.Output<string | undefined>;
    declare public readonly sessionExpireTime: pulumi.Output<number | undefined>;
    declare public readonly snatEnable: pulumi.Output<boolean>;
    declare public readonly targetType: pulumi.Output<string>;

    constructor(name: string, args: ClbListenerArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ClbListenerArgs | ClbListenerState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(ClbListener.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface ClbListenerArgs {
    /** ForceNew. */
    clbId: pulumi.Input<string>;
    /** Unused optional input that mirrors `id`. */
    clbListenerId?: pulumi.Input<string>;
    deregisterTargetRst?: pulumi.Input<boolean>;
    /** CUSTOM check: HEX or TEXT. */
    healthCheckContextType?: pulumi.Input<string>;
    /** Healthy threshold, 2-10. @default 3 */
    healthCheckHealthNum?: pulumi.Input<number>;
    /** HTTP check: status bitmask (1 = 1xx … 16 = 5xx). @default 31 */
    healthCheckHttpCode?: pulumi.Input<number>;
    /** HTTP check on a TCP listener: required. */
    healthCheckHttpDomain?: pulumi.Input<string>;
    /** HEAD or GET. */
    healthCheckHttpMethod?: pulumi.Input<string>;
    healthCheckHttpPath?: pulumi.Input<string>;
    /** HTTP/1.0 or HTTP/1.1; required for an HTTP check on a TCP listener. */
    healthCheckHttpVersion?: pulumi.Input<string>;
    /** Seconds between checks, 2-300. @default 5 */
    healthCheckIntervalTime?: pulumi.Input<number>;
    /** TCP/UDP listeners: port to check; defaults to the backend port. */
    healthCheckPort?: pulumi.Input<number>;
    healthCheckRecvContext?: pulumi.Input<string>;
    healthCheckSendContext?: pulumi.Input<string>;
    /** Set it explicitly to true. */
    healthCheckSwitch?: pulumi.Input<boolean>;
    /** Seconds, 2-60, less than the interval. @default 2 */
    healthCheckTimeOut?: pulumi.Input<number>;
    /** TCP listeners: TCP, HTTP or CUSTOM (no HTTPS). @default TCP */
    healthCheckType?: pulumi.Input<string>;
    /** Unhealthy threshold, 2-10. @default 3 */
    healthCheckUnhealthNum?: pulumi.Input<number>;
    /** 0 = the CLB VIP, 1 = 100.64.0.0/10. */
    healthSourceIpType?: pulumi.Input<number>;
    /** Seconds. @default 900 (TCP) */
    idleConnectTimeout?: pulumi.Input<number>;
    /** 1-80 characters. */
    listenerName: pulumi.Input<string>;
    /** 1-65535. ForceNew. */
    port?: pulumi.Input<number>;
    /** TCP, UDP, HTTP, HTTPS, TCP_SSL or QUIC. ForceNew. */
    protocol: pulumi.Input<string>;
    /** WRR or LEAST_CONN. @default WRR */
    scheduler?: pulumi.Input<string>;
    /** 30-3600 seconds; 0 = off. */
    sessionExpireTime?: pulumi.Input<number>;
    /** Replace the client source IP (see the CLB hairpin notes). */
    snatEnable?: pulumi.Input<boolean>;
    /** NODE, TARGETGROUP or TARGETGROUP-V2. */
    targetType?: pulumi.Input<string>;
}

export interface ClbListenerState extends Partial<ClbListenerArgs> {
    listenerId?: pulumi.Input<string>;
}
