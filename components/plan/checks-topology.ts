// Cross-field checks of roles, counts, zone references, versions, names and address blocks.

import { busiestZoneCount, lastUsableOffset, MIN_SUBNET_PREFIX, poolBlockStarts } from "./addressing";
import { parseCidr } from "./cidr";
import type { Findings, PartialConfig } from "./checks-network";
import { longestDerivedNames, NAME_RULES, RESERVED_ROLE_NAMES } from "./naming";
import { didYouMean } from "./errors";
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_MINORS, parseKubernetesVersion, supportedMinorList } from "./versions";

const NOT_SSD = new Set(["CLOUD_BASIC", "CLOUD_PREMIUM"]);

/** Every place a configuration names zones, with its path. */
function zoneReferences(c: PartialConfig): { path: string; zone: string }[] {
    const refs: { path: string; zone: string }[] = [];
    const add = (prefix: string, zones: readonly string[] | undefined) =>
        zones?.forEach((zone, i) => refs.push({ path: `${prefix}[${i}]`, zone }));
    add("etcd.zones", c.etcd?.zones);
    add("controlPlane.zones", c.controlPlane?.zones);
    c.workerPools?.forEach((p, i) => add(`workerPools[${i}].zones`, p.zones));
    const e = c.apiEndpoint;
    if (e?.kind === "keepalived-haproxy" || e?.kind === "lvs-haproxy") {
        add("apiEndpoint.zones", e.zones);
    } else if (e?.kind === "clb" && e.zone) {
        refs.push({ path: "apiEndpoint.zone", zone: e.zone });
    }
    if (c.bastion?.zone) {
        refs.push({ path: "bastion.zone", zone: c.bastion.zone });
    }
    return refs;
}

function zoneReferenceChecks(c: PartialConfig, out: Findings): void {
    if (!c.zones) {
        return;
    }
    const known = c.zones.map((z) => z.zone);
    for (const ref of zoneReferences(c)) {
        if (!known.includes(ref.zone)) {
            const guess = didYouMean(ref.zone, known);
            out.errors.push({
                path: ref.path, got: ref.zone,
                problem: `has no subnet: zones lists only ${known.join(", ")}`,
                fix: guess ? `did you mean ${guess}? Otherwise add { zone: ${ref.zone}, subnetCidr: … } to zones` : `add { zone: ${ref.zone}, subnetCidr: … } to zones, or use a listed zone`,
            });
        }
    }
    const e = c.apiEndpoint;
    if ((e?.kind === "keepalived-haproxy" || e?.kind === "lvs-haproxy") && e.zones && e.zones.length > 1) {
        out.errors.push({
            path: "apiEndpoint.zones", got: e.zones,
            problem: `spans ${e.zones.length} zones, but a ${e.kind} tier floats one HAVIP, which lives in one subnet and so in one zone`,
            fix: "keep the LB tier in one zone, or use kind: clb for an endpoint that serves several zones",
        });
    }
}

function poolChecks(c: PartialConfig, out: Findings): void {
    const seen = new Set<string>();
    c.workerPools?.forEach((p, i) => {
        if (seen.has(p.name)) {
            out.errors.push({ path: `workerPools[${i}].name`, got: p.name, problem: "is used by an earlier pool; pool names key their nodes", fix: "give every pool a unique name" });
        }
        seen.add(p.name);
        if (RESERVED_ROLE_NAMES.includes(p.name)) {
            out.errors.push({ path: `workerPools[${i}].name`, got: p.name, problem: `is a reserved role name (${RESERVED_ROLE_NAMES.join(", ")}); node names would collide`, fix: "rename the pool, e.g. general" });
        }
        const zones = p.zones?.length ?? c.zones?.length ?? 1;
        if (busiestZoneCount(p.count, zones) > p.maxPerZone) {
            out.errors.push({
                path: `workerPools[${i}].count`, got: p.count,
                problem: `puts ${busiestZoneCount(p.count, zones)} nodes in one zone but the pool reserves ${p.maxPerZone} addresses per zone (maxPerZone)`,
                fix: `raise workerPools[${i}].maxPerZone (only for the last pool: growing an earlier pool's block moves the pools after it) or spread the pool over more zones`,
            });
        }
    });
}

