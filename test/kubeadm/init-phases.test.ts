// Real kubeadm runs the file-writing phases of `kubeadm init` (certs, kubeconfig, control-plane,
// and etcd for stacked etcd) on master-0's rendered configuration, with the key material the
// ClusterPki component makes already in place, in a scratch root. It must take our CAs and keys
// as they are (it checks them) and write static pods that carry what our configuration asks for.

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PATHS, renderContext } from "../../components/render/context";
import { apiServerCertSans } from "../../components/render/kubeadm";
import { renderNode } from "../../components/render/node";
import { controlPlanePkiFiles } from "../../components/render/pki-files";
import { binsUnavailable } from "../../lab/bins/locate";
import { componentPki } from "../../lab/component-pki";
import { flags, initPhases, readManifests, stageNode } from "../../lab/kubeadm-phases";
import { renderStack, stackNames } from "../helpers/rendered";
import { skipUnless } from "../helpers/skip";

const openssl = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });

describe("real kubeadm init phases on master-0 with the component PKI", function () {
    this.timeout(120_000);
    before(function () {
        skipUnless(this, binsUnavailable(["kubeadm"]) ?? (process.getuid?.() === 0 ? undefined : "kubeadm --rootfs needs root (chroot)"));
    });

    for (const stack of stackNames()) {
        it(`${stack}: kubeadm takes our CAs and keys and writes the control plane we configured`, async () => {
            const r = renderStack(stack);
            const ctx = renderContext(r.spec, r.plan);
            const pki = await componentPki(r.spec, r.plan);
            const master = ctx.initMaster;
            const files = [...renderNode(ctx, master, pki.kubeadmSecrets).files, ...controlPlanePkiFiles(pki.controlPlane)];
            const root = mkdtempSync(path.join(tmpdir(), `kubeadm-init-${stack}-`));
            try {
                stageNode(root, files, [`127.0.0.1 ${r.plan.endpoint.dnsName}`]);
                const stacked = r.spec.etcd.topology === "stacked";
                const out = (await initPhases(root, stacked)).map((x) => x.output).join("\n");
                const pkiDir = path.join(root, PATHS.pkiDir);

                // Ours were used, not replaced: kubeadm says so, and the files are byte for byte what the component made.
                assert.match(out, /Using existing ca certificate authority/);
                assert.match(out, /Using existing front-proxy-ca certificate authority/);
                assert.match(out, /Using the existing "sa" key/);
                assert.equal(readFileSync(path.join(pkiDir, "ca.crt"), "utf8"), pki.controlPlane.caCert);
                assert.equal(readFileSync(path.join(pkiDir, "sa.key"), "utf8"), pki.controlPlane.serviceAccountKey);
                if (!stacked) {
                    assert.match(out, /External etcd mode: Skipping apiserver-etcd-client certificate generation/);
                    assert.equal(readFileSync(path.join(pkiDir, "apiserver-etcd-client.crt"), "utf8"), pki.controlPlane.etcd!.clientCert);
                }

                // The serving certificate it signed with our CA covers every way in, with the configured validity.
                const crt = path.join(pkiDir, "apiserver.crt");
                assert.match(openssl(["verify", "-CAfile", path.join(pkiDir, "ca.crt"), crt]), /: OK/);
                const text = openssl(["x509", "-in", crt, "-noout", "-text", "-enddate"]);
                for (const san of apiServerCertSans(ctx)) {
                    assert.ok(text.includes(/^\d/.test(san) ? `IP Address:${san}` : `DNS:${san}`), `apiserver.crt lacks ${san}`);
                }
                const days = (Date.parse(/notAfter=(.*)/.exec(text)![1]) - Date.now()) / 86_400_000;
                assert.ok(Math.abs(days - r.spec.certificates.leafValidityHours / 24) < 2, `apiserver.crt valid ${days.toFixed(1)} days`);
                assert.match(text, /Public Key Algorithm: id-ecPublicKey[\s\S]*NIST CURVE: P-256/, "ECDSA-P256, as encryptionAlgorithm says");

                const m = readManifests(root);
                const api = flags(m.get("kube-apiserver")!.command);
                assert.equal(api.get("encryption-provider-config"), PATHS.encryptionConfig);
                const pod = m.get("kube-apiserver")!.pod;
                const mount = pod.spec.containers[0].volumeMounts.find((v: any) => v.mountPath === path.dirname(PATHS.encryptionConfig));
                assert.ok(mount?.readOnly, "the encryption config's directory is mounted read-only");
                assert.equal(pod.spec.containers[0].image, `${r.spec.mirrors.imageRepository}/kube-apiserver:v${r.spec.kubernetes.version}`);
                assert.equal(api.get("advertise-address"), master.privateIp);
                if (stacked) {
                    assert.equal(api.get("etcd-servers"), "https://127.0.0.1:2379");
                    assert.ok(m.has("etcd"), "stacked etcd gets kubeadm's etcd static pod");
                    assert.equal(flags(m.get("etcd")!.command).get("data-dir"), PATHS.etcdData);
                } else {
                    assert.equal(api.get("etcd-servers"), ctx.etcdMembers.map((e) => `https://${e.privateIp}:2379`).join(","));
                    assert.equal(api.get("etcd-certfile"), `${PATHS.pkiDir}/apiserver-etcd-client.crt`);
                    assert.ok(!m.has("etcd"));
                }
                for (const c of ["kube-controller-manager", "kube-scheduler"]) {
                    assert.equal(flags(m.get(c)!.command).get("leader-elect"), "true", `${c} elects a leader`);
                }
                assert.equal(flags(m.get("kube-controller-manager")!.command).get("cluster-cidr"), r.spec.network.podCidr);
                const admin = readFileSync(path.join(root, "etc/kubernetes/admin.conf"), "utf8");
                assert.match(admin, new RegExp(`server: https://${ctx.controlPlaneEndpoint.replace(/\./g, "\\.")}`), "admin.conf uses the endpoint name");
            } finally {
                rmSync(root, { recursive: true, force: true });
            }
        });
    }
});
