// The named snippets, run for real. Those that edit node files run in a private mount namespace
// with a scratch file bound over the real one, so this machine's files are never touched.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SCRIPTS } from "../../components/render/scripts";
import { skipUnless } from "../helpers/skip";

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

    it("every snippet starts with a shebang and set -euo pipefail", () => {
        for (const s of Object.values(SCRIPTS)) {
            assert.match(s.content, /^#!\/usr\/bin\/env bash\n# .+\nset -euo pipefail\n/, s.name);
        }
    });
});
