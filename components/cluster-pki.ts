// ClusterPki: every key, certificate and random secret of a cluster, made by Pulumi so they are
// known before any machine boots (and the kubeadm discovery pin with them). ECDSA P-256
// throughout, which kubeadm accepts for its CAs and service-account keys and which keeps files
// small. Everything secret is wrapped in pulumi.secret here, where it is made.

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { ClusterPlan } from "./plan/plan";
import type { ClusterSpec } from "./plan/spec";
import { caCertHash } from "./render/ca-hash";
import type { KubeadmSecrets } from "./render/kubeadm-secrets";
import type { ControlPlanePki, EtcdMemberPki } from "./render/pki-files";

const TYPE = "kubeadm-ha:index:ClusterPki";
const LEAF_USES = ["digital_signature", "key_encipherment", "server_auth", "client_auth"];

export interface ClusterPkiArgs {
    /** Cluster name, used in certificate subjects. */
    readonly clusterName: string;
    /** External etcd members: each gets server and peer certificates for its address and hostname. Empty for stacked etcd. */
    readonly etcdMembers: readonly { readonly name: string; readonly hostname: string; readonly privateIp: string }[];
    /** Whether the cluster uses external etcd (then an etcd CA and the apiserver's etcd client certificate are made). */
    readonly externalEtcd: boolean;
    /**
     * Masters that join the first one: each gets its own certificate key, under which master-0
     * uploads the shared certificates right before that join. @default none
     */
    readonly joiningMasters?: readonly string[];
    /**
     * Machines that get an SSH host key made here (ed25519), installed at first boot and pinned by
     * every command (`pinnedHostKeys`). @default none
     */
    readonly hostKeyMachines?: readonly string[];
    /**
     * Protect the key material whose replacement would break the running cluster (the CA keys, the
     * service-account key and the encryption-at-rest key): Pulumi then refuses to replace or delete
     * it. @default false (the production profile sets it)
     */
    readonly protectKeys?: boolean;
    /**
     * Names of the encryption-at-rest keys, the encrypting one first (`apiServer.encryptionKeys`).
     * `key1` is the resource `<name>-encryption-key`, every other `<name>-encryption-key-<key>`, so
     * adding or reordering keys never replaces one. @default ["key1"]
     */
    readonly encryptionKeys?: readonly string[];
    /** Validity of the CAs, in hours. @default 87600 (10 years, as kubeadm) */
    readonly caValidityHours?: number;
    /** Validity of leaf certificates (etcd members, clients), in hours. @default 8760 (1 year, as kubeadm) */
    readonly certValidityHours?: number;
    /** A leaf certificate is renewed by the first `pulumi up` this many hours before it expires. @default 720 (30 days) */
    readonly earlyRenewalHours?: number;
}

/** The PKI a planned cluster needs: external etcd members get their own certificates. */
export function clusterPkiArgs(spec: ClusterSpec, plan: ClusterPlan, hostKeyMachines: readonly string[] = []): ClusterPkiArgs {
    return {
        hostKeyMachines, protectKeys: spec.profile === "production", encryptionKeys: spec.apiServer.encryptionKeys,
        clusterName: spec.name, externalEtcd: spec.etcd.topology === "external", etcdMembers: plan.nodes.filter((n) => n.role === "etcd"),
        joiningMasters: plan.nodes.filter((n) => n.role === "master").slice(1).map((n) => n.name),
        caValidityHours: spec.certificates.caValidityHours, certValidityHours: spec.certificates.leafValidityHours, earlyRenewalHours: spec.certificates.earlyRenewalHours,
    };
}

interface Leaf {
    readonly cert: tls.LocallySignedCert;
    readonly key: tls.PrivateKey;
}

