// The named snippets, run for real. Those that edit node files run in a private mount namespace
// with a scratch file bound over the real one, so this machine's files are never touched.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { INSTALL_SECRETS, KUBEADM_INIT, KUBEADM_JOIN, RESTART_KUBELET, UPLOAD_CERTS, useLocalApiserver, WAIT_FOR_BOOTSTRAP } from "../../components/render/commands";
import { SCRIPTS } from "../../components/render/scripts";
import { secretInstallScript } from "../../components/render/secret-bundle";
import { missingPrograms, skipUnless } from "../helpers/skip";
import { rebase } from "../../lab/staging";

function canUnshare(): boolean {
    return process.getuid?.() === 0 && spawnSync("unshare", ["--mount", "true"]).status === 0;
}

describe("shell snippets, run for real", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-scripts-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const write = (s: { name: string; content: string }) => {
        const file = path.join(dir, s.name);
        writeFileSync(file, s.content, { mode: 0o755 });
        return file;
    };

    it("use-local-apiserver.sh points only the endpoint name at 127.0.0.1, idempotently", function () {
        skipUnless(this, canUnshare() ? undefined : "needs root and unshare --mount to bind a scratch /etc/hosts");
        const hosts = path.join(dir, "hosts");
        writeFileSync(hosts, "127.0.0.1 localhost\n10.10.1.10 api.prod.internal\n10.10.9.9 api.prod.internalx\n");
        const script = write(SCRIPTS.useLocalApiserver);
        for (let i = 0; i < 2; i++) {
            const r = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c", `mount --bind "$1" /etc/hosts && bash "$2" api.prod.internal`, "sh", hosts, script], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
        }
        assert.equal(readFileSync(hosts, "utf8"), "127.0.0.1 localhost\n10.10.9.9 api.prod.internalx\n127.0.0.1 api.prod.internal\n");
    });

    it("write-sentinel.sh records the node and role as JSON", function () {
        skipUnless(this, canUnshare() ? undefined : "needs root and unshare --mount to use a scratch /var/lib");
        const script = write(SCRIPTS.writeSentinel);
        const r = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c",
            `mount -t tmpfs tmpfs /var/lib && bash "$1" prod-etcd-0 etcd && cat /var/lib/kubeadm-ha/bootstrap-done`, "sh", script], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const sentinel = JSON.parse(r.stdout);
        assert.equal(sentinel.node, "prod-etcd-0");
        assert.equal(sentinel.role, "etcd");
        assert.match(sentinel.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("mount-data-disk.sh gives up after its bounded wait when the disk never appears", () => {
        const started = Date.now();
        const r = spawnSync("bash", [write(SCRIPTS.mountDataDisk), "/dev/kubeadm-ha-no-such-disk", path.join(dir, "mnt"), "1"], { encoding: "utf8", timeout: 10_000 });
        assert.equal(r.status, 1);
        assert.match(r.stderr, /did not appear within 1s/);
        assert.ok(Date.now() - started < 5000);
    });

    it("kubeadm-once.sh runs kubeadm with its arguments once, and leaves a done node alone", () => {
        const bin = path.join(dir, "bin");
        const calls = path.join(dir, "kubeadm-calls");
        const marker = path.join(dir, "kubelet.conf");
        spawnSync("mkdir", ["-p", bin]);
        writeFileSync(path.join(bin, "kubeadm"), `#!/bin/sh\necho "$@" >> ${calls}\n`, { mode: 0o755 });
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
        const script = write(SCRIPTS.kubeadmOnce);
        const first = spawnSync("bash", [script, marker, "join", "--config", "/etc/kubernetes/kubeadm/join.yaml"], { encoding: "utf8", env });
        assert.equal(first.status, 0, first.stderr);
        writeFileSync(marker, "");
        const second = spawnSync("bash", [script, marker, "join", "--config", "/etc/kubernetes/kubeadm/join.yaml"], { encoding: "utf8", env });
        assert.equal(second.status, 0);
        assert.match(second.stdout, /kubeadm join already done on this node/);
        assert.equal(readFileSync(calls, "utf8"), "join --config /etc/kubernetes/kubeadm/join.yaml\n", "kubeadm ran exactly once");
    });

    it("every snippet starts with a shebang and set -euo pipefail", () => {
        for (const s of Object.values(SCRIPTS)) {
            assert.match(s.content, /^#!\/usr\/bin\/env bash\n# .+\nset -euo pipefail\n/, s.name);
        }
    });
});

describe("the secret-file installer fed over SSH", () => {
    const files = [
        { path: "/etc/kubernetes/kubeadm/join.yaml", content: "token: abc123.zyx987wvu654tsr3\n'quotes' $(not expanded) `nor this`\n", permissions: "0600", secret: true },
        { path: "/etc/kubernetes/pki/ca.crt", content: "-----BEGIN FAKE CERTIFICATE-----\nAAAA\n-----END FAKE CERTIFICATE-----\n", permissions: "0644", secret: true },
        { path: "/etc/etcd/pki/server.key", content: "x".repeat(5000), permissions: "0600", secret: true },
    ];
    let dir: string;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-secrets-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("passes shellcheck, with the commands the join wiring runs", function () {
        skipUnless(this, missingPrograms("shellcheck"));
        const scripts = [secretInstallScript(files), ...[WAIT_FOR_BOOTSTRAP, INSTALL_SECRETS, KUBEADM_INIT, UPLOAD_CERTS, KUBEADM_JOIN, RESTART_KUBELET, useLocalApiserver("api.prod.internal")]
            .map((c) => `#!/bin/sh\n${c}\n`)];
        scripts.forEach((s, i) => writeFileSync(path.join(dir, `s${i}.sh`), s));
        const r = spawnSync("shellcheck", scripts.map((_, i) => path.join(dir, `s${i}.sh`)), { encoding: "utf8" });
        assert.equal(r.status, 0, r.stdout);
    });

    it("writes every file byte for byte with its mode, without the shell touching the contents", () => {
        const root = path.join(dir, "root");
        const r = spawnSync("bash", ["-s"], { input: rebase(secretInstallScript(files), root), encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        for (const f of files) {
            const target = path.join(root, f.path);
            assert.equal(readFileSync(target, "utf8"), f.content, f.path);
            assert.equal((statSync(target).mode & 0o777).toString(8).padStart(4, "0"), f.permissions, f.path);
        }
    });

    it("refuses paths that could escape or inject", () => {
        for (const bad of ["/etc/x y", "etc/relative", "/etc/$(id)", "/etc/../root/.ssh/authorized_keys"]) {
            assert.throws(() => secretInstallScript([{ path: bad, content: "x", permissions: "0600", secret: true }]), /refusing/);
        }
    });
});
