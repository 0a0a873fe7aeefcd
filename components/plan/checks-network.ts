// Cross-field checks of zones and address ranges. Each check runs only when the sections it
// reads parsed on their own, so one bad field never hides another problem.

import { MIN_SUBNET_PREFIX } from "./addressing";
import { Cidr, contains, overlaps, parseCidr, PRIVATE_RANGES, WIDEST_PUBLIC_PREFIX, widePublicRange } from "./cidr";
import { proxyImageProblem } from "./images";
import { didYouMean, type Issue, type Warning } from "./errors";
import type { ClusterConfig } from "./config-types";

/** What the checks found: errors stop planning, warnings are printed with the plan. */
export interface Findings {
    readonly errors: Issue[];
    readonly warnings: Warning[];
}

export type PartialConfig = Partial<ClusterConfig>;

/** Kubernetes gives each node a /24 of the pod range (kube-controller-manager's default mask). */
const NODE_POD_PREFIX = 24;
/** kube-apiserver refuses IPv4 service ranges larger than a /12. */
const MAX_SERVICE_PREFIX = 12;

function zoneChecks(c: PartialConfig, out: Findings): void {
    if (!c.zones) {
        return;
    }
    const seen = new Map<string, number>();
    c.zones.forEach((z, i) => {
        const first = seen.get(z.zone);
        if (first !== undefined) {
            out.errors.push({ path: `zones[${i}].zone`, got: z.zone, problem: `is listed twice (also zones[${first}]); a zone has one subnet`, fix: "list each zone once" });
        }
        seen.set(z.zone, i);
        if (c.region && !new RegExp(`^${c.region}-\\d+$`).test(z.zone)) {
            const n = /-(\d+)$/.exec(z.zone)?.[1];
            const guess = n && didYouMean(z.zone, [`${c.region}-${n}`]);
            out.errors.push({
                path: `zones[${i}].zone`, got: z.zone,
                problem: `is not a zone of region ${c.region} (its zones are named ${c.region}-<n>)`,
                fix: guess ? `did you mean ${guess}? Otherwise use a zone of ${c.region}, or change region` : `use a zone of ${c.region}, or change region`,
            });
        }
    });
}

function subnetChecks(c: PartialConfig, vpc: Cidr, out: Findings): void {
    const subnets = (c.zones ?? []).map((z) => parseCidr(z.subnetCidr));
    subnets.forEach((s, i) => {
        const path = `zones[${i}].subnetCidr`;
        if (!contains(vpc, s)) {
            out.errors.push({ path, got: s.text, problem: `is outside the VPC range ${vpc.text}`, fix: `choose a block inside ${vpc.text}, or widen network.vpcCidr` });
        }
        if (s.prefix > MIN_SUBNET_PREFIX) {
            out.errors.push({
                path, got: s.text,
                problem: `is smaller than /${MIN_SUBNET_PREFIX}; the address layout needs 64 addresses for the control plane alone`,
                fix: `use a /${MIN_SUBNET_PREFIX} or larger block (a /24 is typical)`,
            });
        }
        subnets.slice(0, i).forEach((other, j) => {
            if (overlaps(s, other)) {
                out.errors.push({ path, got: s.text, problem: `overlaps zones[${j}].subnetCidr ${other.text}`, fix: "give every zone its own, non-overlapping block" });
            }
        });
    });
}

