// Every rendered file of every shipped stack, checked by the program that reads it on a node:
// cloud-init, shellcheck, haproxy, keepalived, nginx, systemd-analyze. Plus the strict kubeadm
// and static-pod models for files whose program (kubeadm, kubelet) cannot run here.

import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { kubeadmDocumentProblems } from "../../components/render/kubeadm-types";
import { StaticPodSchema } from "../../components/render/pods";
import { SCRIPTS } from "../../components/render/scripts";
import { ENCRYPTION_SCRIPTS } from "../../components/render/scripts-encryption";
import { UPGRADE_SCRIPTS } from "../../components/render/scripts-upgrade";
import { LIFECYCLE_SCRIPTS } from "../../components/render/scripts-lifecycle";
import { Lab, labUnavailable } from "../../lab/lab";
import { allStacks, renderStack } from "../helpers/rendered";
import { missingPrograms, skipUnless } from "../helpers/skip";
import { binsUnavailable, builtProgram } from "../../lab/bins/locate";
import { rebase, stage } from "../../lab/staging";

/** Skips (saying why) when a program is not installed; on CI that is a failure. */
function need(ctx: Mocha.Context, ...programs: string[]): void {
    skipUnless(ctx, missingPrograms(...programs));
}

function run(cmd: string, args: string[]): { code: number; out: string } {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}`.trim() };
}

/** Every node file of every stack that ends with `suffix`, staged under a scratch root per node. */
function filesEndingWith(root: string, suffix: string): { label: string; path: string; nodeRoot: string }[] {
    return allStacks().flatMap((s) => s.bundles.flatMap((b) => b.files.filter((f) => f.path.endsWith(suffix)).map((f) => {
        const nodeRoot = path.join(root, s.stack, b.node.name);
        const placed = stage(b.files, nodeRoot);
        return { label: `${s.stack}/${b.node.name}:${f.path}`, path: placed.get(f.path)!, nodeRoot };
    })));
}

describe("rendered files, checked by the programs that read them", function () {
    this.timeout(300_000);
    let root: string;
    before(() => {
        root = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-render-"));
        chmodSync(root, 0o755); // keepalived's script security refuses scripts below group/world-writable or private dirs
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it("cloud-init schema accepts the user-data of every node of every stack", function () {
        need(this, "cloud-init");
        const failures: string[] = [];
        let count = 0;
        for (const s of allStacks()) {
            for (const b of s.bundles) {
                const file = path.join(root, `${s.stack}-${b.node.name}.user-data.yaml`);
                writeFileSync(file, b.userData);
                const r = run("cloud-init", ["schema", "--config-file", file]);
                count++;
                if (r.code !== 0 || !r.out.includes("Valid cloud-config")) {
                    failures.push(`${s.stack}/${b.node.name}: ${r.out}`);
                }
            }
        }
        assert.deepEqual(failures, []);
        console.log(`      cloud-init schema: ${count} user-data files valid`);
    });

    it("shellcheck passes on every shell script", function () {
        need(this, "shellcheck");
        const scripts = filesEndingWith(root, ".sh");
        const unique = [...new Map(scripts.map((s) => [s.label.split(":")[1], s.path])).values()];
        // Every named script, those that arrive on a command's stdin or over SSH instead of in user-data included.
        for (const s of [...Object.values(SCRIPTS), ...Object.values(ENCRYPTION_SCRIPTS), ...Object.values(UPGRADE_SCRIPTS), ...Object.values(LIFECYCLE_SCRIPTS)]) {
            const file = path.join(root, `stdin-${s.name}`);
            writeFileSync(file, s.content);
            unique.push(file);
        }
        const r = run("shellcheck", ["--severity=style", ...unique]);
        assert.equal(r.code, 0, r.out);
        console.log(`      shellcheck: ${unique.length} scripts clean`);
    });

    it("haproxy -c accepts every HAProxy configuration (LB pairs, behind LVS, node-local)", function () {
        need(this, "haproxy");
        const configs = [...filesEndingWith(root, "haproxy.cfg")];
        assert.ok(configs.length >= 4);
        for (const c of configs) {
            const r = run("haproxy", ["-c", "-f", c.path]);
            assert.equal(r.code, 0, `${c.label}: ${r.out}`);
        }
    });

    it("the built containerd reads every containerd config.toml and applies each setting we render", function () {
        skipUnless(this, binsUnavailable(["containerd"]));
        const containerd = builtProgram("containerd")!;
        const configs = [...filesEndingWith(root, "containerd/config.toml")];
        assert.ok(configs.length >= 5);
        const dump = (file: string) => run(containerd, ["--config", file, "config", "dump"]);
        const seen = new Set<string>();
        for (const c of configs) {
            const text = execFileSync("cat", [c.path], { encoding: "utf8" });
            if (seen.has(text)) {
                continue;
            }
            seen.add(text);
            const r = dump(c.path);
            assert.equal(r.code, 0, `${c.label}: ${r.out}`);
            const sandbox = /sandbox = "([^"]+)"/.exec(text)![1];
            assert.ok(r.out.includes(`sandbox = '${sandbox}'`), `${c.label}: containerd pins the sandbox image ${sandbox}`);
            assert.match(r.out, /SystemdCgroup = true/);
            // Each key path we render is one containerd reads: a changed value shows up in its dump.
            for (const [key, value, probe] of [["bin_dirs", '[ "/opt/cni/bin" ]', "bin_dirs = ['/kubeadm-ha-probe']"], ["conf_dir", '"/etc/cni/net.d"', "conf_dir = '/kubeadm-ha-probe'"],
                ["config_path", '"/etc/containerd/certs.d"', "config_path = '/kubeadm-ha-probe'"]] as const) {
                const changed = path.join(root, `probe-${key}.toml`);
                const probeValue = key === "bin_dirs" ? '["/kubeadm-ha-probe"]' : '"/kubeadm-ha-probe"';
                assert.ok(text.includes(`${key} = ${value}`), `${c.label}: renders ${key} = ${value}`);
                writeFileSync(changed, text.replace(`${key} = ${value}`, `${key} = ${probeValue}`));
                assert.ok(dump(changed).out.includes(probe), `${c.label}: containerd reads ${key} where we render it`);
            }
        }
        console.log(`      containerd ${run(containerd, ["--version"]).out.trim().split(" ")[2]}: ${seen.size} distinct configs read`);
    });

    it("the built crictl reads /etc/crictl.yaml: containerd's socket, without flags", function () {
        skipUnless(this, binsUnavailable(["crictl"]));
        const configs = [...filesEndingWith(root, "crictl.yaml")];
        assert.ok(configs.length > 0);
        for (const key of ["runtime-endpoint", "image-endpoint"]) {
            const r = run(builtProgram("crictl")!, ["--config", configs[0].path, "config", "--get", key]);
            assert.equal(r.code, 0, r.out);
            assert.equal(r.out.trim(), "unix:///var/run/containerd/containerd.sock", key);
        }
    });

    it("keepalived -t accepts every keepalived configuration (VRRP pairs and LVS directors)", function () {
        need(this, "keepalived");
        const configs = filesEndingWith(root, "keepalived.conf");
        assert.ok(configs.some((c) => c.label.includes("-lvs-")), "an LVS director config is checked too");
        for (const c of configs) {
            const rebased = `${c.path}.rebased`;
            writeFileSync(rebased, rebase(execFileSync("cat", [c.path], { encoding: "utf8" }), c.nodeRoot));
            const r = run("keepalived", ["-t", "-f", rebased]);
            assert.equal(r.code, 0, `${c.label} (exit 5 also means a warning): ${r.out}`);
        }
    });

    it("nginx -t accepts the node-local nginx configuration, inside a test host (it binds its sockets)", async function () {
        need(this, "nginx", "ip");
        skipUnless(this, labUnavailable());
        const rendered = renderStack("prod-stacked-local", (c) => { c.apiEndpoint.proxy = "nginx"; });
        const worker = rendered.bundles.find((b) => b.node.role === "worker")!;
        const nodeRoot = path.join(root, "nginx", worker.node.name);
        const conf = stage(worker.files, nodeRoot).get("/etc/kubernetes/node-proxy/nginx.conf")!;
        const lab = Lab.create(rendered.spec.network.vpcCidr);
        try {
            const host = lab.addHost("worker", worker.node.privateIp);
            const r = await host.exec("nginx", ["-t", "-c", conf, "-e", "stderr"]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stderr, /test is successful/);
        } finally {
            lab.destroy();
        }
        assert.deepEqual(lab.leftovers(), []);
    });

    it("systemd-analyze verify accepts every unit and drop-in", function () {
        need(this, "systemd-analyze");
        // A scratch root: the machine's system units, our units, and stub executables for the
        // programs the units start (a node has them from its packages). The drop-in is verified on top of
        // a stand-in kubelet.service shaped like the kubelet package's unit.
        const sysRoot = path.join(root, "systemd-root");
        mkdirSync(path.join(sysRoot, "usr/lib/systemd"), { recursive: true });
        cpSync("/usr/lib/systemd/system", path.join(sysRoot, "usr/lib/systemd/system"), { recursive: true });
        const units = allStacks().flatMap((s) => s.bundles.flatMap((b) => b.files.filter((f) => f.path.startsWith("/etc/systemd/system/"))
            .map((f) => ({ label: `${s.stack}/${b.node.name}:${f.path}`, files: b.files, unit: f }))));
        assert.ok(units.length > 0);
        const stubPrograms = (unitText: string) => {
            for (const m of unitText.matchAll(/^Exec\w+=[-@:+!]*(\/\S+)/gm)) {
                const stub = path.join(sysRoot, m[1]);
                mkdirSync(path.dirname(stub), { recursive: true });
                writeFileSync(stub, "#!/bin/sh\n", { mode: 0o755 });
            }
        };
        stubPrograms("ExecStart=/usr/bin/kubelet");
        writeFileSync(path.join(sysRoot, "usr/lib/systemd/system/kubelet.service"),
            "[Unit]\nDescription=kubelet (stand-in for the kubelet package's unit)\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n[Install]\nWantedBy=multi-user.target\n");
        let checked = 0;
        for (const u of units) {
            stage(u.files.filter((f) => f.path.startsWith("/usr/local/lib/kubeadm-ha/")), sysRoot);
            stage([u.unit], sysRoot);
            stubPrograms(u.unit.content);
            const name = u.unit.path.includes(".service.d/") ? u.unit.path.split("/").at(-2)!.replace(/\.d$/, "") : path.basename(u.unit.path);
            const r = run("systemd-analyze", ["verify", `--root=${sysRoot}`, name]);
            assert.equal(r.code, 0, `${u.label}: ${r.out}`);
            assert.equal(r.out, "", `${u.label}: systemd-analyze printed diagnostics: ${r.out}`);
            checked++;
        }
        console.log(`      systemd-analyze verify: ${checked} units and drop-ins clean`);
    });

    it("every kubeadm document matches the strict kubeadm.k8s.io/v1beta4 model", () => {
        let count = 0;
        for (const s of allStacks()) {
            for (const b of s.bundles) {
                for (const f of b.files.filter((x) => x.path.startsWith("/etc/kubernetes/kubeadm/") || x.path.endsWith("kubelet-standalone.yaml") || x.path.endsWith("encryption/config.yaml"))) {
                    for (const doc of parseAllDocuments(f.content)) {
                        assert.deepEqual(kubeadmDocumentProblems(doc.toJS()), [], `${s.stack}/${b.node.name}:${f.path}`);
                        count++;
                    }
                }
            }
        }
        assert.ok(count > 20, `only ${count} documents`);
    });

    it("every static pod matches the strict Pod model", () => {
        const pods = allStacks().flatMap((s) => s.bundles.flatMap((b) => b.files.filter((f) => /manifests\/.*\.yaml$|kubeadm-ha\/etcd\.yaml$/.test(f.path))));
        assert.ok(pods.length > 0);
        for (const p of pods) {
            assert.ok(StaticPodSchema.safeParse(parse(p.content)).success, p.path);
        }
    });

    it("negative controls: each program rejects a broken variant of a rendered file", function () {
        need(this, "cloud-init", "shellcheck", "haproxy", "keepalived", "systemd-analyze");
        const s = allStacks().find((x) => x.stack === "prod-keepalived")!;
        const lb = s.bundles.find((b) => b.node.role === "lb")!;
        const nodeRoot = path.join(root, "negative", lb.node.name);
        const placed = stage(lb.files, nodeRoot);
        const broken = (name: string, text: string) => {
            const file = path.join(root, "negative", name);
            writeFileSync(file, text);
            return file;
        };
        const cases: [string, string[]][] = [
            ["cloud-init", ["schema", "--config-file", broken("user-data.yaml", lb.userData.replace('permissions: "0755"', "permissions: 0755"))]],
            ["shellcheck", [broken("bad.sh", "#!/usr/bin/env bash\nset -euo pipefail\nrm -rf $1/*\n")]],
            ["haproxy", ["-c", "-f", broken("haproxy.cfg", execFileSync("cat", [placed.get("/etc/haproxy/haproxy.cfg")!], { encoding: "utf8" }).replace("balance roundrobin", "balance fastest"))]],
            ["keepalived", ["-t", "-f", broken("keepalived.conf", rebase(execFileSync("cat", [placed.get("/etc/kubeadm-ha/keepalived.conf")!], { encoding: "utf8" }), nodeRoot).replace("state MASTER", "state MASTR"))]],
        ];
        for (const [program, args] of cases) {
            assert.notEqual(run(program, args).code, 0, `${program} accepted a broken file`);
        }
        const sysRoot = path.join(root, "systemd-root");
        if (existsSync(sysRoot)) {
            writeFileSync(path.join(sysRoot, "etc/systemd/system/broken.service"), "[Service]\nExecStart=/usr/sbin/keepalived\nRestartt=always\n");
            assert.notEqual(run("systemd-analyze", ["verify", `--root=${sysRoot}`, "broken.service"]).out, "", "systemd-analyze reports an unknown key");
        }
    });

    it("runs every program it checks with (on CI all of them are installed)", function () {
        const programs: [string, string[]][] = [["cloud-init", ["--version"]], ["shellcheck", ["--version"]], ["haproxy", ["-v"]],
            ["keepalived", ["-v"]], ["nginx", ["-v"]], ["systemd-analyze", ["--version"]], ["openssl", ["version"]], ["rclone", ["version"]]];
        // etcd and etcdctl are the ones `npm run bins` builds, at the version we render.
        const built: [string, string[]][] = [["etcd", ["--version"]], ["etcdctl", ["version"]], ["kubeadm", ["version", "-o", "short"]],
            ["containerd", ["--version"]], ["runc", ["--version"]], ["crictl", ["--version"]], ["flanneld", ["--version"]]];
        need(this, ...programs.map(([p]) => p));
        skipUnless(this, binsUnavailable(built.map(([p]) => p)));
        for (const [program, args] of programs) {
            assert.equal(run(program, args).code, 0, `${program} ${args.join(" ")}`);
        }
        for (const [name, args] of built) {
            assert.equal(run(builtProgram(name)!, args).code, 0, `${name} ${args.join(" ")}`);
        }
    });
});
