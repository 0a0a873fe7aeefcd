// Least-privilege security-group rules per machine role, as plain data (the components turn
// them into SecurityGroupRuleSets). Each group ends with an explicit DROP of everything else.
//
//   etcd 2379-2380       only from masters and etcd members
//   apiserver 6443       only from the LB tier, the VPC and the configured admin ranges
//   kubelet 10250        only from masters
//   SSH 22               only from the bastion (and to the bastion only from bastion.allowedCidrs)
//   public CLB           only from the configured admin ranges
//
// Also allowed: the pod overlay between Kubernetes machines (flannel's VXLAN, UDP 8472; none
// with `network.cni: none`: open your network's port yourself), NodePorts and ICMP from the VPC, and all traffic between LB machines:
// VRRP is IP protocol 112, which Tencent security groups cannot name, so LB peers accept ALL
// from each other.

import { TENCENT_METADATA_IP } from "./addressing";
import type { ClusterSpec } from "./spec";

/** The pod overlay's port: Linux's VXLAN port, which flannel (the default pod network) uses. */
export const OVERLAY_VXLAN_PORT = 8472;

export type SecurityRole = "bastion" | "etcd" | "master" | "worker" | "lb" | "public-api" | "internal-api";

export interface Rule {
    readonly action: "ACCEPT" | "DROP";
    readonly protocol: "TCP" | "UDP" | "ICMP" | "ALL";
    /** `all`, a port, or a range `a-b`. */
    readonly port: string;
    /** Source: a CIDR block or another role's security group. */
    readonly from: { readonly cidr: string } | { readonly role: SecurityRole };
    readonly description: string;
}

const accept = (protocol: Rule["protocol"], port: string, from: Rule["from"], description: string): Rule =>
    ({ action: "ACCEPT", protocol, port, from, description });
const DROP_REST: Rule = { action: "DROP", protocol: "ALL", port: "all", from: { cidr: "0.0.0.0/0" }, description: "everything else" };

/** True when a public CLB fronts the endpoint (it gets the public-api group). */
export function hasPublicClb(spec: ClusterSpec): boolean {
    return spec.apiEndpoint.publicAccess && (spec.apiEndpoint.kind === "clb" || spec.apiEndpoint.kind === "lvs-haproxy");
}

/**
 * The security roles a cluster uses (lb only with LB machines, public-api only with a public
 * CLB, internal-api only with an internal CLB endpoint: with `loadBalancerPassToTarget` only the
 * CLB's own group is checked, so without one anything routed into the VPC would reach 6443).
 */
export function securityRoles(spec: ClusterSpec): SecurityRole[] {
    return ["bastion", ...(spec.etcd.topology === "external" ? ["etcd" as const] : []), "master", "worker",
        ...(spec.apiEndpoint.tiers.length > 0 ? ["lb" as const] : []), ...(hasPublicClb(spec) ? ["public-api" as const] : []),
        ...(spec.apiEndpoint.kind === "clb" ? ["internal-api" as const] : [])];
}

