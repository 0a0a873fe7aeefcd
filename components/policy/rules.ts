// The policy rules of the CrossGuard pack (policy/index.ts), as pure functions over a normalized
// list of resources. Each returns its violations; an empty list means the stack complies. The
// pack and the tests (over the mock recorder's inventory) run the same functions.

import { etcdPortsOnlyFromControlPlane, sshOnlyFromBastion } from "./rules-network";
import { etcdInHostPlacementGroups, etcdOddSize, noPublicIpOnStatefulNodes, statefulNodesProtected } from "./rules-nodes";
import { etcdEgressRestricted, noInternetWideAccess } from "./rules-exposure";
import { backupBucketEncrypted, backupBucketPrivateVersioned } from "./rules-storage";
import type { PolicyConfig, PolicyResource, Violation } from "./inventory";

export type { PolicyConfig, PolicyResource, Violation } from "./inventory";
export { UNKNOWN } from "./inventory";
export { etcdPortsOnlyFromControlPlane, sshOnlyFromBastion } from "./rules-network";
export { etcdInHostPlacementGroups, etcdOddSize, noPublicIpOnStatefulNodes, statefulNodesProtected } from "./rules-nodes";
export { etcdEgressRestricted, noInternetWideAccess } from "./rules-exposure";
export { backupBucketEncrypted, backupBucketPrivateVersioned } from "./rules-storage";

/** A rule: a name (the CrossGuard policy name), a description, and its check. */
export interface PolicyRule {
    readonly name: string;
    readonly description: string;
    /** The rule reads `config.production` (the pack then offers the `production` config value). */
    readonly usesProduction: boolean;
    /** Advisory rules warn instead of failing the update. @default false (mandatory) */
    readonly advisory?: boolean;
    readonly check: (resources: readonly PolicyResource[], config: PolicyConfig) => Violation[];
}

/** Default configuration: production, the strict case. */
export const DEFAULT_CONFIG: PolicyConfig = { production: true };

/** Every rule, in the order the pack registers them. */
export const ALL_RULES: readonly PolicyRule[] = [
    {
        name: "no-public-ip-on-stateful-nodes", usesProduction: false, check: noPublicIpOnStatefulNodes,
        description: "etcd members and masters have no public IP: allocatePublicIp is not true and no EipAssociation targets them.",
    },
    {
        name: "etcd-ports-only-from-control-plane", usesProduction: false, check: etcdPortsOnlyFromControlPlane,
        description: "Security groups of etcd members and masters admit TCP 2379-2380 only from the etcd/master security groups or their addresses.",
    },
    {
        name: "ssh-only-from-bastion", usesProduction: false, check: sshOnlyFromBastion,
        description: "Cluster machines admit SSH (TCP 22) only from the bastion's security group or address; the bastion never from 0.0.0.0/0.",
    },
    {
        name: "stateful-nodes-protected", usesProduction: true, check: statefulNodesProtected,
        description: "In production, etcd members and masters have the protect option and disableApiTermination: true.",
    },
    {
        name: "etcd-spread-placement", usesProduction: false, check: etcdInHostPlacementGroups,
        description: "Every etcd member is in a HOST, SW or RACK spread PlacementGroup whose affinity keeps one host, switch or rack from holding a quorum-breaking share.",
    },
    {
        name: "etcd-odd-size", usesProduction: true, check: etcdOddSize,
        description: "Each cluster runs an odd number of etcd members: at least 3 in production, 1 only outside production.",
    },
    {
        name: "backup-bucket-private-versioned", usesProduction: false, check: backupBucketPrivateVersioned,
        description: "Every COS bucket (the etcd snapshots) is private and versioned.",
    },
    {
        name: "no-internet-wide-access", usesProduction: true, check: noInternetWideAccess,
        description: "In production, no security group admits SSH (22), the API (6443) or the kubelet (10250) from a public IPv4 block wider than a /16 or from IPv6.",
    },
    {
        name: "backup-bucket-encrypted", usesProduction: false, check: backupBucketEncrypted,
        description: "Every COS bucket (the etcd snapshots) encrypts its objects at rest (encryptionAlgorithm AES256, KMS or SM4).",
    },
    {
        name: "etcd-egress-restricted", usesProduction: true, advisory: true, check: etcdEgressRestricted,
        description: "Advisory, in production: the security groups of external etcd members do not send everything to the internet (network.etcdEgressCidrs).",
    },
];

/** Runs every rule. */
export function checkAll(resources: readonly PolicyResource[], config: PolicyConfig = DEFAULT_CONFIG): Violation[] {
    return ALL_RULES.flatMap((r) => r.check(resources, config));
}
