// The stack configuration schema (`kubeadm-ha:cluster` in stacks/Pulumi.<stack>.yaml).
// Field rules that need one value live here; rules across fields live in checks-*.ts.

import { z } from "zod";
import type { ClusterConfig, ClusterConfigInput } from "./config-types";
import { cidrProblem } from "./cidr";
import { FIX_SEPARATOR as FIX } from "./errors";
import { DEFAULT_KUBERNETES_VERSION, parseKubernetesVersion, supportedMinorList } from "./versions";

/** Integer field; numeric strings (as `pulumi config set` may store them) are accepted. */
function int(min: number, max: number, what: string) {
    return z.preprocess(
        (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
        z.number({ error: `must be a whole number (${what})` })
            .int({ error: `must be a whole number (${what})` })
            .min(min, { error: `must be at least ${min} (${what})` })
            .max(max, { error: `must be at most ${max} (${what})` }),
    );
}

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());

const REGION_RE = /^[a-z]{2}-[a-z]+(-[a-z]+)?$/;
const region = z.string().regex(REGION_RE, { error: `must be a Tencent Cloud region such as ap-guangzhou${FIX}use the region id, not its display name` });
const zoneName = z.string().regex(/^[a-z]{2}-[a-z]+(-[a-z]+)?-\d{1,2}$/,
    { error: `must be a zone such as ap-guangzhou-3${FIX}write the region, a dash and the zone number` });
const cidr = z.string().refine((s) => cidrProblem(s) === undefined, {
    error: (i) => {
        const p = cidrProblem(String(i.input));
        return `${p?.problem}${FIX}${p?.fix}`;
    },
}).meta({ description: "An IPv4 CIDR block in dotted-quad form, e.g. 10.0.0.0/16." });
const instanceType = z.string().regex(/^[A-Z][A-Z0-9]*\.[A-Z0-9]+$/,
    { error: `must be a CVM instance type such as S5.LARGE8${FIX}write the family, a dot and the size in capitals` });
const dnsName = z.string().max(253).regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    { error: `must be a lowercase DNS name such as api.prod.internal${FIX}use lowercase labels separated by dots` });
const url = z.string().regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, { error: `must be an http(s) URL${FIX}write the full URL, e.g. https://mirrors.tencent.com/…` });
const port = int(1, 65535, "a TCP port");
const DATA_DISK_TYPES = ["CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_BSSD", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_TSSD"] as const;

/** Pool names end up in instance names and hostnames: short, lowercase, DNS-safe. */
const POOL_NAME_RE = /^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/;
/** Cluster names prefix every resource, hostname and placement group. */
const CLUSTER_NAME_RE = /^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/;

const lbNodes = (count: [number, number], defaultType: string) => z.strictObject({
    count: int(count[0], count[1], "nodes in this tier").default(count[0]),
    instanceType: instanceType.default(defaultType),
});

const common = {
    port: port.default(6443),
    dnsName: dnsName.optional(),
};

const ApiEndpointSchema = z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("clb"), ...common, zone: zoneName.optional(), public: bool.default(false) }),
    z.strictObject({
        kind: z.literal("keepalived-haproxy"), ...common,
        zones: z.array(zoneName).min(1).optional(),
        count: int(2, 3, "LB nodes sharing the HAVIP").default(2),
        instanceType: instanceType.default("S5.MEDIUM2"),
        publicEip: bool.default(false),
        virtualRouterId: int(1, 255, "VRRP router id").default(51),
    }),
    z.strictObject({
        kind: z.literal("lvs-haproxy"), ...common,
        zones: z.array(zoneName).min(1).optional(),
        lvs: lbNodes([2, 3], "S5.MEDIUM2").default({ count: 2, instanceType: "S5.MEDIUM2" }),
        haproxy: lbNodes([2, 4], "S5.MEDIUM2").default({ count: 2, instanceType: "S5.MEDIUM2" }),
        publicClb: bool.default(false),
        virtualRouterId: int(1, 255, "VRRP router id").default(51),
    }),
    z.strictObject({
        kind: z.literal("node-local-proxy"), ...common, proxy: z.enum(["haproxy", "nginx"]).default("haproxy"),
        /** The proxy's image instead of the exact release of PROXY_IMAGES (plan/images.ts); production takes it by digest only. */
        proxyImage: z.string().optional(),
    }),
], { error: "must have kind: clb, keepalived-haproxy, lvs-haproxy or node-local-proxy" });