function rangeChecks(net: NonNullable<PartialConfig["network"]>, out: Findings): void {
    const vpc = parseCidr(net.vpcCidr);
    const pod = parseCidr(net.podCidr);
    const svc = parseCidr(net.serviceCidr);
    if (!PRIVATE_RANGES.some((r) => contains(r, vpc))) {
        out.errors.push({ path: "network.vpcCidr", got: vpc.text, problem: "is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, the ranges a Tencent VPC accepts", fix: "pick a private range such as 10.0.0.0/16" });
    }
    if (overlaps(pod, vpc)) {
        out.errors.push({ path: "network.podCidr", got: pod.text, problem: `overlaps the VPC range ${vpc.text}; pod and node addresses would be ambiguous`, fix: "choose a pod range outside the VPC, e.g. 10.244.0.0/16 with a 10.0.0.0/16 VPC" });
    }
    if (overlaps(svc, vpc)) {
        out.errors.push({ path: "network.serviceCidr", got: svc.text, problem: `overlaps the VPC range ${vpc.text}`, fix: "choose a service range outside the VPC, e.g. 10.96.0.0/12" });
    }
    if (overlaps(svc, pod)) {
        out.errors.push({ path: "network.serviceCidr", got: svc.text, problem: `overlaps network.podCidr ${pod.text}`, fix: "give services and pods separate ranges" });
    }
    if (svc.prefix < MAX_SERVICE_PREFIX) {
        out.errors.push({ path: "network.serviceCidr", got: svc.text, problem: `is larger than a /${MAX_SERVICE_PREFIX}, which kube-apiserver refuses`, fix: `use a /${MAX_SERVICE_PREFIX} or smaller block` });
    }
    if (pod.prefix > NODE_POD_PREFIX) {
        out.errors.push({ path: "network.podCidr", got: pod.text, problem: `is smaller than a /${NODE_POD_PREFIX}, but every node takes a /${NODE_POD_PREFIX} of it`, fix: "use a /16 (room for 256 nodes) or larger" });
    }
}

function podCapacityCheck(c: PartialConfig, out: Findings): void {
    if (!c.network || !c.controlPlane || !c.workerPools) {
        return;
    }
    const pod = parseCidr(c.network.podCidr);
    const nodes = c.controlPlane.count + c.workerPools.reduce((n, p) => n + p.count, 0);
    const capacity = 2 ** Math.max(0, NODE_POD_PREFIX - pod.prefix);
    if (pod.prefix <= NODE_POD_PREFIX && nodes > capacity) {
        out.errors.push({
            path: "network.podCidr", got: pod.text,
            problem: `has room for ${capacity} nodes (one /${NODE_POD_PREFIX} each) but the cluster has ${nodes} Kubernetes nodes`,
            fix: `use a /${NODE_POD_PREFIX - Math.ceil(Math.log2(nodes))} or larger block`,
        });
    }
}

function publicEndpointCheck(c: PartialConfig, out: Findings): void {
    const e = c.apiEndpoint;
    const open = e?.kind === "clb" ? e.public : e?.kind === "keepalived-haproxy" ? e.publicEip : e?.kind === "lvs-haproxy" ? e.publicClb : false;
    if (open && c.network && c.network.adminCidrs.length === 0) {
        out.errors.push({
            path: "network.adminCidrs", got: [],
            problem: "is empty, but the API endpoint is public: only the admin ranges may reach it, so nobody could",
            fix: "list the ranges that may reach the API (your office or VPN egress), or turn public access off",
        });
    }
}

function accessChecks(c: PartialConfig, out: Findings): void {
    if (c.profile !== "production" || !c.bastion) {
        return;
    }
    if (c.bastion.allowedCidrs.length === 0) {
        out.errors.push({ path: "bastion.allowedCidrs", got: [], problem: "is empty, so nobody could reach the bastion (the only SSH entry)", fix: "list your office or VPN egress ranges, e.g. [203.0.113.0/24]" });
    }
    wideRanges("bastion.allowedCidrs", c.bastion.allowedCidrs, "SSH to the bastion", out);
    wideRanges("network.adminCidrs", c.network?.adminCidrs ?? [], "the API", out);
}

