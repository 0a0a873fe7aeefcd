// The change guard's snapshot of a plan: per machine, every field whose change the provider
// turns into a replacement, a reinstall, a restart, a move or an in-place update (change-rules.ts),
// plus the endpoint. Exported as the stack output `changeGuardSnapshot` and read back by the next
// update. Pure.

import { ValidationError } from "./errors";
import type { ClusterPlan } from "./plan";
import type { ClusterSpec, Role } from "./spec";

/** Machines whose disks hold the cluster's state (etcd members, masters): never reinstalled, on SSD system disks. */
export const STATEFUL_ROLES: ReadonlySet<Role> = new Set<Role>(["etcd", "master"]);

/** What decides whether a machine survives an update, per node. Stored as the stack output `changeGuardSnapshot`. */
export interface GuardNode {
    readonly name: string;
    readonly role: Role;
    readonly etcdMember: boolean;
    readonly zone: string;
    readonly subnetCidr: string;
    readonly privateIp: string;
    readonly instanceType: string;
    readonly placementGroup?: string;
    /** `<level>:<affinity>` of the placement group (absent in snapshots before it was recorded). */
    readonly placement?: string;
    /** `<type>:<GB>` of the etcd data disk (etcd members of the external topology only). */
    readonly dataDisk?: string;
    /** `<type>:<GB>` of the system disk. */
    readonly systemDisk?: string;
    /** The OS image the machine runs (absent in snapshots before it was recorded). */
    readonly image?: string;
}

export interface GuardSnapshot {
    readonly version: 1;
    readonly cluster: string;
    readonly endpoint: {
        readonly kind: string; readonly address: string; readonly port: number; readonly dnsName: string;
        /** The zone of the VIP's subnet (absent for node-local proxies and in older snapshots). */
        readonly zone?: string;
        /** A public CLB or EIP in front (absent in older snapshots). */
        readonly publicAccess?: boolean;
        /** The HAVIP has a switch range (`checkAssociate`); absent in snapshots before it had one. */
        readonly switchRange?: boolean;
    };
    /** The image new machines get: the pinned one, else the one the first deployment looked up. */
    readonly image?: string;
    /** The Kubernetes release the machines were set up with (absent in snapshots before it was recorded). */
    readonly kubernetesVersion?: string;
    /**
     * Machines whose SSH host key Pulumi made and installed at first boot, so every command pins it
     * (`pinnedHostKeys`). Absent in snapshots before host keys were pinned: none of those machines is.
     */
    readonly pinnedHostKeys?: readonly string[];
    readonly nodes: readonly GuardNode[];
}

/** System disk of a role's machines (`<type>:<GB>`), as ClusterInstance creates it. */
export function systemDiskOf(role: Role): string {
    return `${STATEFUL_ROLES.has(role) ? "CLOUD_SSD" : "CLOUD_PREMIUM"}:${SYSTEM_DISK_GB}`;
}
export const SYSTEM_DISK_GB = 50;

/**
 * The snapshot of a plan: what the guard compares next time. `images.nodeImages` gives the
 * machines that keep their own image (`rollOutPlan`'s result fits); every other one gets
 * `images.image` (the cluster's image, when known).
 */
