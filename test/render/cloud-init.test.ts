import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { base64Size, CloudConfig, PLACEHOLDER_HOST_KEY, renderUserData, RUNCMD_STRICT, USER_DATA_LIMIT } from "../../components/render/cloud-init";
import { skipUnless } from "../helpers/skip";
import { publicFile } from "../../components/render/node-file";
import { allStacks } from "../helpers/rendered";
import { startEtcdMember } from "../../components/render/commands";
import { STAGED_ETCD_MANIFEST } from "../../components/render/etcd";

function userDataDoc(text: string): any {
    assert.ok(text.startsWith("#cloud-config\n"), "the first line is #cloud-config");
    return parse(text);
}

describe("cloud-init user-data", () => {
    it("stays under Tencent's 16 KB (after base64) for the largest role of every stack", () => {
        const rows: string[] = [];
        for (const s of allStacks()) {
            const largest = s.bundles.reduce((a, b) => (b.userDataBase64Bytes > a.userDataBase64Bytes ? b : a));
            assert.equal(largest.userDataBase64Bytes, base64Size(largest.userData));
            assert.ok(largest.userDataBase64Bytes <= USER_DATA_LIMIT, `${largest.node.name}: ${largest.userDataBase64Bytes}`);
            rows.push(`${s.stack}: ${largest.node.name} (${largest.node.role}) ${largest.userDataBase64Bytes} bytes`);
        }
        console.log(`      largest user-data per stack, base64 (limit ${USER_DATA_LIMIT}):\n${rows.map((r) => `        ${r}`).join("\n")}`);
    });

    it("is YAML 1.1 safe: modes are strings, no anchors or aliases, commands are argv arrays", () => {
        for (const s of allStacks()) {
            for (const b of s.bundles) {
                const doc = userDataDoc(b.userData);
                assert.doesNotMatch(b.userData, /^\s*[^#\n]*: [&*][a-z0-9]+$/m, "no anchors or aliases");
                for (const f of doc.write_files) {
                    assert.equal(typeof f.permissions, "string", `${b.node.name}:${f.path}`);
                }
                assert.equal(doc.runcmd[0], RUNCMD_STRICT, `${b.node.name}: the script stops at the first failed command`);
                assert.ok(doc.runcmd.slice(1).every((c: unknown) => Array.isArray(c) && c.every((a) => typeof a === "string")), `${b.node.name}: runcmd entries are string arrays`);
            }
        }
    });

    it("ends every node's commands with the sentinel and installs the pinned Kubernetes packages, trusting the pinned key, on Kubernetes nodes", () => {
        for (const s of allStacks()) {
            for (const b of s.bundles) {
                const { runcmd } = userDataDoc(b.userData);
                assert.deepEqual(runcmd.at(-1), ["bash", "/usr/local/lib/kubeadm-ha/write-sentinel.sh", b.node.name, b.node.role]);
                const install = runcmd.find((c: string[]) => c[1]?.endsWith("install-kubernetes.sh"));
                assert.equal(Boolean(install), ["master", "worker", "etcd"].includes(b.node.role), b.node.name);
                if (install) {
                    assert.deepEqual(install.slice(2), [s.spec.mirrors.kubernetesApt, `1.${s.spec.kubernetes.minor}`, s.spec.kubernetes.version, s.spec.mirrors.kubernetesAptKeyFingerprint]);
                }
            }
        }
    });

    it("never starts etcd itself: the join wiring installs the staged manifest after the sentinel, which follows the data disk's mount", () => {
        const etcd = allStacks().find((s) => s.stack === "prod")!.bundles.find((b) => b.node.role === "etcd")!;
        const cmds: string[][] = userDataDoc(etcd.userData).runcmd.filter(Array.isArray);
        const mount = cmds.findIndex((c) => c[1]?.endsWith("mount-data-disk.sh"));
        const sentinel = cmds.findIndex((c) => c[1]?.endsWith("write-sentinel.sh"));
        assert.ok(mount === 0 && sentinel === cmds.length - 1, JSON.stringify(cmds));
        assert.ok(!cmds.some((c) => c.some((a) => a.includes("manifests/etcd.yaml"))), "no runcmd step installs the etcd static pod");
        assert.ok(!userDataDoc(etcd.userData).write_files.some((f: any) => f.path.startsWith("/etc/kubernetes/manifests/")), "the manifest is staged, not written into the static pod directory");
        assert.ok(userDataDoc(etcd.userData).write_files.some((f: any) => f.path === STAGED_ETCD_MANIFEST));
        const members = allStacks().find((s) => s.stack === "prod")!.plan.nodes.filter((n) => n.role === "etcd");
        assert.match(startEtcdMember(members[0], members), new RegExp(`^sudo bash -s -- ${STAGED_ETCD_MANIFEST} https://${members[0].privateIp}:2380 `),
            "etcd-member-start.sh (on stdin) installs it; ClusterJoin runs it after the machine's sentinel");
    });

    // cloud-init turns runcmd into one /bin/sh script (cloudinit.util.shellify) and reports the
    // script's exit status, which is its last command's unless the script stops earlier.
    describe("runcmd as cloud-init runs it (its own shellify, /bin/sh, stub commands)", function () {
        const python = "/usr/bin/python3";
        const shellify = (runcmd: unknown): string => execFileSync(python, ["-c", "import json,sys; from cloudinit import util; sys.stdout.write(util.shellify(json.load(sys.stdin)))"], { input: JSON.stringify(runcmd), encoding: "utf8" });
        before(function () {
            const probe = spawnSync(python, ["-c", "import cloudinit.util"]);
            skipUnless(this, probe.status === 0 ? undefined : "cloud-init's Python package is not installed (Debian package cloud-init)");
        });

        /** Runs the node's runcmd with every program a stub that logs its argv; `failing` makes the stub of that step exit 1. */
        function runWithStubs(runcmd: (string | string[])[], failing?: (argv: string[]) => boolean): { code: number; ran: string[] } {
            const dir = mkdtempSync(path.join(tmpdir(), "runcmd-"));
            try {
                const log = path.join(dir, "log");
                const fail = path.join(dir, "fail");
                writeFileSync(fail, failing ? `${runcmd.filter(Array.isArray).find((c) => failing(c as string[]))!.join(" ")}\n` : "");
                for (const program of new Set(runcmd.filter(Array.isArray).map((c) => (c as string[])[0]))) {
                    const stub = path.join(dir, program);
                    writeFileSync(stub, `#!/bin/sh\nline="$(basename "$0") $*"\necho "$line" >> ${log}\nif grep -qxF "$line" ${fail}; then exit 1; fi\n`);
                    chmodSync(stub, 0o755);
                }
                const script = path.join(dir, "runcmd.sh");
                writeFileSync(script, shellify(runcmd));
                const r = spawnSync("/bin/sh", [script], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
                let ran: string[] = [];
                try {
                    ran = readFileSync(log, "utf8").trim().split("\n");
                } catch { /* nothing ran */ }
                return { code: r.status ?? -1, ran };
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        }

        it("runs every step and writes the sentinel when each succeeds", () => {
            const etcd = allStacks().find((s) => s.stack === "prod")!.bundles.find((b) => b.node.role === "etcd")!;
            const { runcmd } = userDataDoc(etcd.userData);
            const r = runWithStubs(runcmd);
            assert.equal(r.code, 0);
            assert.equal(r.ran.length, runcmd.length - 1, "every command ran");
            assert.match(r.ran.at(-1)!, /write-sentinel\.sh/);
        });

        it("stops at a failed step: no sentinel (so no etcd start) after a failed mount or install", () => {
            for (const s of allStacks()) {
                for (const b of s.bundles.filter((x) => ["etcd", "master", "worker"].includes(x.node.role))) {
                    const { runcmd } = userDataDoc(b.userData);
                    const step = b.node.role === "etcd" ? "mount-data-disk.sh" : "install-kubernetes.sh";
                    const r = runWithStubs(runcmd, (c) => c[1]?.endsWith(step) === true);
                    assert.notEqual(r.code, 0, `${b.node.name}: cloud-init sees the failure`);
                    assert.match(r.ran.at(-1)!, new RegExp(step.replace(".", "\\.")), `${b.node.name}: nothing runs after the failed ${step}`);
                    assert.ok(!r.ran.some((l) => /write-sentinel/.test(l)), `${b.node.name}: ${r.ran.join(" | ")}`);
                }
            }
        });
    });

    it("refuses user-data over the limit, naming the node and the size", () => {
        const big: CloudConfig = {
            hostname: "big-0", sshAuthorizedKeys: [], packages: [], hosts: [], runcmd: [],
            files: [publicFile("/opt/big", "x".repeat(13_000))],
        };
        assert.throws(() => renderUserData(big), /user-data of big-0 is \d+ bytes after base64, over Tencent's 16384-byte limit/);
    });

    it("refuses to put a secret file into user-data", () => {
        const leaky: CloudConfig = {
            hostname: "leaky-0", sshAuthorizedKeys: [], packages: [], hosts: [], runcmd: [],
            files: [{ path: "/etc/kubernetes/kubeadm/join.yaml", content: "token", permissions: "0600", secret: true }],
        };
        assert.throws(() => renderUserData(leaky), /join\.yaml is secret and must not be put in user-data/);
    });

    it("installs a given host key as the machine's only one (the image's deleted, no other type generated), and leaves the image's keys without one", () => {
        const base: CloudConfig = { hostname: "m-0", sshAuthorizedKeys: [], packages: [], hosts: [], runcmd: [], files: [] };
        const keyed = parse(renderUserData({ ...base, hostKey: { privateKey: PLACEHOLDER_HOST_KEY.privateKey, publicKey: `${PLACEHOLDER_HOST_KEY.publicKey}\n` } }).replace(/^#cloud-config\n/, ""));
        assert.deepEqual([keyed.ssh_deletekeys, keyed.ssh_genkeytypes], [true, ["ed25519"]]);
        assert.deepEqual(keyed.ssh_keys, { ed25519_private: PLACEHOLDER_HOST_KEY.privateKey, ed25519_public: PLACEHOLDER_HOST_KEY.publicKey }, "the public line without its newline");
        const plain = parse(renderUserData(base).replace(/^#cloud-config\n/, ""));
        assert.deepEqual([plain.ssh_keys, plain.ssh_deletekeys, plain.ssh_genkeytypes], [undefined, undefined, undefined]);
    });

    it("sizes the placeholder host key like a real ed25519 key, so the offline size check holds for the real user-data", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-hostkey-"));
        try {
            execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path.join(dir, "k")]);
            assert.equal(PLACEHOLDER_HOST_KEY.privateKey.length, readFileSync(path.join(dir, "k"), "utf8").length);
            assert.equal(PLACEHOLDER_HOST_KEY.publicKey.length, readFileSync(path.join(dir, "k.pub"), "utf8").trim().length);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
