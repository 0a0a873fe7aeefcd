// ApiEndpoint: the address every kubeconfig, join command and certificate uses, by kind:
//   clb                internal CLB (TCP 6443, TCP health check) over every master; optional public CLB
//   keepalived-haproxy two LB machines floating a HAVIP; optional EIP on the HAVIP
//   lvs-haproxy        LVS director pair on a HAVIP in front of an HAProxy pair (a four-tier layout common on Tencent Cloud);
//                      optional public CLB in front of the HAVIP
//   node-local-proxy   no LB machines: a proxy on every worker (rendered into its user-data)

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { clusterInstance, InstanceSettings } from "./cluster-instance";
import type { PlannedEndpoint, PlannedNode } from "./plan/topology";

const TYPE = "kubeadm-ha:index:ApiEndpoint";

export interface ApiEndpointArgs extends InstanceSettings {
    /** Cluster name: CLB names derive from it. */
    readonly clusterName: string;
    /** The planned endpoint (kind, port, DNS name, VIP, zone). */
    readonly endpoint: PlannedEndpoint;
    /** The planned LB machines (roles lb, lvs, haproxy); empty for clb and node-local-proxy. */
    readonly lbNodes: readonly PlannedNode[];
    /** Master instance ids: the CLB's backends. */
    readonly masterInstanceIds: readonly pulumi.Input<string>[];
    /** Security group of the public CLB (admits only the admin ranges). Required when the endpoint is public. */
    readonly publicSecurityGroupId?: pulumi.Input<string>;
    /** Security group of the internal CLB (kind clb): the VPC and the admin ranges to the API port. @default none (any routed source reaches the masters) */
    readonly internalSecurityGroupId?: pulumi.Input<string>;
    /**
     * Give the HAVIP a switch range (`checkAssociate` and one `HaVipInstanceAttachment` per VRRP
     * machine): no other machine of the subnet can claim the API address. `checkAssociate` is
     * ForceNew on a HAVIP with a fixed address, so a deployed HAVIP keeps what it has
     * (`havipSwitchRange`). @default false
     */
    readonly havipSwitchRange?: boolean;
}

export class ApiEndpoint extends pulumi.ComponentResource {
    /** Private address of the endpoint (VIP or CLB VIP); 127.0.0.1 (each worker's proxy) for node-local-proxy. */
    public readonly address: pulumi.Output<string>;
    public readonly port: number;
    public readonly dnsName: string;
    /** Public address, when the stack asks for public access. */
    public readonly publicAddress: pulumi.Output<string | undefined>;
    public readonly lbInstances: Record<string, tencentcloud.Instance>;

    constructor(name: string, args: ApiEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const e = args.endpoint;
        const parent = { parent: this };
        const tags = { ...args.tags };
        if (e.kind !== "node-local-proxy" && (!e.vip || !e.zone)) {
            throw new pulumi.ResourceError(`endpoint: a ${e.kind} endpoint needs a planned VIP and zone`, this);
        }
        if (e.publicAccess && e.kind !== "keepalived-haproxy" && !args.publicSecurityGroupId) {
            throw new pulumi.ResourceError("publicSecurityGroupId: a public CLB needs a security group that admits only the admin ranges", this);
        }
        this.port = e.port;
        this.dnsName = e.dnsName;
        this.lbInstances = Object.fromEntries(args.lbNodes.map((n) => [n.name, clusterInstance(n, args, false, this)]));
        let publicAddress: pulumi.Output<string | undefined> = pulumi.output(undefined);

        const clb = (suffix: string, open: boolean, targets: pulumi.Input<tencentcloud.types.input.ClbAttachmentTarget>[]) => {
            const instance = new tencentcloud.ClbInstance(`${name}-${suffix}`, {
                clbName: `${args.clusterName}-${suffix}`, networkType: open ? "OPEN" : "INTERNAL", vpcId: args.vpcId,
                ...(open ? { securityGroups: [args.publicSecurityGroupId!] } : {
                    subnetId: args.subnetIds[e.zone!], vip: e.vip, ...(args.internalSecurityGroupId ? { securityGroups: [args.internalSecurityGroupId] } : {}),
                }),
                loadBalancerPassToTarget: true, deleteProtect: args.production, tags,
            }, parent);
            const listener = new tencentcloud.ClbListener(`${name}-${suffix}-${e.port}`, {
                clbId: instance.id, listenerName: `apiserver-${e.port}`, protocol: "TCP", port: e.port,
                healthCheckSwitch: true, healthCheckType: "TCP", healthCheckIntervalTime: 5, healthCheckTimeOut: 2,
                healthCheckHealthNum: 2, healthCheckUnhealthNum: 2, scheduler: "WRR",
            }, parent);
            new tencentcloud.ClbAttachment(`${name}-${suffix}-${e.port}`, { clbId: instance.id, listenerId: listener.listenerId, targets }, parent);
            return instance;
        };
        const masterTargets = args.masterInstanceIds.map((id) => ({ instanceId: id, port: e.port, weight: 10 }));

        switch (e.kind) {
            case "clb": {
                this.address = clb("apiserver", false, masterTargets).clbVips.apply((v) => v[0]);
                if (e.publicAccess) {
                    publicAddress = clb("apiserver-public", true, masterTargets).clbVips.apply((v) => v[0]);
                }
                break;
            }
            case "keepalived-haproxy":
            case "lvs-haproxy": {
                const havip = new tencentcloud.HaVip(`${name}-havip`, {
                    name: `${args.clusterName}-api`, vpcId: args.vpcId, subnetId: args.subnetIds[e.zone!], vip: e.vip, ...(args.havipSwitchRange ? { checkAssociate: true } : {}),
                }, parent);
                this.address = havip.vip;
                if (args.havipSwitchRange) {
                    // The machines that run keepalived for the VIP: the LB pair, or the LVS directors.
                    for (const n of args.lbNodes.filter((x) => x.role === (e.kind === "keepalived-haproxy" ? "lb" : "lvs"))) {
                        new tencentcloud.HaVipInstanceAttachment(`${name}-havip-${n.name}`, { haVipId: havip.id, instanceId: this.lbInstances[n.name].id, instanceType: "CVM" }, parent);
                    }
                }
                if (e.publicAccess && e.kind === "keepalived-haproxy") {
                    const eip = new tencentcloud.Eip(`${name}-havip-eip`, { name: `${args.clusterName}-api`, tags }, parent);
                    new tencentcloud.HaVipEipAttachment(`${name}-havip-eip`, { havipId: havip.id, addressIp: eip.publicIp }, parent);
                    publicAddress = eip.publicIp;
                } else if (e.publicAccess) {
                    // The public CLB, in front of the HAProxy tier the LVS VIP spreads over: the CLB's own
                    // health checks and spreading stand for LVS's here. Its backends are the HAProxy CVMs by
                    // instance id (they listen on every address), as the CLB API documents backends; the API
                    // documents an eniIp backend as an ENI's own address, which a HAVIP is not.
                    const haproxies = args.lbNodes.filter((n) => n.role === "haproxy").map((n) => ({ instanceId: this.lbInstances[n.name].id, port: e.port, weight: 10 }));
                    publicAddress = clb("apiserver-public", true, haproxies).clbVips.apply((v) => v[0]);
                }
                break;
            }
            case "node-local-proxy":
                // Each worker's own proxy.
                this.address = pulumi.output("127.0.0.1");
                break;
        }
        this.publicAddress = publicAddress;
        this.registerOutputs({ address: this.address, port: this.port, dnsName: this.dnsName, publicAddress: this.publicAddress });
    }
}
