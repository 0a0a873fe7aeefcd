// The named snippets, run for real. Those that edit node files run in a private mount namespace
// with a scratch file bound over the real one, so this machine's files are never touched.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { APPLY_ADDONS, ENSURE_BOOTSTRAP_TOKEN, startEtcdMember, INSTALL_SECRETS, KUBEADM_INIT, KUBEADM_JOIN, UPLOAD_CERTS, reloadEncryption, useLocalApiserver, WAIT_FOR_BOOTSTRAP } from "../../components/render/commands";
import { SCRIPTS } from "../../components/render/scripts";
import { secretInstallScript } from "../../components/render/secret-bundle";
import { missingPrograms, skipUnless } from "../helpers/skip";
import { rebase } from "../../lab/staging";
import { builtProgram } from "../../lab/bins/locate";
import { renderStack } from "../helpers/rendered";

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

    /**
     * Runs `body` (bash; $1 = `script`) in a private mount namespace where /etc is an overlay of
     * this machine's (writes land in a scratch directory), /etc/kubernetes is empty but for pki/ and
     * kubeadm/, and /var/lib is a tmpfs: nothing of this machine is written. Stops before `body` if
     * any mount fails. `bin` comes first on PATH.
     */
    const inScratchNode = (body: string, script: string, bin: string) => {
        const scratch = mkdtempSync(path.join(dir, "node-"));
        const setup = [
            "set -e",
            `mkdir -p ${scratch}/upper ${scratch}/work`,
            `mount -t overlay overlay -o lowerdir=/etc,upperdir=${scratch}/upper,workdir=${scratch}/work /etc`,
            "mount -t tmpfs tmpfs /var/lib",
            "mkdir -p /etc/kubernetes && mount -t tmpfs tmpfs /etc/kubernetes && mkdir /etc/kubernetes/pki /etc/kubernetes/kubeadm",
            "set +e",
        ].join("\n");
        return spawnSync("unshare", ["--mount", "--propagation", "private", "bash", "-c", `${setup}\n${body}`, "bash", script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    };

    // A stub kubeadm that writes what the real one writes early (kubelet.conf, a manifest) and
    // fails while a failure is pending; `reset -f` removes what the real reset removes.
    const stubKubeadm = (calls: string, failures: string) => `#!/bin/sh
echo "$@" >> ${calls}
if [ "$1" = reset ]; then rm -rf /etc/kubernetes/pki /etc/kubernetes/manifests /etc/kubernetes/*.conf; exit 0; fi
mkdir -p /etc/kubernetes/manifests && touch /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kubelet.conf
test -f /etc/kubernetes/pki/ca.key || { echo "no CA key" >&2; exit 1; }
n=$(cat ${failures}); if [ "$n" -gt 0 ]; then echo $((n - 1)) > ${failures}; echo "failed late" >&2; exit 1; fi
`;

    it("kubeadm-once.sh: done only after kubeadm succeeds; a rerun resets the node and restores its secret files; a done node is left alone", function () {
        skipUnless(this, canUnshare() ? undefined : "needs root and unshare --mount for a scratch /etc/kubernetes and /var/lib/kubeadm-ha");
        const bin = path.join(dir, "once-bin");
        const calls = path.join(dir, "once-calls");
        const failures = path.join(dir, "once-failures");
        spawnSync("mkdir", ["-p", bin]);
        writeFileSync(path.join(bin, "kubeadm"), stubKubeadm(calls, failures), { mode: 0o755 });
        writeFileSync(failures, "1");
        writeFileSync(calls, "");
        const script = write(SCRIPTS.kubeadmOnce);
        // One mount namespace for the whole life of the node: the secret files as INSTALL_SECRETS
        // leaves them, then three runs of the join command.
        const node = [
            "echo CA-KEY > /etc/kubernetes/pki/ca.key && echo join > /etc/kubernetes/kubeadm/join.yaml",
            `for run in 1 2 3; do bash "$1" /etc/kubernetes/kubelet.conf join --config /etc/kubernetes/kubeadm/join.yaml; echo "run $run: $?"; done`,
            "cat /etc/kubernetes/pki/ca.key; ls /var/lib/kubeadm-ha/kubeadm-once",
        ].join("\n");
        const r = inScratchNode(node, script, bin);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /run 1: 1\n/, "the failed join fails the command (Pulumi reports it)");
        assert.match(r.stderr, /an earlier kubeadm join did not finish; resetting the node/);
        assert.match(r.stdout, /run 2: 0\n/, "the rerun converges");
        assert.match(r.stdout, /kubeadm join already done on this node \(\/var\/lib\/kubeadm-ha\/kubeadm-once\/kubeadm-join\.done exists\)\nrun 3: 0\n/);
        assert.match(r.stdout, /CA-KEY\n/, "the cluster CA key was put back after the reset");
        assert.match(r.stdout, /kubeadm-join\.done\n/);
        assert.doesNotMatch(r.stdout, /kubeadm-join\.attempt/);
        const args = "join --config /etc/kubernetes/kubeadm/join.yaml";
        assert.equal(readFileSync(calls, "utf8"), `${args}\nreset -f\n${args}\n`, "kubeadm ran, reset, ran again, then never again");
    });

    it("kubeadm-once.sh leaves alone a node an earlier release bootstrapped (its done file, no attempt record)", function () {
        skipUnless(this, canUnshare() ? undefined : "needs root and unshare --mount");
        const bin = path.join(dir, "legacy-bin");
        const calls = path.join(dir, "legacy-calls");
        spawnSync("mkdir", ["-p", bin]);
        writeFileSync(path.join(bin, "kubeadm"), `#!/bin/sh\necho "$@" >> ${calls}\n`, { mode: 0o755 });
        writeFileSync(calls, "");
        const script = write(SCRIPTS.kubeadmOnce);
        const node = 'touch /etc/kubernetes/admin.conf && bash "$1" /etc/kubernetes/admin.conf init --config /etc/kubernetes/kubeadm/init.yaml --upload-certs && ls /var/lib/kubeadm-ha/kubeadm-once';
        const r = inScratchNode(node, script, bin);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /kubeadm init already done on this node \(\/etc\/kubernetes\/admin\.conf exists/);
        assert.match(r.stdout, /kubeadm-init\.done/);
        assert.equal(readFileSync(calls, "utf8"), "", "kubeadm never ran");
    });

    // Stub kubectl and kubeadm over one "cluster" file holding the token Secret's expiration
    // (absent: no Secret; "never": no expiration).
    const tokenStubs = (bin: string, cluster: string, calls: string, createFails = false) => {
        spawnSync("mkdir", ["-p", bin]);
        writeFileSync(path.join(bin, "kubectl"), `#!/bin/sh
echo "kubectl $*" >> ${calls}
test -f ${cluster} || exit 1
case "$*" in *jsonpath*) v=$(cat ${cluster}); [ "$v" = never ] || printf %s "$v" | base64;; *) echo secret/bootstrap-token-abcdef;; esac
`, { mode: 0o755 });
        writeFileSync(path.join(bin, "kubeadm"), `#!/bin/sh
echo "kubeadm $*" >> ${calls}
case "$1 $2" in "token delete") rm -f ${cluster};; "token create") ${createFails ? `date -u -d "+2 hours" +%Y-%m-%dT%H:%M:%SZ > ${cluster}; exit 1` : `echo "$3"; date -u -d "+2 hours" +%Y-%m-%dT%H:%M:%SZ > ${cluster}`};; esac
`, { mode: 0o755 });
    };

    it("ensure-bootstrap-token.sh keeps the token valid for joins after the first day, without printing it", () => {
        const config = path.join(dir, "init.yaml");
        writeFileSync(config, "bootstrapTokens:\n  - token: abcdef.0123456789abcdef\n    ttl: 24h0m0s\n");
        const script = write(SCRIPTS.ensureBootstrapToken);
        const at = (offset: string) => spawnSync("date", ["-u", "-d", offset, "+%Y-%m-%dT%H:%M:%SZ"], { encoding: "utf8" }).stdout.trim();
        const cases: [string, string | undefined, RegExp, string[]][] = [
            ["made at init, 23 h left", at("+23 hours"), /valid until/, []],
            ["expiring in 10 minutes", at("+10 minutes"), /re-created, valid for 2 h/, ["kubeadm token delete abcdef", "kubeadm token create abcdef.0123456789abcdef --ttl 2h"]],
            ["gone (expired and deleted by the cluster)", undefined, /re-created, valid for 2 h/, ["kubeadm token create abcdef.0123456789abcdef --ttl 2h"]],
            ["without an expiration", "never", /does not expire/, []],
        ];
        for (const [what, expires, said, kubeadmCalls] of cases) {
            const bin = path.join(dir, `token-bin-${cases.findIndex((c) => c[0] === what)}`);
            const cluster = path.join(bin, "cluster");
            const calls = path.join(bin, "calls");
            tokenStubs(bin, cluster, calls);
            if (expires) {
                writeFileSync(cluster, expires);
            }
            const r = spawnSync("bash", [script, config], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
            assert.equal(r.status, 0, `${what}: ${r.stderr}`);
            assert.match(r.stdout, said, what);
            assert.doesNotMatch(r.stdout + r.stderr, /0123456789abcdef/, `${what}: the token secret is never printed (Pulumi keeps a command's output)`);
            const ran = readFileSync(calls, "utf8").split("\n").filter((l) => l.startsWith("kubeadm"));
            assert.deepEqual(ran.map((l) => l.replace(/ --description.*/, "")), kubeadmCalls, what);
        }
        // Another node's step made it at the same moment: its create fails, the token exists.
        const bin = path.join(dir, "token-bin-race");
        tokenStubs(bin, path.join(bin, "cluster"), path.join(bin, "calls"), true);
        const r = spawnSync("bash", [script, config], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stderr);
        const none = path.join(dir, "no-token.yaml");
        writeFileSync(none, "kind: InitConfiguration\n");
        const bad = spawnSync("bash", [script, none], { encoding: "utf8" });
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, /no bootstrap token in/);
    });

    /** An armored OpenPGP public key made with the real gpg, and its fingerprint. */
    const gpgKeys = new Map<string, { armored: string; fingerprint: string }>();
    const gpgKey = (name: string) => {
        if (!gpgKeys.has(name)) {
            const home = mkdtempSync(path.join(dir, "gpg-"));
            const gpg = (...args: string[]) => spawnSync("gpg", ["--homedir", home, "--batch", ...args], { encoding: "utf8" });
            assert.equal(gpg("--passphrase", "", "--quick-gen-key", `${name} <${name}@test.invalid>`, "ed25519", "sign", "never").status, 0);
            const fingerprint = gpg("--with-colons", "--list-keys").stdout.split("\n").find((l) => l.startsWith("fpr:"))!.split(":")[9];
            gpgKeys.set(name, { armored: gpg("--armor", "--export").stdout, fingerprint });
        }
        return gpgKeys.get(name)!;
    };
    /** Stubs of curl (writes `release` to its -o file), apt-get and apt-mark, and a containerd printing `version`. */
    const aptBin = (name: string, release: string, version = "containerd github.com/containerd/containerd/v2 v2.2.1 1.2.3") => {
        const bin = path.join(dir, `apt-bin-${name}`);
        spawnSync("mkdir", ["-p", bin]);
        writeFileSync(path.join(bin, "release.key"), release);
        writeFileSync(path.join(bin, "curl"), `#!/bin/sh\nwhile [ "$#" -gt 0 ]; do [ "$1" = -o ] && cp ${bin}/release.key "$2"; shift; done\n`, { mode: 0o755 });
        for (const p of ["apt-get", "apt-mark"]) {
            writeFileSync(path.join(bin, p), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        }
        writeFileSync(path.join(bin, "containerd"), `#!/bin/sh\necho "${version}"\n`, { mode: 0o755 });
        return bin;
    };
    const install = (bin: string, fingerprint: string) =>
        inScratchNode(`bash "$1" https://pkgs.k8s.io/core:/stable: 1.37 1.37.2 ${fingerprint} && gpg --show-keys --with-colons /etc/apt/keyrings/kubernetes-apt-keyring.gpg | grep -c '^pub'`, write(SCRIPTS.installKubernetes), bin);

    it("install-kubernetes.sh trusts the repository only when its Release.key holds the pinned key and nothing else (real gpg)", function () {
        skipUnless(this, canUnshare() ? (missingPrograms("gpg") ?? undefined) : "needs root and unshare --mount for a scratch /etc");
        const pinned = gpgKey("pinned");
        const other = gpgKey("other");
        const ok = install(aptBin("pinned", pinned.armored), pinned.fingerprint);
        assert.equal(ok.status, 0, ok.stderr);
        assert.equal(ok.stdout.trim().split("\n").pop(), "1", "the keyring holds the one key");
        for (const [name, release] of [["swapped", other.armored], ["added", pinned.armored + other.armored], ["empty", ""]] as const) {
            const r = install(aptBin(name, release), pinned.fingerprint);
            assert.equal(r.status, 1, `${name}: ${r.stderr}`);
            assert.match(r.stderr, new RegExp(`Release\\.key has keys \\[[0-9A-F ]*\\], not only the pinned ${pinned.fingerprint} \\(mirrors\\.kubernetesAptKeyFingerprint\\): refused`), name);
        }
    });

    it("install-kubernetes.sh stops with a clear message when the packaged containerd is older than 2.x (it cannot read config version 3)", function () {
        skipUnless(this, canUnshare() ? (missingPrograms("gpg") ?? undefined) : "needs root and unshare --mount for a scratch /etc");
        const key = gpgKey("pinned");
        const cases: [string, number][] = [
            ["containerd github.com/containerd/containerd/v2 v2.2.1 1.2.3", 0],
            ["containerd containerd.io 1.7.12 ", 1],
            ["containerd github.com/containerd/containerd 1.6.20~ds1", 1],
        ];
        // And what the containerd `npm run bins` builds really prints, when it is built.
        const built = builtProgram("containerd");
        if (built) {
            cases.push([spawnSync(built, ["--version"], { encoding: "utf8" }).stdout.trim(), 0]);
        }
        cases.forEach(([version, code], n) => {
            const r = install(aptBin(`containerd-${n}`, key.armored, version), key.fingerprint);
            assert.equal(r.status, code, `${version}: ${r.stderr}`);
            if (code !== 0) {
                assert.match(r.stderr, /cannot read the rendered config \(version 3 needs containerd 2\.x/);
            }
        });
    });

    it("every snippet starts with a shebang and set -euo pipefail", () => {
        for (const s of Object.values(SCRIPTS)) {
            assert.match(s.content, /^#!\/usr\/bin\/env bash\n# .+\nset -euo pipefail\n/, s.name);
        }
    });
});

describe("the secret-file installer fed over SSH", () => {
    const etcdMembers = renderStack("prod").plan.nodes.filter((n) => n.role === "etcd");
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
        const scripts = [secretInstallScript(files), ...[WAIT_FOR_BOOTSTRAP, INSTALL_SECRETS, KUBEADM_INIT, UPLOAD_CERTS, ENSURE_BOOTSTRAP_TOKEN, KUBEADM_JOIN, APPLY_ADDONS, startEtcdMember(etcdMembers[0], etcdMembers), useLocalApiserver("api.prod.internal"), reloadEncryption(6443)]
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
