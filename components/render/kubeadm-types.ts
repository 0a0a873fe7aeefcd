// A strict model of the kubeadm config kinds this project emits: kubeadm.k8s.io/v1beta4
// (Init/Cluster/JoinConfiguration), kubelet.config.k8s.io/v1beta1 KubeletConfiguration,
// kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration and apiserver.config.k8s.io/v1
// EncryptionConfiguration. Field names and value rules follow the v1beta4 API reference and
// kubeadm's validation. kubeadm itself only *warns* about unknown fields, so the strictness lives
// here: every object rejects keys it does not know, and every rendered document is checked.
// The kubelet, kube-proxy and encryption kinds are modelled for the fields we emit only.

import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { cidrProblem } from "../plan/cidr";

const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isIp = (s: string) => ipaddr.isValid(s) && (ipaddr.IPv4.isValidFourPartDecimal(s) || s.includes(":"));

const duration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, { error: "must be a Go duration such as 4m0s" });
const absolutePath = z.string().regex(/^\/[^\0]*$/, { error: "must be an absolute path" });
const cidr = z.string().refine((s) => cidrProblem(s) === undefined, { error: "must be an IPv4 CIDR block" });
const hostPort = z.string().refine((s) => {
    const m = /^(.+):(\d{1,5})$/.exec(s);
    return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 65535 && (isIp(m[1]) || DNS1123_SUBDOMAIN.test(m[1]));
}, { error: "must be host:port with an IP or DNS-1123 host" });
/** v1beta4 extra arguments: a list of {name, value} (duplicates allowed). */
const args = z.array(z.strictObject({ name: z.string().min(1), value: z.string() }));
const taint = z.strictObject({
    key: z.string().min(1),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});
const timeouts = z.strictObject({
    controlPlaneComponentHealthCheck: duration.optional(),
    kubeletHealthCheck: duration.optional(),
    kubernetesAPICall: duration.optional(),
    etcdAPICall: duration.optional(),
    tlsBootstrap: duration.optional(),
    discovery: duration.optional(),
    upgradeManifests: duration.optional(),
});
const nodeRegistration = z.strictObject({
    name: z.string().regex(DNS1123_SUBDOMAIN, { error: "must be a lowercase DNS-1123 subdomain" }).optional(),
    criSocket: z.string().regex(/^unix:\/\/\//, { error: "must be a unix:// socket URL" }).optional(),
    // No omitempty upstream: absent means "default control-plane taint", [] means none. Always explicit here.
    taints: z.array(taint),
    kubeletExtraArgs: args.optional(),
    ignorePreflightErrors: z.array(z.string()).optional(),
    imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
    imagePullSerial: z.boolean().optional(),
});
const apiEndpoint = z.strictObject({
    advertiseAddress: z.string().refine(isIp, { error: "must be an IP address" }),
    bindPort: z.number().int().min(1).max(65535),
});
const certificateKey = z.string().regex(/^[0-9a-f]{64}$/, { error: "must be 64 hex characters (a 32-byte AES key)" });
const bootstrapTokenValue = z.string().regex(/^[a-z0-9]{6}\.[a-z0-9]{16}$/, { error: "must match [a-z0-9]{6}.[a-z0-9]{16}" });
const kubeadmApi = z.literal("kubeadm.k8s.io/v1beta4");

export const InitConfigurationSchema = z.strictObject({
    apiVersion: kubeadmApi,
    kind: z.literal("InitConfiguration"),
    bootstrapTokens: z.array(z.strictObject({
        token: bootstrapTokenValue,
        description: z.string().optional(),
        ttl: duration.optional(),
        usages: z.array(z.enum(["signing", "authentication"])).optional(),
        groups: z.array(z.string().regex(/^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/)).optional(),
    })).optional(),
    dryRun: z.boolean().optional(),
    nodeRegistration,
    localAPIEndpoint: apiEndpoint.optional(),
    certificateKey: certificateKey.optional(),
    skipPhases: z.array(z.string()).optional(),
    timeouts: timeouts.optional(),
});

const controlPlaneComponent = {
    extraArgs: args.optional(),
    extraVolumes: z.array(z.strictObject({
        name: z.string().min(1), hostPath: absolutePath, mountPath: absolutePath,
        readOnly: z.boolean().optional(),
        pathType: z.enum(["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]).optional(),
    })).optional(),
};

export const ClusterConfigurationSchema = z.strictObject({
    apiVersion: kubeadmApi,
    kind: z.literal("ClusterConfiguration"),
    etcd: z.union([
        z.strictObject({ local: z.strictObject({ dataDir: absolutePath, serverCertSANs: z.array(z.string()).optional(), peerCertSANs: z.array(z.string()).optional(), extraArgs: args.optional() }) }),
        z.strictObject({
            external: z.strictObject({
                endpoints: z.array(z.string().regex(/^https:\/\/[^/]+:\d+$/, { error: "must be https://host:port" })).min(1),
                caFile: absolutePath, certFile: absolutePath, keyFile: absolutePath,
            }),
        }),
    ]),
    networking: z.strictObject({ serviceSubnet: cidr, podSubnet: cidr, dnsDomain: z.string().regex(DNS1123_SUBDOMAIN) }),
    kubernetesVersion: z.string().regex(/^v1\.\d+\.\d+$/, { error: "must be an exact version such as v1.37.2" }),
    controlPlaneEndpoint: hostPort,
    apiServer: z.strictObject({
        ...controlPlaneComponent,
        certSANs: z.array(z.string().refine((s) => isIp(s) || DNS1123_SUBDOMAIN.test(s.replace(/^\*\./, "")),
            { error: "must be an IP, a DNS-1123 subdomain or a wildcard subdomain" })).optional(),
    }),
    controllerManager: z.strictObject(controlPlaneComponent),
    scheduler: z.strictObject(controlPlaneComponent),
    dns: z.strictObject({ imageRepository: z.string().optional(), imageTag: z.string().optional(), disabled: z.boolean().optional() }).optional(),
    proxy: z.strictObject({ disabled: z.boolean().optional() }).optional(),
    certificatesDir: absolutePath,
    imageRepository: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/),
    featureGates: z.record(z.string(), z.boolean()).optional(),
    clusterName: z.string().min(1),
    encryptionAlgorithm: z.enum(["RSA-2048", "RSA-3072", "RSA-4096", "ECDSA-P256", "ECDSA-P384"]),
    certificateValidityPeriod: duration,
    caCertificateValidityPeriod: duration,
});

export const JoinConfigurationSchema = z.strictObject({
    apiVersion: kubeadmApi,
    kind: z.literal("JoinConfiguration"),
    dryRun: z.boolean().optional(),
    nodeRegistration,
    caCertPath: z.string().regex(/^\/.*\.crt$/, { error: "must be an absolute path ending in .crt" }).optional(),
    discovery: z.strictObject({
        bootstrapToken: z.strictObject({
            token: bootstrapTokenValue,
            apiServerEndpoint: hostPort,
            caCertHashes: z.array(z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: "must be sha256:<64 hex>" })).min(1),
        }),
        tlsBootstrapToken: bootstrapTokenValue.optional(),
    }),
    controlPlane: z.strictObject({ localAPIEndpoint: apiEndpoint, certificateKey }).optional(),
    skipPhases: z.array(z.string()).optional(),
    timeouts: timeouts.optional(),
});

