import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { installCloudMocks } from "../../components/testing";
import { ClusterPki } from "../../components/cluster-pki";
import { caCertHash } from "../../components/render/ca-hash";
import { isSecret, Recorder, valueOf } from "../helpers/mocks";

describe("ClusterPki", () => {
    let rec: Recorder;
    let pki: ClusterPki;
    let rotating: ClusterPki;
    before(async () => {
        rec = await installCloudMocks();
        pki = new ClusterPki("t-pki", {
            clusterName: "t", externalEtcd: true,
            etcdMembers: [{ name: "t-etcd-0", hostname: "t-etcd-0", privateIp: "10.0.1.21" }, { name: "t-etcd-1", hostname: "t-etcd-1", privateIp: "10.0.2.21" }],
        });
        rotating = new ClusterPki("r-pki", { clusterName: "r", externalEtcd: false, etcdMembers: [], encryptionKeys: ["key2", "key1"] });
        await (pulumi.runtime as any).waitForRPCs();
    });

    it("marks every output that carries key material or a token as secret", async () => {
        const secrets: [string, pulumi.Output<unknown>][] = [
            ["controlPlane", pki.controlPlane], ["kubeadmSecrets", pki.kubeadmSecrets], ["adminClientKeyPem", pki.adminClientKeyPem],
            ["adminClientCertPem", pki.adminClientCertPem], ["sshPrivateKey", pki.sshPrivateKey],
            ...Object.entries(pki.etcdMembers).map(([n, o]) => [`etcdMembers.${n}`, o] as [string, pulumi.Output<unknown>]),
        ];
        for (const [name, output] of secrets) {
            assert.ok(await isSecret(output), `${name} is secret`);
        }
        assert.equal(await isSecret(pki.caCertHash), false, "the CA pin is public");
    });

    it("makes one encryption key per listed name, in the listed order; key1 keeps the name it always had, so a rotation replaces no key", async () => {
        const s = await valueOf(rotating.kubeadmSecrets);
        assert.deepEqual(s.encryptionKeys.map((k) => k.name), ["key2", "key1"], "the first listed encrypts");
        assert.notEqual(s.encryptionKeys[0].secret, s.encryptionKeys[1].secret);
        assert.ok(s.encryptionKeys.every((k) => Buffer.from(k.secret, "base64").length === 32));
        assert.deepEqual(rec.ofType("random:index/randomBytes:RandomBytes").filter((r) => r.name.startsWith("r-pki-")).map((r) => r.name).sort(),
            ["r-pki-encryption-key", "r-pki-encryption-key-key2"]);
        assert.ok(rec.ofType("random:index/randomBytes:RandomBytes").some((r) => r.name === "t-pki-encryption-key"), "the default cluster's key keeps its resource name");
        assert.throws(() => new ClusterPki("d-pki", { clusterName: "d", externalEtcd: false, etcdMembers: [], encryptionKeys: ["key1", "key1"] }), /encryptionKeys \["key1","key1"\]: name at least one key, each once/);
    });

    it("makes ECDSA P-256 keys, CAs valid 10 years and leaves valid 1 year that renew 30 days early", () => {
        const keys = rec.ofType("tls:index/privateKey:PrivateKey").filter((k) => !k.name.endsWith("ssh-key"));
        assert.ok(keys.length >= 10);
        assert.ok(keys.every((k) => k.inputs.algorithm === "ECDSA" && k.inputs.ecdsaCurve === "P256"));
        assert.ok(rec.ofType("tls:index/selfSignedCert:SelfSignedCert").every((c) => c.inputs.isCaCertificate && c.inputs.validityPeriodHours === 87600));
        assert.ok(rec.ofType("tls:index/locallySignedCert:LocallySignedCert").every((c) => c.inputs.validityPeriodHours === 8760 && c.inputs.earlyRenewalHours === 720));
    });

    it("signs each etcd member for its own address and name, and the admin into kubeadm:cluster-admins", () => {
        const csr = (n: string) => rec.ofType("tls:index/certRequest:CertRequest").find((c) => c.name === `t-pki-${n}-csr`)!.inputs;
        assert.deepEqual(csr("t-etcd-1-server").ipAddresses, ["10.0.2.21", "127.0.0.1"]);
        assert.deepEqual(csr("t-etcd-1-peer").dnsNames, ["t-etcd-1"]);
        assert.deepEqual(csr("admin").subject, { commonName: "t-admin", organization: "kubeadm:cluster-admins" });
    });

    it("derives a well-formed token and the CA pin of the CA it made", async () => {
        const s = await valueOf(pki.kubeadmSecrets);
        assert.match(s.bootstrapToken, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
        assert.match(s.certificateKey, /^[0-9a-f]{64}$/);
        assert.deepEqual(s.encryptionKeys.map((k) => k.name), ["key1"], "one key by default");
        assert.equal(Buffer.from(s.encryptionKeys[0].secret, "base64").length, 32);
        assert.equal(s.caCertHash, caCertHash(await valueOf(pki.caCertPem)));
    });
});
