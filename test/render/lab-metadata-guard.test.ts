// The metadata guard a Kubernetes machine runs at boot, run for real: a test host stands for the
// machine, a network namespace behind a veth for a pod on it (masqueraded, as flannel does, and
// with a pod-network rule that accepts pod traffic in FORWARD first), another host for Tencent's
// metadata service at 169.254.0.23 serving a CAM role's credentials. Before the guard the pod
// reads them; after the rendered unit's command it cannot, while the machine itself still can
// (the backup timer's with-cvm-role.sh). Run twice, the guard adds its rule once.

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { TENCENT_METADATA_IP } from "../../components/plan/addressing";
import { METADATA_GUARD_UNIT } from "../../components/render/metadata-guard";
import { Host, Lab, labUnavailable, waitFor } from "../../lab/lab";
import { labHooks } from "../helpers/lab-hooks";
import { renderStack } from "../helpers/rendered";
import { skipUnless } from "../helpers/skip";

const ROLE = "stack-etcd-backup-ap-guangzhou";
const CREDENTIALS_PATH = `/latest/meta-data/cam/security-credentials/${ROLE}`;

describe("metadata guard: pods cannot reach the metadata service, the machine can (real iptables, a pod behind a veth)", function () {
    this.timeout(60_000);
    const rendered = renderStack("prod-stacked-local");
    const master = rendered.bundles.find((b) => b.node.role === "master")!;
    let lab: Lab | undefined;
    let node: Host;
    let pod: Host;

    const read = (h: Host) => h.exec("curl", ["-sS", "--max-time", "2", `http://${TENCENT_METADATA_IP}${CREDENTIALS_PATH}`], 10_000);
    const sh = async (h: Host, cmd: string, ...args: string[]) => {
        const r = await h.exec(cmd, args);
        assert.equal(r.code, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
    };

    before(async function () {
        skipUnless(this, labUnavailable(["iptables", "curl", "python3"]));
        lab = Lab.create("10.20.0.0/16");
        node = lab.addHost("node", "10.20.1.10");
        const metadata = lab.addHost("metadata", "10.20.1.20");
        // The metadata service: its address on loopback, reached through the machine's route, as in a VPC.
        const root = path.join(lab.dir, "metadata");
        mkdirSync(path.join(root, path.dirname(CREDENTIALS_PATH)), { recursive: true });
        writeFileSync(path.join(root, CREDENTIALS_PATH), JSON.stringify({ TmpSecretId: "AKIDtest", TmpSecretKey: "not-a-real-key", Token: "t" }));
        await sh(metadata, "ip", "addr", "add", `${TENCENT_METADATA_IP}/32`, "dev", "lo");
        metadata.spawn("metadata", "python3", ["-m", "http.server", "--bind", TENCENT_METADATA_IP, "--directory", root, "80"]);
        await sh(node, "ip", "route", "add", `${TENCENT_METADATA_IP}/32`, "via", metadata.ip);
        await sh(node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        // A pod: its own network namespace behind a veth, its address in the cluster's pod range.
        const podCidr = rendered.spec.network.podCidr;
        const [a, b] = podCidr.split(".");
        const podNs = `${lab.prefix}-pod`;
        execFileSync("ip", ["netns", "add", podNs]);
        execFileSync("ip", ["link", "add", "name", "vpod", "netns", node.ns, "type", "veth", "peer", "name", "eth0", "netns", podNs]);
        pod = new Host(lab, "pod", podNs, `${a}.${b}.1.5`);
        await sh(node, "ip", "addr", "add", `${a}.${b}.1.1/24`, "dev", "vpod");
        await sh(node, "ip", "link", "set", "vpod", "up");
        for (const args of [["link", "set", "lo", "up"], ["addr", "add", `${pod.ip}/24`, "dev", "eth0"], ["link", "set", "eth0", "up"], ["route", "add", "default", "via", `${a}.${b}.1.1`]]) {
            await sh(pod, "ip", ...args);
        }
        // What the pod network does on a node: masquerade pod traffic leaving the pod range, accept it in FORWARD first.
        await sh(node, "iptables", "-t", "nat", "-A", "POSTROUTING", "-s", podCidr, "!", "-d", podCidr, "-j", "MASQUERADE");
        await sh(node, "iptables", "-I", "FORWARD", "1", "-s", podCidr, "-j", "ACCEPT");
        await waitFor("the metadata service", async () => (await read(node)).code === 0, 10_000, 100);
    });

    labHooks(() => lab);

    it("is a unit of every master and worker, ordered before containerd and the kubelet, started by its user-data before the kubelet is enabled", () => {
        for (const b of rendered.bundles) {
            const unit = b.files.find((f) => f.path === `/etc/systemd/system/${METADATA_GUARD_UNIT}`);
            const kubelet = ["master", "worker"].includes(b.node.role);
            assert.equal(Boolean(unit), kubelet, `${b.node.name}: ${kubelet ? "guarded" : "no pod-network pod, no guard"}`);
            if (unit) {
                assert.match(unit.content, /^Before=containerd\.service kubelet\.service$/m);
                const runcmd: unknown[] = parse(b.userData.replace(/^#cloud-config\n/, "")).runcmd;
                const at = (...argv: string[]) => runcmd.findIndex((c) => JSON.stringify(c) === JSON.stringify(argv));
                assert.ok(at("systemctl", "enable", "--now", METADATA_GUARD_UNIT) > 0, `${b.node.name}: started by user-data`);
                assert.ok(at("systemctl", "enable", "--now", METADATA_GUARD_UNIT) < at("systemctl", "enable", "kubelet"), `${b.node.name}: before the kubelet is enabled`);
            }
        }
    });

    it("lets the pod read the role's credentials before the guard, refuses it after, and the machine keeps reading them", async () => {
        const before = await read(pod);
        assert.equal(before.code, 0, `without the guard a pod reads the credentials: ${before.stderr}`);
        assert.match(before.stdout, /TmpSecretKey/);

        // The unit's command lines, as systemd runs them: ExecStartPre (a leading - ignores its failure), then ExecStart; twice, as at a restart.
        const unit = master.files.find((f) => f.path === `/etc/systemd/system/${METADATA_GUARD_UNIT}`)!;
        const lines = [...unit.content.matchAll(/^(ExecStartPre|ExecStart)=(-?)(.*)$/gm)].map((m) => ({ ignoreFailure: m[2] === "-", argv: m[3].split(" ") }));
        assert.deepEqual(lines.map((l) => l.argv[0]), ["/usr/sbin/iptables", "/usr/sbin/iptables"]);
        for (let i = 0; i < 2; i++) {
            for (const { ignoreFailure, argv } of lines) {
                const r = await node.exec(argv[0], argv.slice(1));
                assert.ok(ignoreFailure || r.code === 0, `${argv.join(" ")}: ${r.stderr}`);
            }
        }
        const rules = (await sh(node, "iptables", "-t", "raw", "-S", "PREROUTING")).split("\n").filter((l) => l.includes(TENCENT_METADATA_IP));
        assert.deepEqual(rules, [`-A PREROUTING -s ${rendered.spec.network.podCidr} -d ${TENCENT_METADATA_IP}/32 -j DROP`], "one rule, however often it runs");

        const after = await read(pod);
        assert.notEqual(after.code, 0, "the pod is refused");
        assert.doesNotMatch(after.stdout, /TmpSecretKey/);
        const machine = await read(node);
        assert.equal(machine.code, 0, `the machine still reads them: ${machine.stderr}`);
        assert.match(machine.stdout, /TmpSecretKey/);
    });

    it("is not rendered with network.podMetadataAccess: true", () => {
        const open = renderStack("prod-stacked-local", (c) => { c.network.podMetadataAccess = true; });
        assert.ok(open.bundles.every((b) => !b.files.some((f) => f.path.endsWith(METADATA_GUARD_UNIT)) && !b.userData.includes(METADATA_GUARD_UNIT)));
    });
});