const WorkerPoolSchema = z.strictObject({
    name: z.string().regex(POOL_NAME_RE, { error: `must be 1-16 characters of a-z, 0-9 and '-', starting with a letter (it becomes part of hostnames)${FIX}use a short lowercase name such as general` }),
    count: int(0, 1000, "workers in the pool"),
    instanceType,
    zones: z.array(zoneName).min(1).optional(),
    maxPerZone: int(1, 4000, "addresses reserved per zone for this pool").default(50),
    spread: bool.default(false),
});

/** The OpenPGP key pkgs.k8s.io signs its repositories with (isv:kubernetes OBS Project; kubernetes/kubernetes#128609 shows it). */
export const PKGS_K8S_IO_KEY = "DE15B14486CD377B9E876E1A234654DA9A296436";

/** Pod Security Standards levels (Pod Security admission). */
const PSA_LEVEL = z.enum(["privileged", "baseline", "restricted"]);

/** The shape of `kubeadm-ha:cluster`; each key is parsed on its own so every problem is reported. */
export const ClusterSections = {
    name: z.string().regex(CLUSTER_NAME_RE, { error: `must be 1-20 characters of a-z, 0-9 and '-', starting with a letter (it prefixes hostnames, placement groups and key pairs, which Tencent limits to 60 and 25 characters)${FIX}use a short lowercase name such as prod-gz` }),
    profile: z.enum(["dev", "production"]).default("production"),
    region,
    kubernetesVersion: z.string().refine((s) => parseKubernetesVersion(s) !== undefined,
        { error: `must be an exact version such as 1.37.2 (supported minors: ${supportedMinorList()})${FIX}write major.minor.patch` })
        .meta({ description: `An exact release major.minor.patch of a supported minor (${supportedMinorList()}); unset: ${DEFAULT_KUBERNETES_VERSION}. Quote it in YAML.` }).optional(),
    zones: z.array(z.strictObject({ zone: zoneName, subnetCidr: cidr })).min(1, { error: "must list at least one zone" }),
    network: z.strictObject({
        vpcCidr: cidr,
        podCidr: cidr.default("10.244.0.0/16"),
        serviceCidr: cidr.default("10.96.0.0/12"),
        adminCidrs: z.array(cidr).default([]),
        /** The pod network master-0 installs: flannel (VXLAN), or none (bring your own). */
        cni: z.enum(["flannel", "none"]).default("flannel"),
        /**
         * Let pods reach the instance metadata service (169.254.0.23: the machine's CAM role
         * credentials and its user-data). @default false: every master and worker drops pod
         * traffic to it at boot
         */
        podMetadataAccess: bool.default(false),
        /**
         * The only ranges outside the VPC the external etcd members may send to: the backup
         * bucket's COS endpoint, the package and image mirrors, DNS and NTP servers (IPv4 CIDR
         * blocks). @default unset: etcd members' egress is open, like every other role's
         */
        etcdEgressCidrs: z.array(cidr).optional(),
    }),
    etcd: z.strictObject({
        topology: z.enum(["external", "stacked"]).default("external"),
        members: int(1, 7, "etcd members").optional(),
        instanceType: instanceType.default("S5.MEDIUM4"),
        dataDisk: z.strictObject({
            type: z.enum(DATA_DISK_TYPES).default("CLOUD_SSD"),
            sizeGb: int(20, 32000, "GB").default(50),
        }).default({ type: "CLOUD_SSD", sizeGb: 50 }),
        zones: z.array(zoneName).min(1).optional(),
    }).default({ topology: "external", instanceType: "S5.MEDIUM4", dataDisk: { type: "CLOUD_SSD", sizeGb: 50 } }),
    controlPlane: z.strictObject({
        count: int(1, 9, "masters").default(3),
        instanceType: instanceType.default("S5.LARGE8"),
        zones: z.array(zoneName).min(1).optional(),
    }).default({ count: 3, instanceType: "S5.LARGE8" }),
    workerPools: z.array(WorkerPoolSchema).default([]),
    apiEndpoint: ApiEndpointSchema.default({ kind: "clb", port: 6443, public: false }),
    placement: z.strictObject({
        level: z.enum(["HOST", "SW", "RACK"]).default("HOST"),
        affinity: int(1, 10, "instances of one group per host/switch/rack").default(1),
        groupCapacity: int(1, 1000, "instances per placement group").optional(),
    }).default({ level: "HOST", affinity: 1 }),
    ssh: z.strictObject({
        user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: `must be a Linux user name${FIX}use the image's login user, e.g. ubuntu` }).default("ubuntu"),
        publicKeys: z.array(z.string().regex(/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( \S.*)?$/,
            { error: `must be one OpenSSH public key line${FIX}paste the content of ~/.ssh/id_ed25519.pub (ssh-ed25519 AAAA… comment)` })).default([]),
    }).default({ user: "ubuntu", publicKeys: [] }),
    bastion: z.strictObject({
        zone: zoneName.optional(),
        instanceType: instanceType.default("S5.SMALL2"),
        allowedCidrs: z.array(cidr).default([]),
    }).default({ instanceType: "S5.SMALL2", allowedCidrs: [] }),
    image: z.strictObject({
        os: z.enum(["ubuntu-22.04", "ubuntu-24.04"]).default("ubuntu-24.04"),
        imageId: z.string().regex(/^img-[a-z0-9]{8}$/, { error: `must be an image id such as img-487zeit5${FIX}copy the id from the CVM console or getImages, or remove imageId to use the os setting` }).optional(),
    }).default({ os: "ubuntu-24.04" }),
    mirrors: z.strictObject({
        imageRepository: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/,
            { error: `must be a registry path without a scheme, such as registry.k8s.io or ccr.ccs.tencentyun.com/my-ns${FIX}drop https:// and any trailing slash` })
            .default("registry.k8s.io"),
        kubernetesApt: url.default("https://pkgs.k8s.io/core:/stable:"),
        /**
         * Fingerprint of the only key the Kubernetes repository may be signed with; a Release.key
         * holding any other key is refused at boot. @default pkgs.k8s.io's signing key
         */
        kubernetesAptKeyFingerprint: z.string().regex(/^[0-9A-F]{40}$/, { error: `must be a 40-digit upper-case hex OpenPGP fingerprint${FIX}copy it from \`gpg --show-keys Release.key\` of your mirror, without spaces` })
            .default(PKGS_K8S_IO_KEY),
        ubuntuApt: url.optional(),
        registryMirrors: z.record(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, { error: `must be a registry host such as docker.io${FIX}use the host name the images are pulled from` }),
            z.array(url).min(1)).default({}),
    }).default({ imageRepository: "registry.k8s.io", kubernetesApt: "https://pkgs.k8s.io/core:/stable:", kubernetesAptKeyFingerprint: PKGS_K8S_IO_KEY, registryMirrors: {} }),
    apiServer: z.strictObject({
        /**
         * The encryption-at-rest keys by name, the first encrypting, all decrypting (docs/security.md
         * has the rotation: add the new one second, then move it first, rewrite, drop the old one).
         */
        encryptionKeys: z.array(z.string().regex(/^key[1-9][0-9]?$/, { error: `must be a key name key1 to key99${FIX}name a new key after the highest one, e.g. key2` }))
            .min(1, { error: `must name at least one key${FIX}keep ["key1"], or the key that encrypts now` })
            .max(3, { error: `may name at most 3 keys${FIX}drop the oldest key once every Secret was rewritten (docs/security.md)` })
            .refine((k) => new Set(k).size === k.length, { error: `names a key twice${FIX}list each key once, the encrypting one first` })
            .default(["key1"]),
        /** Pod Security admission's cluster-wide defaults; kube-system (and `exemptNamespaces`) is exempt. */
        podSecurity: z.strictObject({
            enforce: PSA_LEVEL.default("baseline"),
            warn: PSA_LEVEL.default("restricted"),
            audit: PSA_LEVEL.default("restricted"),
            exemptNamespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: `must be a namespace name${FIX}use lowercase letters, digits and '-'` })).default([]),
        }).default({ enforce: "baseline", warn: "restricted", audit: "restricted", exemptNamespaces: [] }),
        /** The apiserver's audit log on each master (/var/log/kubernetes/audit/audit.log), rotated by the apiserver. */
        auditLog: z.strictObject({
            enabled: bool.default(true),
            maxAgeDays: int(1, 3650, "days an audit log file is kept").default(30),
            maxBackups: int(1, 1000, "rotated audit log files kept").default(10),
            maxSizeMb: int(1, 10240, "MB of an audit log file before it is rotated").default(100),
        }).default({ enabled: true, maxAgeDays: 30, maxBackups: 10, maxSizeMb: 100 }),
    }).default({
        encryptionKeys: ["key1"],
        podSecurity: { enforce: "baseline", warn: "restricted", audit: "restricted", exemptNamespaces: [] },
        auditLog: { enabled: true, maxAgeDays: 30, maxBackups: 10, maxSizeMb: 100 },
    }),
    certificates: z.strictObject({
        caValidityHours: int(8760, 262800, "hours a CA is valid: 1 to 30 years").default(87600),
        leafValidityHours: int(1080, 43800, "hours a leaf certificate is valid: 45 days to 5 years").default(8760),
        earlyRenewalHours: int(24, 4380, "hours before expiry Pulumi renews the certificates it signs").default(720),
        renewalTimer: bool.default(true),
    }).default({ caValidityHours: 87600, leafValidityHours: 8760, earlyRenewalHours: 720, renewalTimer: true }),
    backup: z.strictObject({
        enabled: bool.default(true),
        intervalMinutes: int(5, 1440, "minutes between etcd snapshots").default(30),
        keepAllHours: int(24, 8760, "hours every snapshot is kept").default(48),
        keepDailyDays: int(1, 3650, "days the first snapshot of each day is kept").default(30),
        keepBucketOnDestroy: bool.default(true),
        /**
         * Another region that receives a copy of every object (COS cross-region replication to
         * `<cluster>-etcd-replica-<appid>` there). @default none
         */
        replicaRegion: region.optional(),
        /**
         * An OpenPGP public key (ASCII armored): every snapshot is also encrypted to it on the node
         * before upload, so the nodes (and their CVM role) can write snapshots but not read them
         * back; restores decrypt with the private key kept offline. @default none (SSE-COS only)
         */
        encryptToKey: z.string().regex(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n[\s\S]+\r?\n-----END PGP PUBLIC KEY BLOCK-----\s*$/,
            { error: `must be an ASCII-armored OpenPGP public key${FIX}paste the output of gpg --armor --export <your offline key's fingerprint>` }).optional(),
    }).default({ enabled: true, intervalMinutes: 30, keepAllHours: 48, keepDailyDays: 30, keepBucketOnDestroy: true }),
    acceptRisks: z.array(z.enum(["zone-loss"])).default([]),
    tags: z.record(z.string().min(1).max(127), z.string().max(255)).default({}),
} as const;

export const ClusterConfigSchema = z.strictObject(ClusterSections);

export type { ClusterConfig, ClusterConfigInput } from "./config-types";

// The generated types must describe what the schema gives and accepts (`npm run gen:config`
// rewrites them): the compiler fails here when they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const OUTPUT_MATCHES: Same<z.output<typeof ClusterConfigSchema>, ClusterConfig> = true;
const INPUT_ACCEPTED: [ClusterConfigInput] extends [z.input<typeof ClusterConfigSchema>] ? true : false = true;
const DEFAULTED_IS_INPUT: [ClusterConfig] extends [ClusterConfigInput] ? true : false = true;
void [OUTPUT_MATCHES, INPUT_ACCEPTED, DEFAULTED_IS_INPUT];
