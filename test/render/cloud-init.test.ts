import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { base64Size, CloudConfig, renderUserData, USER_DATA_LIMIT } from "../../components/render/cloud-init";
import { publicFile } from "../../components/render/node-file";
import { allStacks } from "../helpers/rendered";

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
                assert.ok(doc.runcmd.every((c: unknown) => Array.isArray(c) && c.every((a) => typeof a === "string")), `${b.node.name}: runcmd entries are string arrays`);
            }
        }
    });

    it("ends every node's commands with the sentinel and installs the pinned Kubernetes packages on Kubernetes nodes", () => {
        for (const s of allStacks()) {
            for (const b of s.bundles) {
                const { runcmd } = userDataDoc(b.userData);
                assert.deepEqual(runcmd.at(-1), ["bash", "/usr/local/lib/kubeadm-ha/write-sentinel.sh", b.node.name, b.node.role]);
                const install = runcmd.find((c: string[]) => c[1]?.endsWith("install-kubernetes.sh"));
                assert.equal(Boolean(install), ["master", "worker", "etcd"].includes(b.node.role), b.node.name);
                if (install) {
                    assert.deepEqual(install.slice(2), [s.spec.mirrors.kubernetesApt, `1.${s.spec.kubernetes.minor}`, s.spec.kubernetes.version]);
                }
            }
        }
    });

    it("mounts the etcd data disk before the kubelet may start etcd", () => {
        const etcd = allStacks().find((s) => s.stack === "prod")!.bundles.find((b) => b.node.role === "etcd")!;
        const cmds: string[][] = userDataDoc(etcd.userData).runcmd;
        const mount = cmds.findIndex((c) => c[1]?.endsWith("mount-data-disk.sh"));
        const manifest = cmds.findIndex((c) => c[0] === "install" && c.at(-1) === "/etc/kubernetes/manifests/etcd.yaml");
        const kubelet = cmds.findIndex((c) => c.join(" ") === "systemctl restart kubelet");
        assert.ok(mount >= 0 && mount < manifest && manifest < kubelet, JSON.stringify(cmds));
        assert.ok(!userDataDoc(etcd.userData).write_files.some((f: any) => f.path.startsWith("/etc/kubernetes/manifests/")), "the manifest is staged, not written into the static pod directory");
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
});