export function guardSnapshot(spec: ClusterSpec, plan: ClusterPlan, images: { readonly image?: string; readonly nodeImages?: Readonly<Record<string, string>> } = {},
    pinned: readonly string[] = plan.nodes.map((n) => n.name), switchRange = true): GuardSnapshot {
    const cidr = new Map(spec.zones.map((z) => [z.zone, z.subnetCidr]));
    const groups = new Map(plan.placementGroups.map((g) => [g.name, `${g.level}:${g.affinity}`]));
    const external = spec.etcd.topology === "external";
    return {
        version: 1, cluster: plan.cluster.name,
        endpoint: {
            kind: plan.endpoint.kind, address: plan.endpoint.vip ?? "127.0.0.1", port: plan.endpoint.port, dnsName: plan.endpoint.dnsName,
            ...(plan.endpoint.zone && plan.endpoint.kind !== "node-local-proxy" ? { zone: plan.endpoint.zone } : {}), publicAccess: plan.endpoint.publicAccess,
            ...(hasHavip(plan) ? { switchRange } : {}),
        },
        ...(images.image ? { image: images.image } : {}),
        kubernetesVersion: spec.kubernetes.version,
        pinnedHostKeys: plan.nodes.filter((n) => pinned.includes(n.name)).map((n) => n.name),
        nodes: plan.nodes.map((n) => {
            const image = images.nodeImages?.[n.name] ?? images.image;
            return {
                name: n.name, role: n.role, etcdMember: n.etcdMember, zone: n.zone, subnetCidr: cidr.get(n.zone) ?? "", privateIp: n.privateIp,
                instanceType: n.instanceType, ...(n.placementGroup ? { placementGroup: n.placementGroup, placement: groups.get(n.placementGroup) } : {}),
                ...(external && n.role === "etcd" ? { dataDisk: `${spec.etcd.dataDisk.type}:${spec.etcd.dataDisk.sizeGb}` } : {}),
                systemDisk: systemDiskOf(n.role), ...(image ? { image } : {}),
            };
        }),
    };
}

/**
 * Which machines get a host key made by Pulumi and pinned in every command. A machine boots its
 * user-data once, so a deployed machine that booted without one (a snapshot before host keys, or
 * not in its list) cannot take one: it stays unpinned until it is replaced. New machines are pinned.
 */
export function pinnedHostKeys(plan: ClusterPlan, previous: GuardSnapshot | undefined): { readonly pinned: string[]; readonly unpinned: string[] } {
    const deployed = new Set((previous?.nodes ?? []).map((n) => n.name));
    const before = new Set(previous?.pinnedHostKeys ?? []);
    const names = plan.nodes.map((n) => n.name);
    return { pinned: names.filter((n) => !deployed.has(n) || before.has(n)), unpinned: names.filter((n) => deployed.has(n) && !before.has(n)) };
}

/** Whether an endpoint of `kind` floats a HAVIP (keepalived-haproxy, lvs-haproxy). */
function floatsHavip(kind: string): boolean {
    return kind === "keepalived-haproxy" || kind === "lvs-haproxy";
}

/** Whether the plan's endpoint floats a HAVIP. */
export function hasHavip(plan: ClusterPlan): boolean {
    return floatsHavip(plan.endpoint.kind);
}

/**
 * Whether the HAVIP gets a switch range: a new cluster's does; a deployed one keeps what its
 * snapshot says (`checkAssociate` is ForceNew on a HAVIP with a fixed address, and a replacement
 * made before the old one is deleted would find the address taken). `unprotected` is true for a
 * deployed HAVIP without one (the update warns).
 */
export function havipSwitchRange(plan: ClusterPlan, previous: GuardSnapshot | undefined): { readonly switchRange: boolean; readonly unprotected: boolean } {
    if (!hasHavip(plan)) {
        return { switchRange: false, unprotected: false };
    }
    const deployed = previous !== undefined && floatsHavip(previous.endpoint.kind);
    const switchRange = deployed ? previous.endpoint.switchRange === true : true;
    return { switchRange, unprotected: !switchRange };
}

/** Reads a snapshot from JSON: the stack output itself, or `npm run plan -- --json` output that carries one. */
export function parseGuardSnapshot(value: unknown, source: string): GuardSnapshot {
    const v = (value && typeof value === "object" && "changeGuardSnapshot" in value ? (value as { changeGuardSnapshot: unknown }).changeGuardSnapshot : value) as Partial<GuardSnapshot>;
    if (!v || v.version !== 1 || !Array.isArray(v.nodes) || !v.endpoint || typeof v.cluster !== "string") {
        throw new ValidationError([{
            path: source, got: v && typeof v === "object" ? Object.keys(v).slice(0, 6).join(",") : v,
            problem: "is not a change-guard snapshot (version 1 with cluster, endpoint and nodes)",
            fix: "pass `pulumi stack output changeGuardSnapshot --json` of the deployed stack, or the `npm run plan -- --json` output of the deployed config",
        }], "previous plan");
    }
    return v as GuardSnapshot;
}