export class ClusterPki extends pulumi.ComponentResource {
    /** Shared control-plane material (CAs, service-account key, etcd client): secret. */
    public readonly controlPlane: pulumi.Output<ControlPlanePki>;
    /** Each external etcd member's certificates by node name: secret. */
    public readonly etcdMembers: Record<string, pulumi.Output<EtcdMemberPki>>;
    /** Token, certificate key, CA pin and encryption key for the kubeadm files: secret. */
    public readonly kubeadmSecrets: pulumi.Output<KubeadmSecrets>;
    /** Each joining master's own certificate key (64 hex), by node name: secret. */
    public readonly certificateKeys: Record<string, pulumi.Output<string>>;
    /** The cluster CA certificate (public). */
    public readonly caCertPem: pulumi.Output<string>;
    /** `sha256:` pin of the cluster CA for `kubeadm join` (public). */
    public readonly caCertHash: pulumi.Output<string>;
    /** Admin client certificate and key (group kubeadm:cluster-admins): secret. */
    public readonly adminClientCertPem: pulumi.Output<string>;
    public readonly adminClientKeyPem: pulumi.Output<string>;
    /** The deploy key the join wiring uses over SSH: private part secret, public part for the key pair. */
    public readonly sshPrivateKey: pulumi.Output<string>;
    public readonly sshPublicKey: pulumi.Output<string>;
    /** Each `hostKeyMachines` machine's SSH host key, by node name: the private part secret. */
    public readonly hostKeys: Record<string, { readonly privateKey: pulumi.Output<string>; readonly publicKey: pulumi.Output<string> }>;
    /** Expiry (RFC 3339) of every certificate, by name. */
    public readonly certificateExpiry: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ClusterPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const parent = { parent: this };
        const caHours = args.caValidityHours ?? 87600;
        const leafHours = args.certValidityHours ?? 8760;
        const renewHours = args.earlyRenewalHours ?? 720;
        const expiry: Record<string, pulumi.Output<string>> = {};