/** Production: each public range judged by its size (0.0.0.0/1 + 128.0.0.0/1 is the whole internet as surely as 0.0.0.0/0). */
function wideRanges(path: string, ranges: readonly string[], what: string, out: Findings): void {
    ranges.forEach((text, i) => {
        const r = parseCidr(text);
        if (widePublicRange(r)) {
            out.errors.push({
                path: `${path}[${i}]`, got: text,
                problem: r.prefix === 0 ? `opens ${what} to the whole internet, which the production profile refuses`
                    : `opens ${what} to ${(2 ** (32 - r.prefix)).toLocaleString("en-US")} public addresses, wider than the /${WIDEST_PUBLIC_PREFIX} the production profile allows`,
                fix: "list the egress ranges of your offices or VPN (each /16 or narrower)",
            });
        }
    });
}

/** Production: packages and images come over https only (http lets anyone on the path swap them). */
export function mirrorChecks(c: PartialConfig, out: Findings): void {
    if (c.profile !== "production" || !c.mirrors) {
        return;
    }
    const urls: [string, string | undefined][] = [["mirrors.kubernetesApt", c.mirrors.kubernetesApt], ["mirrors.ubuntuApt", c.mirrors.ubuntuApt],
        ...Object.entries(c.mirrors.registryMirrors ?? {}).flatMap(([host, list]) => list.map((u, i): [string, string] => [`mirrors.registryMirrors.${host}[${i}]`, u]))];
    for (const [path, u] of urls) {
        if (u?.startsWith("http://")) {
            out.errors.push({ path, got: u, problem: "is plain http: packages or images fetched from it could be swapped on the way, which the production profile refuses", fix: `use https://${u.slice("http://".length)}` });
        }
    }
}

/** The node-local proxy's image: a full reference, and by digest in production unless it is our own exact release. */
export function imageChecks(c: PartialConfig, out: Findings): void {
    const e = c.apiEndpoint as { kind?: string; proxyImage?: string } | undefined;
    if (e?.kind !== "node-local-proxy" || e.proxyImage === undefined) {
        return;
    }
    const p = proxyImageProblem(e.proxyImage, c.profile === "production");
    if (p) {
        out.errors.push({ path: "apiEndpoint.proxyImage", got: e.proxyImage, ...p });
    }
}

/** The backups' replica must be in another region than the bucket it copies. */
export function replicaCheck(c: PartialConfig, out: Findings): void {
    const r = (c.backup as { replicaRegion?: string } | undefined)?.replicaRegion;
    if (r !== undefined && r === c.region) {
        out.errors.push({ path: "backup.replicaRegion", got: r, problem: "is the cluster's own region: a copy there is lost with the region", fix: "name another region, e.g. ap-shanghai for a cluster in ap-guangzhou" });
    }
}

/** etcdEgressCidrs names the external etcd members' group; stacked members are masters, whose egress stays open. */
export function etcdEgressCheck(c: PartialConfig, out: Findings): void {
    const allowed = (c.network as { etcdEgressCidrs?: string[] } | undefined)?.etcdEgressCidrs;
    if (allowed !== undefined && c.etcd?.topology === "stacked") {
        out.errors.push({
            path: "network.etcdEgressCidrs", got: allowed,
            problem: "applies to external etcd members, but etcd.topology is stacked: the members are the masters, which pull images and reach the API's clients",
            fix: "remove network.etcdEgressCidrs, or set etcd.topology: external",
        });
    }
    allowed?.forEach((text, i) => {
        if (parseCidr(text).prefix === 0) {
            out.errors.push({ path: `network.etcdEgressCidrs[${i}]`, got: text, problem: "is the whole internet, so it restricts nothing", fix: "list the COS endpoint, mirror and DNS ranges the members need, or remove the setting" });
        }
    });
}

/** Zones, subnets, VPC/pod/service ranges and access ranges. */
export function networkChecks(c: PartialConfig, out: Findings): void {
    zoneChecks(c, out);
    if (c.network) {
        rangeChecks(c.network, out);
        subnetChecks(c, parseCidr(c.network.vpcCidr), out);
    }
    podCapacityCheck(c, out);
    accessChecks(c, out);
    mirrorChecks(c, out);
    imageChecks(c, out);
    replicaCheck(c, out);
    etcdEgressCheck(c, out);
    publicEndpointCheck(c, out);
}
