// Names are a contract: a node's name depends only on the cluster name, its role (or pool) and
// its ordinal, never on its zone, address or list position, so scale-out never renames anything.
// The same string is the Pulumi resource name, the CVM instance name and the hostname.

import { createHash } from "node:crypto";

/** Role names that worker pools may not use (their node names would collide). */
export const RESERVED_ROLE_NAMES: readonly string[] = ["etcd", "master", "lb", "lvs", "haproxy", "bastion", "api"];

/** `<cluster>-<role or pool>-<ordinal>`, e.g. `prod-etcd-0`, `prod-general-12`. */
export function nodeName(cluster: string, roleOrPool: string, ordinal: number): string {
    return `${cluster}-${roleOrPool}-${ordinal}`;
}

/** `<cluster>-<role or pool>-pg-<index>`, e.g. `prod-etcd-pg-0`. */
export function placementGroupName(cluster: string, roleOrPool: string, index: number): string {
    return `${cluster}-${roleOrPool}-pg-${index}`;
}

/** `<cluster>_<4 hex of the public key's SHA-256>`: key pair names allow only `[A-Za-z0-9_]` and at most 25 characters. */
export function keyPairName(cluster: string, publicKey: string): string {
    // Tencent key pair names are unique in an account: a new deploy key gets a new name, so its key
    // pair can be created before the old one leaves the state.
    return `${cluster.replace(/-/g, "_")}_${createHash("sha256").update(publicKey.trim()).digest("hex").slice(0, 4)}`;
}

/** Name of the API endpoint's CLB (1-60 characters of letters, digits, `_` and `-`). */
export function clbName(cluster: string): string {
    return `${cluster}-apiserver`;
}

/** Bucket name before the `-<10-digit appid>` suffix COS requires. */
export function backupBucketPrefix(cluster: string): string {
    return `${cluster}-etcd-backup`;
}

/** Name of the replica bucket (`backup.replicaRegion`) before its `-<appid>` suffix: at most 33 characters. */
export function backupReplicaPrefix(cluster: string): string {
    return `${cluster}-etcd-replica`;
}

/**
 * Name of the CAM role the etcd members upload snapshots with, and of its policy. CAM names are
 * account-wide, not regional: the region keeps two same-named clusters in two regions apart.
 */
export function backupRoleName(cluster: string, region: string): string {
    return `${cluster}-etcd-backup-${region}`;
}

/** Provider limits that derived names must meet (fact sheet §5). */
export const NAME_RULES: readonly { what: string; limit: number; charset: RegExp; allowed: string }[] = [
    { what: "hostname / instance name", limit: 60, charset: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, allowed: "a-z, 0-9 and '-'" },
    { what: "placement group name", limit: 60, charset: /^[A-Za-z0-9_.-]+$/, allowed: "letters, digits, '_', '.', '-'" },
    { what: "key pair name", limit: 25, charset: /^[A-Za-z0-9_]+$/, allowed: "letters, digits and '_'" },
    { what: "CLB name", limit: 60, charset: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '_' and '-'" },
    { what: "COS bucket name", limit: 49, charset: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, allowed: "a-z, 0-9 and '-' (60 with the -appid suffix)" },
];

/** The longest name of each kind a configuration produces, with the rule it must meet. */
export function longestDerivedNames(cluster: string, pools: readonly { name: string; count: number }[]): Map<string, string> {
    const roles = [...RESERVED_ROLE_NAMES, ...pools.map((p) => p.name)];
    const longest = (names: string[]) => names.reduce((a, b) => (b.length > a.length ? b : a), "");
    const maxOrdinal = Math.max(9, ...pools.map((p) => p.count - 1));
    return new Map([
        ["hostname / instance name", longest(roles.map((r) => nodeName(cluster, r, maxOrdinal)))],
        ["placement group name", longest(roles.map((r) => placementGroupName(cluster, r, 9)))],
        ["key pair name", keyPairName(cluster, "any public key")],
        ["CLB name", clbName(cluster)],
        ["COS bucket name", backupBucketPrefix(cluster)],
    ]);
}