export const KubeletConfigurationSchema = z.strictObject({
    apiVersion: z.literal("kubelet.config.k8s.io/v1beta1"),
    kind: z.literal("KubeletConfiguration"),
    cgroupDriver: z.enum(["systemd", "cgroupfs"]),
    containerRuntimeEndpoint: z.string().regex(/^unix:\/\/\//),
    rotateCertificates: z.boolean().optional(),
    serverTLSBootstrap: z.boolean().optional(),
    staticPodPath: absolutePath.optional(),
    address: z.string().refine(isIp).optional(),
    readOnlyPort: z.number().int().min(0).max(65535).optional(),
    tlsMinVersion: z.enum(["VersionTLS12", "VersionTLS13"]).optional(),
    authentication: z.strictObject({
        anonymous: z.strictObject({ enabled: z.boolean() }),
        webhook: z.strictObject({ enabled: z.boolean() }),
    }).optional(),
    authorization: z.strictObject({ mode: z.enum(["AlwaysAllow", "Webhook"]) }).optional(),
});

export const KubeProxyConfigurationSchema = z.strictObject({
    apiVersion: z.literal("kubeproxy.config.k8s.io/v1alpha1"),
    kind: z.literal("KubeProxyConfiguration"),
    mode: z.enum(["iptables", "nftables"]),
});

export const EncryptionConfigurationSchema = z.strictObject({
    apiVersion: z.literal("apiserver.config.k8s.io/v1"),
    kind: z.literal("EncryptionConfiguration"),
    resources: z.array(z.strictObject({
        resources: z.array(z.string()).min(1),
        providers: z.array(z.union([
            z.strictObject({ secretbox: z.strictObject({ keys: z.array(z.strictObject({ name: z.string().min(1), secret: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { error: "must be a base64 32-byte key" }) })).min(1) }) }),
            z.strictObject({ identity: z.strictObject({}) }),
        ])).min(1),
    })).min(1),
});

export type InitConfiguration = z.infer<typeof InitConfigurationSchema>;
export type ClusterConfiguration = z.infer<typeof ClusterConfigurationSchema>;
export type JoinConfiguration = z.infer<typeof JoinConfigurationSchema>;
export type KubeletConfiguration = z.infer<typeof KubeletConfigurationSchema>;
export type KubeProxyConfiguration = z.infer<typeof KubeProxyConfigurationSchema>;
export type EncryptionConfiguration = z.infer<typeof EncryptionConfigurationSchema>;

const BY_KIND: Record<string, z.ZodType> = {
    InitConfiguration: InitConfigurationSchema,
    ClusterConfiguration: ClusterConfigurationSchema,
    JoinConfiguration: JoinConfigurationSchema,
    KubeletConfiguration: KubeletConfigurationSchema,
    KubeProxyConfiguration: KubeProxyConfigurationSchema,
    EncryptionConfiguration: EncryptionConfigurationSchema,
};

/** Checks one document against the strict model; returns the problems (empty when valid). */
export function kubeadmDocumentProblems(doc: unknown): string[] {
    const kind = (doc as { kind?: unknown } | null)?.kind;
    const schema = typeof kind === "string" ? BY_KIND[kind] : undefined;
    if (!schema) {
        return [`unknown kind ${JSON.stringify(kind)} (modelled: ${Object.keys(BY_KIND).join(", ")})`];
    }
    const result = schema.safeParse(doc);
    return result.success ? [] : result.error.issues.map((i) => `${kind}.${i.path.join(".")}: ${i.message}`);
}

/** Throws when a document does not match the model: a broken config never leaves the renderer. */
export function assertKubeadmDocument(doc: unknown): void {
    const problems = kubeadmDocumentProblems(doc);
    if (problems.length > 0) {
        throw new Error(`rendered kubeadm configuration is invalid:\n  - ${problems.join("\n  - ")}`);
    }
}