function addressBlockChecks(c: PartialConfig, out: Findings): void {
    if (!c.zones || !c.workerPools) {
        return;
    }
    const starts = poolBlockStarts(c.workerPools);
    c.workerPools.forEach((p, i) => {
        const end = starts[i] + p.maxPerZone - 1;
        for (const zone of p.zones ?? c.zones!.map((z) => z.zone)) {
            const entry = c.zones!.find((z) => z.zone === zone);
            const subnet = entry ? parseCidr(entry.subnetCidr) : undefined;
            // Subnets below the minimum size are reported by the network checks already.
            if (entry && subnet && subnet.prefix <= MIN_SUBNET_PREFIX && end > lastUsableOffset(subnet)) {
                out.errors.push({
                    path: `workerPools[${i}].maxPerZone`, got: p.maxPerZone,
                    problem: `puts the pool's addresses at offsets ${starts[i]}-${end} of ${entry.subnetCidr} (${zone}), past its last usable offset ${lastUsableOffset(subnet)}`,
                    fix: "lower maxPerZone of this or earlier pools, or use a larger subnet",
                });
            }
        }
    });
}

function countChecks(c: PartialConfig, out: Findings): void {
    if (!c.etcd || !c.controlPlane) {
        return;
    }
    const stacked = c.etcd.topology === "stacked";
    if (stacked && c.etcd.members !== undefined && c.etcd.members !== c.controlPlane.count) {
        out.errors.push({ path: "etcd.members", got: c.etcd.members, problem: `differs from controlPlane.count (${c.controlPlane.count}); stacked etcd runs one member on each master`, fix: "remove etcd.members, or set controlPlane.count to the member count you want" });
    }
    const members = stacked ? c.controlPlane.count : c.etcd.members ?? 3;
    const path = stacked ? "controlPlane.count" : "etcd.members";
    const target = c.profile === "production" ? out.errors : out.warnings;
    if (members % 2 === 0) {
        target.push({ path, got: members, problem: `is even: ${members} etcd members tolerate ${members / 2 - 1} failure(s), the same as ${members - 1}, but need a larger quorum${stacked ? " (stacked etcd runs one member per master)" : ""}`, fix: `use ${members - 1} or ${members + 1}` });
    }
    if (members < 3) {
        target.push({ path, got: members, problem: `gives etcd no fault tolerance: ${members} member(s) survive no failure`, fix: "use 3 (tolerates 1 failure) or 5 (tolerates 2)" });
    }
    if (c.controlPlane.count < 2 && !stacked) {
        target.push({ path: "controlPlane.count", got: c.controlPlane.count, problem: "leaves the API with one master: its loss stops the control plane", fix: "use 2 or more masters (3 is typical)" });
    }
    if (c.profile === "production" && NOT_SSD.has(c.etcd.dataDisk.type) && !stacked) {
        out.errors.push({ path: "etcd.dataDisk.type", got: c.etcd.dataDisk.type, problem: "is not an SSD class; etcd's fsync latency on it causes leader elections under load", fix: "use CLOUD_SSD or CLOUD_HSSD" });
    }
}

function certificateChecks(c: PartialConfig, out: Findings): void {
    const cert = c.certificates;
    if (!cert) {
        return;
    }
    if (cert.leafValidityHours >= cert.caValidityHours) {
        out.errors.push({ path: "certificates.leafValidityHours", got: cert.leafValidityHours, problem: `is not shorter than certificates.caValidityHours (${cert.caValidityHours}): a leaf cannot outlive its CA`, fix: "keep leaf certificates shorter-lived than the CA (defaults: 8760 and 87600)" });
    }
    if (cert.earlyRenewalHours * 2 > cert.leafValidityHours) {
        out.errors.push({ path: "certificates.earlyRenewalHours", got: cert.earlyRenewalHours, problem: `is more than half of certificates.leafValidityHours (${cert.leafValidityHours}): every update would renew the certificates`, fix: "use at most half the leaf validity (default 720 hours, 30 days)" });
    }
}

