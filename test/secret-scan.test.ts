import { strict as assert } from "node:assert";
import { printedSecrets } from "../lab/secret-scan";

describe("the bring-up's scan of command output for secrets", () => {
    it("finds what kubeadm prints without --skip-token-print / --skip-certificate-key-print, by kind only", () => {
        // The formats of kubeadm 1.37's init and upload-certs output (cmd/kubeadm/app/cmd/init.go, phases/init/uploadcerts.go).
        const init = "You can now join any number of control-plane nodes by copying certificate authorities\n" +
            "  kubeadm join api.prod.internal:6443 --token abcdef.0123456789abcdef \\\n" +
            "\t--discovery-token-ca-cert-hash sha256:" + "a".repeat(64) + " \\\n\t--control-plane --certificate-key " + "b1".repeat(32) + "\n";
        assert.deepEqual(printedSecrets("init", init).map((p) => p.what), ["a bootstrap token", "a certificate key"]);
        const upload = "[upload-certs] Storing the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace\n[upload-certs] Using certificate key:\n" + "c2".repeat(32) + "\n";
        assert.deepEqual(printedSecrets("upload", upload).map((p) => p.what), ["a certificate key"]);
        assert.deepEqual(printedSecrets("secrets", "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."), [{ command: "secrets", what: "a private key" }]);
        assert.ok(!JSON.stringify(printedSecrets("init", init)).includes("0123456789abcdef"), "the report never repeats the secret");
    });

    it("passes what the commands print when they print no secret: token ids, CA hashes, member lists", () => {
        const quiet = "bootstrap token abcdef re-created, valid for 2 h\n[upload-certs] Skipping phase. Please see --upload-certs\n" +
            "--discovery-token-ca-cert-hash sha256:" + "d".repeat(64) + "\nmember 8e9e05c52164694d started\n";
        assert.deepEqual(printedSecrets("quiet", quiet), []);
    });
});
