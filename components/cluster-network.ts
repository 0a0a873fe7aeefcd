// ClusterNetwork: the VPC, one subnet per zone, private egress through a NAT gateway, and one
// security group per machine role with the least-privilege rules of plan/security.ts.
// It can also adopt an existing VPC and subnets (then no NAT gateway is made: egress is yours).

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { EgressRule, OPEN_EGRESS, type Rule, type SecurityRole } from "./plan/security";

const TYPE = "kubeadm-ha:index:ClusterNetwork";

export interface ClusterNetworkArgs {
    /** Cluster name: prefixes every Tencent display name. */
    readonly clusterName: string;
    /** VPC range, e.g. 10.10.0.0/16. */
    readonly vpcCidr: string;
    /** One subnet per zone. */
    readonly zones: readonly { readonly zone: string; readonly subnetCidr: string }[];
    /** Ingress rules per security role (plan/security.ts `ingressRules`). */
    readonly ingressRules: Readonly<Partial<Record<SecurityRole, readonly Rule[]>>>;
    /** Egress rules per security role (plan/security.ts `egressRules`). @default all outbound for every role */
    readonly egressRules?: Readonly<Partial<Record<SecurityRole, readonly EgressRule[]>>>;
    /** Adopt this VPC instead of creating one (needs `existingSubnetIds` for every zone). */
    readonly existingVpcId?: pulumi.Input<string>;
    /** Existing subnet id per zone, with `existingVpcId`. */
    readonly existingSubnetIds?: Readonly<Record<string, pulumi.Input<string>>>;
    /** NAT gateway bandwidth, Mbps. @default 100 */
    readonly natBandwidthMbps?: number;
    /** Tags on every resource. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

export class ClusterNetwork extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    /** Subnet id by zone. */
    public readonly subnetIds: Record<string, pulumi.Output<string>>;
    /** Security group id by role. */
    public readonly securityGroupIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const missing = args.existingVpcId ? args.zones.filter((z) => !args.existingSubnetIds?.[z.zone]).map((z) => z.zone) : [];
        if (missing.length > 0) {
            throw new pulumi.ResourceError(`existingSubnetIds: no subnet for zone(s) ${missing.join(", ")}; give an existing subnet id for every zone in zones`, this);
        }
        const parent = { parent: this };
        const tags = { ...args.tags };
        this.subnetIds = {};
        if (args.existingVpcId) {
            this.vpcId = pulumi.output(args.existingVpcId);
            for (const z of args.zones) {
                this.subnetIds[z.zone] = pulumi.output(args.existingSubnetIds![z.zone]);
            }
        } else {
            const vpc = new tencentcloud.Vpc(`${name}-vpc`, { name: `${args.clusterName}-vpc`, cidrBlock: args.vpcCidr, tags }, parent);
            const eip = new tencentcloud.Eip(`${name}-nat-eip`, { name: `${args.clusterName}-nat`, tags }, parent);
            const nat = new tencentcloud.NatGateway(`${name}-nat`, {
                name: `${args.clusterName}-nat`, vpcId: vpc.id, assignedEipSets: [eip.publicIp], bandwidth: args.natBandwidthMbps ?? 100, tags,
            }, parent);
            const routes = new tencentcloud.RouteTable(`${name}-private-routes`, { name: `${args.clusterName}-private`, vpcId: vpc.id, tags }, parent);
            new tencentcloud.RouteTableEntry(`${name}-default-route`, {
                routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", nextType: "NAT", nextHub: nat.id, description: "private egress through the NAT gateway",
            }, parent);
            this.vpcId = vpc.id;
            for (const z of args.zones) {
                this.subnetIds[z.zone] = new tencentcloud.Subnet(`${name}-subnet-${z.zone}`, {
                    name: `${args.clusterName}-${z.zone}`, vpcId: vpc.id, availabilityZone: z.zone, cidrBlock: z.subnetCidr, routeTableId: routes.id, tags,
                }, parent).id;
            }
        }

        const groups = Object.fromEntries(Object.keys(args.ingressRules).map((role) => [role, new tencentcloud.SecurityGroup(`${name}-sg-${role}`, {
            name: `${args.clusterName}-${role}`, description: `kubeadm-ha ${role} machines of ${args.clusterName}`, tags,
        }, parent)]));
        for (const [role, rules] of Object.entries(args.ingressRules)) {
            new tencentcloud.SecurityGroupRuleSet(`${name}-sg-${role}-rules`, {
                securityGroupId: groups[role].id,
                ingresses: (rules ?? []).map((r) => ({
                    action: r.action, protocol: r.protocol, port: r.port, description: r.description,
                    ...("cidr" in r.from ? { cidrBlock: r.from.cidr } : { sourceSecurityId: groups[r.from.role].id }),
                })),
                egresses: (args.egressRules?.[role as SecurityRole] ?? OPEN_EGRESS).map((r) => ({ action: r.action, protocol: r.protocol, port: r.port, cidrBlock: r.to, description: r.description })),
            }, parent);
        }
        this.securityGroupIds = Object.fromEntries(Object.entries(groups).map(([role, g]) => [role, g.id]));
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, securityGroupIds: this.securityGroupIds });
    }
}
