// ClusterSpec: the validated, fully defaulted description of one cluster. Everything the planner
// needs is resolved here (zones of every role, the endpoint's LB tiers, placement capacity), so
// planning is a pure function of this value.

import type { ClusterConfig } from "./config-types";
import { DEFAULT_KUBERNETES_VERSION, KubernetesVersion, parseKubernetesVersion } from "./versions";

export type Profile = "dev" | "production";
export type PlacementLevel = "HOST" | "SW" | "RACK";
export type EndpointKind = "clb" | "keepalived-haproxy" | "lvs-haproxy" | "node-local-proxy";
/** Roles of the machines the planner places. Workers carry their pool name separately. */
export type Role = "etcd" | "master" | "lb" | "lvs" | "haproxy" | "bastion" | "worker";

/** Default per-group capacity by level: the example quotas of DescribeDisasterRecoverGroupQuota. */
export const DEFAULT_GROUP_CAPACITY: Readonly<Record<PlacementLevel, number>> = { HOST: 50, SW: 20, RACK: 30 };

/** One tier of load-balancer machines of the API endpoint. */
export interface LbTier {
    readonly role: "lb" | "lvs" | "haproxy";
    readonly count: number;
    readonly instanceType: string;
}

export interface EndpointSpec {
    readonly kind: EndpointKind;
    /** Port clients use, normally 6443. */
    readonly port: number;
    /** DNS name in every certificate and kubeconfig; masters resolve it to themselves. */
    readonly dnsName: string;
    /** Zone of the VIP (clb: subnet of the internal VIP; keepalived/lvs: the LB machines). */
    readonly zone?: string;
    /** LB machines, in address order (empty for clb and node-local-proxy). */
    readonly tiers: readonly LbTier[];
    /** Public entry: CLB OPEN, EIP on the HAVIP, or a public CLB in front of LVS. */
    readonly publicAccess: boolean;
    readonly virtualRouterId?: number;
    readonly proxy?: "haproxy" | "nginx";
    /** node-local-proxy: the proxy's image when the stack pins its own (by digest in production). */
    readonly proxyImage?: string;
}

export interface PoolSpec {
    readonly name: string;
    readonly count: number;
    readonly instanceType: string;
    readonly zones: readonly string[];
    readonly maxPerZone: number;
    readonly spread: boolean;
}

export interface ClusterSpec {
    readonly name: string;
    readonly profile: Profile;
    readonly region: string;
    readonly kubernetes: KubernetesVersion;
    readonly zones: readonly { readonly zone: string; readonly subnetCidr: string }[];
    readonly network: ClusterConfig["network"];
    readonly etcd: {
        readonly topology: "external" | "stacked";
        readonly members: number;
        readonly instanceType: string;
        readonly dataDisk: { readonly type: string; readonly sizeGb: number };
        readonly zones: readonly string[];
    };
    readonly controlPlane: { readonly count: number; readonly instanceType: string; readonly zones: readonly string[] };
    readonly workerPools: readonly PoolSpec[];
    readonly apiEndpoint: EndpointSpec;
    readonly placement: { readonly level: PlacementLevel; readonly affinity: number; readonly groupCapacity: number };
    readonly ssh: ClusterConfig["ssh"];
    readonly bastion: { readonly zone: string; readonly instanceType: string; readonly allowedCidrs: readonly string[] };
    readonly image: ClusterConfig["image"];
    readonly mirrors: ClusterConfig["mirrors"];
    /** Pod Security admission defaults and the apiserver's audit log. */
    readonly apiServer: ClusterConfig["apiServer"];
    /** Validity of the CAs and leaf certificates (hours), Pulumi's early renewal, the masters' monthly renewal timer. */
    readonly certificates: ClusterConfig["certificates"];
    /**
     * etcd snapshots: whether members upload them, every `intervalMinutes` (a step of the hour or
     * of the day, default 30); `keepAllHours` (whole days, default 48) and `keepDailyDays` (default
     * 30) are the retention the bucket's lifecycle rules enforce; `keepBucketOnDestroy` (default
     * true) leaves the bucket and its snapshots behind on `pulumi destroy`.
     */
    readonly backup: ClusterConfig["backup"];
    readonly acceptRisks: readonly "zone-loss"[];
    readonly tags: Readonly<Record<string, string>>;
}

function endpointSpec(c: ClusterConfig, firstZone: string): EndpointSpec {
    const e = c.apiEndpoint;
    const dnsName = e.dnsName ?? `api.${c.name}.internal`;
    switch (e.kind) {
        case "clb":
            return { kind: e.kind, port: e.port, dnsName, zone: e.zone ?? firstZone, tiers: [], publicAccess: e.public };
        case "keepalived-haproxy":
            return {
                kind: e.kind, port: e.port, dnsName, zone: e.zones?.[0] ?? firstZone, publicAccess: e.publicEip,
                tiers: [{ role: "lb", count: e.count, instanceType: e.instanceType }], virtualRouterId: e.virtualRouterId,
            };
        case "lvs-haproxy":
            return {
                kind: e.kind, port: e.port, dnsName, zone: e.zones?.[0] ?? firstZone, publicAccess: e.publicClb,
                tiers: [{ role: "lvs", ...e.lvs }, { role: "haproxy", ...e.haproxy }], virtualRouterId: e.virtualRouterId,
            };
        case "node-local-proxy":
            return { kind: e.kind, port: e.port, dnsName, tiers: [], publicAccess: false, proxy: e.proxy, ...(e.proxyImage ? { proxyImage: e.proxyImage } : {}) };
    }
}

/** Resolves defaults that depend on other fields. Call only on a configuration the checks accepted. */
export function toClusterSpec(c: ClusterConfig): ClusterSpec {
    const zoneNames = c.zones.map((z) => z.zone);
    const kubernetes = parseKubernetesVersion(c.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
    if (!kubernetes) {
        throw new Error(`unparsable Kubernetes version ${c.kubernetesVersion}`);
    }
    const stacked = c.etcd.topology === "stacked";
    return {
        name: c.name,
        profile: c.profile,
        region: c.region,
        kubernetes,
        zones: c.zones,
        network: c.network,
        etcd: {
            topology: c.etcd.topology,
            members: stacked ? c.controlPlane.count : c.etcd.members ?? 3,
            instanceType: c.etcd.instanceType,
            dataDisk: c.etcd.dataDisk,
            zones: stacked ? c.controlPlane.zones ?? zoneNames : c.etcd.zones ?? zoneNames,
        },
        controlPlane: { count: c.controlPlane.count, instanceType: c.controlPlane.instanceType, zones: c.controlPlane.zones ?? zoneNames },
        workerPools: c.workerPools.map((p) => ({ ...p, zones: p.zones ?? zoneNames })),
        apiEndpoint: endpointSpec(c, zoneNames[0]),
        placement: {
            level: c.placement.level,
            affinity: c.placement.affinity,
            groupCapacity: c.placement.groupCapacity ?? DEFAULT_GROUP_CAPACITY[c.placement.level],
        },
        ssh: c.ssh,
        bastion: { zone: c.bastion.zone ?? zoneNames[0], instanceType: c.bastion.instanceType, allowedCidrs: c.bastion.allowedCidrs },
        image: c.image,
        mirrors: c.mirrors,
        apiServer: c.apiServer,
        certificates: c.certificates,
        backup: c.backup,
        acceptRisks: c.acceptRisks,
        tags: c.tags,
    };
}
