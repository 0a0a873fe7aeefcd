// reload-encryption.sh with stand-ins for kubectl (the apiserver's metrics), crictl and curl: it
// restarts nothing when the apiserver already runs with the file's digest (a file rewritten with
// the same content, as every secrets step does), waits for an automatic reload when the manifest
// has the flag, and restarts the static pod only when it has not. Rehearsal check 19 runs it
// against the real apiservers.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { reloadEncryption } from "../../components/render/commands";
import { ENCRYPTION_SCRIPTS } from "../../components/render/scripts-encryption";
import { missingPrograms, skipUnless } from "../helpers/skip";

describe("reload-encryption.sh with stand-ins for kubectl, crictl and curl", function () {
    this.timeout(30_000);
    let dir: string;
    let config: string;
    let manifest: string;
    const digest = () => `sha256:${createHash("sha256").update(readFileSync(config)).digest("hex")}`;
    const metric = (hash: string) => `apiserver_encryption_config_controller_last_config_info{apiserver_id_hash="sha256:${"a".repeat(64)}",hash="${hash}"} 1`;

    beforeEach(function () {
        skipUnless(this, missingPrograms("bash", "sha256sum", "sed", "timeout"));
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-reload-"));
        const bin = path.join(dir, "bin");
        mkdirSync(bin);
        mkdirSync(path.join(dir, "manifests"));
        config = path.join(dir, "config.yaml");
        writeFileSync(config, "kind: EncryptionConfiguration\n# keys [key1, key2]\n");
        manifest = path.join(dir, "manifests", "kube-apiserver.yaml");
        const stub = (name: string, body: string) => {
            writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${dir}/calls\n${body}\n`);
            chmodSync(path.join(bin, name), 0o755);
        };
        // The metrics answer the digest in $dir/loaded; after $dir/reload-after calls, $dir/reloaded's.
        stub("kubectl", `n=$(( $(cat ${dir}/n 2>/dev/null || echo 0) + 1 )); echo $n > ${dir}/n
if [ -e ${dir}/reload-after ] && [ $n -gt "$(cat ${dir}/reload-after)" ]; then cp ${dir}/reloaded ${dir}/loaded; fi
echo '# HELP something'; cat ${dir}/loaded`);
        // The kubelet stops the pod once its manifest left; started again, it loads the file.
        stub("crictl", `cp ${dir}/reloaded ${dir}/loaded`);
        stub("curl", "exit 0");
    });
    afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

    const run = () => {
        writeFileSync(path.join(dir, "s.sh"), ENCRYPTION_SCRIPTS.reloadEncryption.content);
        const r = spawnSync("bash", [path.join(dir, "s.sh"), "6443", config, manifest, path.join(dir, "admin.conf")],
            { encoding: "utf8", env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}` } });
        const calls = existsSync(path.join(dir, "calls")) ? readFileSync(path.join(dir, "calls"), "utf8") : "";
        return { ...r, calls };
    };

    it("is the command each master's reload step runs, with the config, the manifest and admin.conf", () => {
        assert.equal(reloadEncryption(6443), "sudo bash -s -- 6443 /etc/kubernetes/encryption/config.yaml /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/admin.conf");
    });

    it("restarts nothing when the apiserver already runs with the file's content (a rewrite with the same keys)", () => {
        writeFileSync(manifest, "    - --encryption-provider-config=/etc/kubernetes/encryption/config.yaml\n");
        writeFileSync(path.join(dir, "loaded"), `${metric(digest())}\n`);
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /already runs with/);
        assert.ok(!r.calls.includes("crictl"), "no restart");
        assert.match(r.calls, /kubectl --kubeconfig=\S+admin\.conf --server=https:\/\/127\.0\.0\.1:6443 --request-timeout=10s get --raw \/metrics/, "asks the local apiserver");
    });

    it("waits for the automatic reload when the manifest has the flag, without a restart", () => {
        writeFileSync(manifest, "    - --encryption-provider-config-automatic-reload=true\n");
        writeFileSync(path.join(dir, "loaded"), `${metric(`sha256:${"0".repeat(64)}`)}\n`);
        writeFileSync(path.join(dir, "reloaded"), `${metric(digest())}\n`);
        writeFileSync(path.join(dir, "reload-after"), "2");
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /the apiserver reloaded/);
        assert.ok(!r.calls.includes("crictl"), "no restart");
        assert.ok(existsSync(manifest), "the manifest stays");
    });

    it("restarts the static pod (manifest out and back) when the apiserver has no automatic reload", () => {
        writeFileSync(manifest, "    - --encryption-provider-config=/etc/kubernetes/encryption/config.yaml\n");
        writeFileSync(path.join(dir, "loaded"), `${metric(`sha256:${"0".repeat(64)}`)}\n`);
        writeFileSync(path.join(dir, "reloaded"), `${metric(digest())}\n`);
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /the apiserver restarted with/);
        assert.match(r.calls, /crictl --runtime-endpoint unix:\/\/\/var\/run\/containerd\/containerd\.sock ps -q --name kube-apiserver/);
        assert.ok(existsSync(manifest), "the manifest is back");
    });

    it("refuses wrong arguments with its usage line", () => {
        writeFileSync(path.join(dir, "s.sh"), ENCRYPTION_SCRIPTS.reloadEncryption.content);
        const r = spawnSync("bash", [path.join(dir, "s.sh"), "6443"], { encoding: "utf8" });
        assert.equal(r.status, 64);
        assert.match(r.stderr, /^# Usage: reload-encryption\.sh <apiserver port>/);
    });
});