/**
 * Backup intervals the timer can express with one systemd OnCalendar step: a step of the hour
 * (5-30 minutes dividing 60) or a whole number of hours dividing the day (60-1440 minutes).
 */
export const BACKUP_INTERVALS = [5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440] as const;

function backupChecks(c: PartialConfig, out: Findings): void {
    const b = c.backup;
    if (!b) {
        return;
    }
    if (!(BACKUP_INTERVALS as readonly number[]).includes(b.intervalMinutes)) {
        const near = BACKUP_INTERVALS.reduce((best, v) => (Math.abs(v - b.intervalMinutes) < Math.abs(best - b.intervalMinutes) ? v : best));
        out.errors.push({
            path: "backup.intervalMinutes", got: b.intervalMinutes,
            problem: `is not a step of the hour or of the day: every member's timer fires on the same systemd OnCalendar step (allowed: ${BACKUP_INTERVALS.join(", ")})`,
            fix: `use ${near}, the nearest allowed interval`,
        });
    }
    if (b.keepAllHours % 24 !== 0) {
        out.errors.push({
            path: "backup.keepAllHours", got: b.keepAllHours,
            problem: "is not a whole number of days: the bucket's lifecycle rules expire objects after whole days",
            fix: `use ${Math.ceil(b.keepAllHours / 24) * 24} (${Math.ceil(b.keepAllHours / 24)} days)`,
        });
    }
}

/** Names the releases still maintained on `today`, or says that none is. */
function maintainedFix(today: string): string {
    const maintained = [...KUBERNETES_MINORS].filter(([, m]) => m.endOfLife >= today).map(([minor]) => `1.${minor}`);
    return maintained.length > 0
        ? `move to a minor maintained on ${today} (${maintained.join(", ")}), e.g. kubernetesVersion: "${DEFAULT_KUBERNETES_VERSION}"`
        : `no minor this version renders for is maintained on ${today}: upgrade kubeadm-ha-tencentcloud for a newer Kubernetes`;
}

function versionChecks(c: PartialConfig, today: string, out: Findings): void {
    if (c.kubernetesVersion === undefined) {
        return;
    }
    const v = parseKubernetesVersion(c.kubernetesVersion);
    const minor = v ? KUBERNETES_MINORS.get(v.minor) : undefined;
    if (!v || !minor) {
        out.errors.push({ path: "kubernetesVersion", got: c.kubernetesVersion, problem: `is not supported: nodes are configured with kubeadm.k8s.io/v1beta4, rendered for ${supportedMinorList()}`, fix: "use a release of a supported minor, e.g. 1.37.2" });
        return;
    }
    if (minor.endOfLife < today) {
        (c.profile === "production" ? out.errors : out.warnings).push({
            path: "kubernetesVersion", got: c.kubernetesVersion,
            problem: `is past upstream end of life (1.${v.minor} ended ${minor.endOfLife}) and gets no security fixes`,
            fix: maintainedFix(today),
        });
    }
}

function nameChecks(c: PartialConfig, out: Findings): void {
    if (!c.name || !c.workerPools) {
        return;
    }
    const longest = longestDerivedNames(c.name, c.workerPools);
    for (const rule of NAME_RULES) {
        const name = longest.get(rule.what) ?? "";
        if (name.length > rule.limit || !rule.charset.test(name)) {
            out.errors.push({
                path: "name", got: c.name,
                problem: `makes the ${rule.what} '${name}' (${name.length} characters), but Tencent allows at most ${rule.limit} of ${rule.allowed}`,
                fix: "use a shorter cluster or pool name",
            });
        }
    }
}

/** Roles, counts, zone references, versions, names, address blocks, certificates and backups. */
export function topologyChecks(c: PartialConfig, today: string, out: Findings): void {
    zoneReferenceChecks(c, out);
    poolChecks(c, out);
    addressBlockChecks(c, out);
    countChecks(c, out);
    versionChecks(c, today, out);
    nameChecks(c, out);
    certificateChecks(c, out);
    backupChecks(c, out);
}