        // A new CA key would make every certificate and kubeconfig of the cluster invalid; a new
        // service-account key every token; a new encryption key every stored Secret unreadable.
        const kept = { ...parent, protect: args.protectKeys ?? false };
        const ecdsa = (n: string, opts: pulumi.CustomResourceOptions = parent) => new tls.PrivateKey(`${name}-${n}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
        const ca = (n: string, commonName: string) => {
            const key = ecdsa(n, kept);
            const cert = new tls.SelfSignedCert(`${name}-${n}`, {
                privateKeyPem: key.privateKeyPem, subject: { commonName, organization: args.clusterName }, isCaCertificate: true,
                validityPeriodHours: caHours, allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
            }, parent);
            expiry[n] = cert.validityEndTime;
            return { key, cert };
        };
        const leaf = (n: string, signer: { key: tls.PrivateKey; cert: tls.SelfSignedCert }, subject: { commonName: string; organization?: string }, ips: string[] = [], dns: string[] = []): Leaf => {
            const key = ecdsa(n);
            const csr = new tls.CertRequest(`${name}-${n}-csr`, { privateKeyPem: key.privateKeyPem, subject, ipAddresses: ips, dnsNames: dns }, parent);
            const cert = new tls.LocallySignedCert(`${name}-${n}`, {
                certRequestPem: csr.certRequestPem, caPrivateKeyPem: signer.key.privateKeyPem, caCertPem: signer.cert.certPem,
                validityPeriodHours: leafHours, earlyRenewalHours: renewHours, allowedUses: LEAF_USES,
            }, parent);
            expiry[n] = cert.validityEndTime;
            return { key, cert };
        };

        const clusterCa = ca("ca", "kubernetes");
        const frontProxyCa = ca("front-proxy-ca", "front-proxy-ca");
        const serviceAccount = ecdsa("sa", kept);
        const admin = leaf("admin", clusterCa, { commonName: `${args.clusterName}-admin`, organization: "kubeadm:cluster-admins" });

        let etcdClient: Leaf | undefined;
        this.etcdMembers = {};
        let etcdCa: ReturnType<typeof ca> | undefined;
        if (args.externalEtcd) {
            etcdCa = ca("etcd-ca", "etcd-ca");
            etcdClient = leaf("apiserver-etcd-client", etcdCa, { commonName: "kube-apiserver-etcd-client" });
            for (const m of args.etcdMembers) {
                const server = leaf(`${m.name}-server`, etcdCa, { commonName: m.hostname }, [m.privateIp, "127.0.0.1"], [m.hostname, "localhost"]);
                const peer = leaf(`${m.name}-peer`, etcdCa, { commonName: m.hostname }, [m.privateIp], [m.hostname]);
                this.etcdMembers[m.name] = pulumi.secret(pulumi.all([etcdCa.cert.certPem, server.cert.certPem, server.key.privateKeyPem, peer.cert.certPem, peer.key.privateKeyPem])
                    .apply(([caCert, serverCert, serverKey, peerCert, peerKey]) => ({ caCert, serverCert, serverKey, peerCert, peerKey })));
            }
        }

        const etcdPart = etcdCa && etcdClient
            ? pulumi.all([etcdCa.cert.certPem, etcdClient.cert.certPem, etcdClient.key.privateKeyPem]).apply(([caCert, clientCert, clientKey]) => ({ caCert, clientCert, clientKey }))
            : pulumi.output(undefined);
        this.controlPlane = pulumi.secret(pulumi.all([clusterCa.cert.certPem, clusterCa.key.privateKeyPem, frontProxyCa.cert.certPem, frontProxyCa.key.privateKeyPem,
            serviceAccount.privateKeyPem, serviceAccount.publicKeyPem, etcdPart])
            .apply(([caCert, caKey, frontProxyCaCert, frontProxyCaKey, serviceAccountKey, serviceAccountPub, etcd]) =>
                ({ caCert, caKey, frontProxyCaCert, frontProxyCaKey, serviceAccountKey, serviceAccountPub, ...(etcd ? { etcd } : {}) })));

        const lowerAlnum = (n: string, length: number) => new random.RandomString(`${name}-${n}`, { length, special: false, upper: false, lower: true, numeric: true }, parent);
        const tokenId = lowerAlnum("token-id", 6);
        const tokenSecret = lowerAlnum("token-secret", 16);
        const certificateKey = new random.RandomId(`${name}-certificate-key`, { byteLength: 32 }, parent);
        const names = args.encryptionKeys ?? ["key1"];
        if (names.length === 0 || new Set(names).size !== names.length) {
            throw new pulumi.ResourceError(`encryptionKeys ${JSON.stringify(names)}: name at least one key, each once`, this);
        }
        const encryptionKeys = pulumi.all(names.map((k) => new random.RandomBytes(k === "key1" ? `${name}-encryption-key` : `${name}-encryption-key-${k}`, { length: 32 }, kept).base64
            .apply((secret) => ({ name: k, secret }))));
        this.caCertPem = clusterCa.cert.certPem;
        this.caCertHash = clusterCa.cert.certPem.apply(caCertHash);
        this.kubeadmSecrets = pulumi.secret(pulumi.all([tokenId.result, tokenSecret.result, certificateKey.hex, this.caCertHash, encryptionKeys])
            .apply(([id, secret, key, hash, encryption]) => ({ bootstrapToken: `${id}.${secret}`, certificateKey: key, caCertHash: hash, encryptionKeys: encryption })));

        this.certificateKeys = Object.fromEntries((args.joiningMasters ?? []).map((m) =>
            [m, pulumi.secret(new random.RandomId(`${name}-certificate-key-${m}`, { byteLength: 32 }, parent).hex)]));

        this.adminClientCertPem = pulumi.secret(admin.cert.certPem);
        this.adminClientKeyPem = pulumi.secret(admin.key.privateKeyPem);
        const deployKey = new tls.PrivateKey(`${name}-ssh-key`, { algorithm: "RSA", rsaBits: 3072 }, parent);
        this.sshPrivateKey = pulumi.secret(deployKey.privateKeyOpenssh);
        this.sshPublicKey = deployKey.publicKeyOpenssh;
        this.hostKeys = Object.fromEntries((args.hostKeyMachines ?? []).map((m) => {
            const key = new tls.PrivateKey(`${name}-${m}-host-key`, { algorithm: "ED25519" }, parent);
            return [m, { privateKey: pulumi.secret(key.privateKeyOpenssh), publicKey: key.publicKeyOpenssh }];
        }));
        this.certificateExpiry = pulumi.output(expiry);

        this.registerOutputs({ caCertPem: this.caCertPem, caCertHash: this.caCertHash, certificateExpiry: this.certificateExpiry });
    }
}