/** Ingress rules of every security role, in priority order. */
export function ingressRules(spec: ClusterSpec): Record<SecurityRole, readonly Rule[]> {
    const vpc = { cidr: spec.network.vpcCidr };
    const ssh = accept("TCP", "22", { role: "bastion" }, "SSH from the bastion");
    const icmp = accept("ICMP", "all", vpc, "ping from the VPC");
    const overlay = spec.network.cni === "none" ? [] : (["master", "worker"] as const)
        .map((role) => accept("UDP", String(OVERLAY_VXLAN_PORT), { role }, `pod overlay (flannel VXLAN) from ${role}s`));
    const admins = spec.network.adminCidrs.map((cidr) => accept("TCP", "6443", { cidr }, "apiserver from an admin range"));
    const hasLb = spec.apiEndpoint.tiers.length > 0;
    const stacked = spec.etcd.topology === "stacked";
    return {
        bastion: [...spec.bastion.allowedCidrs.map((cidr) => accept("TCP", "22", { cidr }, "SSH from an allowed range")), DROP_REST],
        etcd: [ssh, accept("TCP", "2379-2380", { role: "master" }, "etcd from masters"), accept("TCP", "2379-2380", { role: "etcd" }, "etcd peers"), icmp, DROP_REST],
        master: [
            ssh,
            ...(hasLb ? [accept("TCP", "6443", { role: "lb" }, "apiserver from the LB tier")] : []),
            accept("TCP", "6443", vpc, "apiserver from the VPC"), ...admins,
            accept("TCP", "10250", { role: "master" }, "kubelet from masters"),
            ...(stacked ? [accept("TCP", "2379-2380", { role: "master" }, "stacked etcd between masters")] : []),
            ...overlay, icmp, DROP_REST,
        ],
        worker: [ssh, accept("TCP", "10250", { role: "master" }, "kubelet from masters"), ...overlay,
            accept("TCP", "30000-32767", vpc, "NodePorts from the VPC"), icmp, DROP_REST],
        lb: [ssh, accept("TCP", `${spec.apiEndpoint.port}`, vpc, "API endpoint from the VPC"),
            ...spec.network.adminCidrs.map((cidr) => accept("TCP", `${spec.apiEndpoint.port}`, { cidr }, "API endpoint from an admin range")),
            { action: "DROP", protocol: "TCP", port: "22", from: { role: "lb" }, description: "no SSH between LB machines (only from the bastion)" },
            accept("ALL", "all", { role: "lb" }, "VRRP and LVS between LB machines"), icmp, DROP_REST],
        "public-api": [...spec.network.adminCidrs.map((cidr) => accept("TCP", `${spec.apiEndpoint.port}`, { cidr }, "public API endpoint from an admin range")), DROP_REST],
        "internal-api": [accept("TCP", `${spec.apiEndpoint.port}`, vpc, "API endpoint from the VPC"),
            ...spec.network.adminCidrs.map((cidr) => accept("TCP", `${spec.apiEndpoint.port}`, { cidr }, "API endpoint from an admin range")), DROP_REST],
    };
}

/** An egress rule: where a role's machines may send to (a CIDR block), in priority order. */
export interface EgressRule {
    readonly action: "ACCEPT" | "DROP";
    readonly protocol: "ALL";
    readonly port: "all";
    readonly to: string;
    readonly description: string;
}

const egress = (action: EgressRule["action"], to: string, description: string): EgressRule => ({ action, protocol: "ALL", port: "all", to, description });

/** All outbound: every role's egress unless restricted. */
export const OPEN_EGRESS: readonly EgressRule[] = [egress("ACCEPT", "0.0.0.0/0", "all outbound")];

/**
 * Egress rules of every security role the cluster uses. Open (all outbound) unless
 * `network.etcdEgressCidrs` is set: then the external etcd members may send only to the VPC, the
 * metadata service and those ranges, and nothing else (a member that was taken over cannot ship
 * the keyspace anywhere).
 */
export function egressRules(spec: ClusterSpec): Partial<Record<SecurityRole, readonly EgressRule[]>> {
    const rules: Partial<Record<SecurityRole, readonly EgressRule[]>> = Object.fromEntries(securityRoles(spec).map((r) => [r, OPEN_EGRESS]));
    const allowed = spec.network.etcdEgressCidrs;
    if (allowed !== undefined && rules.etcd) {
        rules.etcd = [egress("ACCEPT", spec.network.vpcCidr, "the VPC"), egress("ACCEPT", `${TENCENT_METADATA_IP}/32`, "the metadata service (the backup role's credentials)"),
            ...allowed.map((block) => egress("ACCEPT", block, "allowed by network.etcdEgressCidrs")), egress("DROP", "0.0.0.0/0", "everything else")];
    }
    return rules;
}

/** The security role of a planned machine role. */
export function securityRoleOf(role: string): SecurityRole {
    return role === "lvs" || role === "haproxy" || role === "lb" ? "lb" : (role as SecurityRole);
}
