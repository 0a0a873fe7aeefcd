// The previous Kubernetes release the lab builds (a cluster is brought up at it and upgraded) and
// the lab's package archive (lab/apt-shim.sh): each release's programs report their version and
// kubeadm 1.36 deploys the etcd and CoreDNS the lab builds for it; on a test machine, the steps
// of kubeadm-upgrade.sh that move packages install only from the repository of the version's
// minor and change held packages only with --allow-change-held-packages, as apt does.

import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { kubeadmImages } from "../components/plan/versions";
import { upgradeNode, drainNode, upgradeEtcdMember } from "../components/render/commands";
import { UPGRADE_SCRIPTS } from "../components/render/scripts-upgrade";
import { binsUnavailable, kubernetesReleases, previousProgram, programAt, productVersion, versionCheck } from "../lab/bins/locate";
import { Lab, labUnavailable } from "../lab/lab";
import { addMachine, LAB_LIB, Machine } from "../lab/machine";
import { skipUnless } from "./helpers/skip";

const PREVIOUS = ["kubeadm", "kubelet", "kubectl", "kube-apiserver", "etcd", "coredns"];
const missingPrevious = () => PREVIOUS.filter((p) => !previousProgram(p)).map((p) => `${p} (previous release)`).join(", ") || undefined;

describe("the previous release the lab upgrades from (npm run bins)", () => {
    before(function () {
        skipUnless(this, missingPrevious() ?? binsUnavailable(["kubeadm", "etcd", "coredns"]));
    });

    it("builds Kubernetes 1.36.3 beside 1.37.2, each program reporting its release", () => {
        assert.equal(productVersion("kubernetes-1.36"), "v1.36.3");
        for (const p of ["kubeadm", "kubelet", "kubectl", "kube-apiserver"]) {
            assert.equal(versionCheck(p, programAt(p, "1.36.3"), "v1.36.3"), undefined, p);
            assert.equal(versionCheck(p, programAt(p, "v1.37.2"), "v1.37.2"), undefined, p);
        }
        assert.throws(() => programAt("kubeadm", "1.35.4"), /no product of lab\/bins\/products\.ts builds this release \(v1\.37\.2, v1\.36\.3\)/);
    });

    it("builds the etcd and CoreDNS that kubeadm 1.36 deploys, which versions.ts records", () => {
        const images = execFileSync(programAt("kubeadm", "1.36.3"), ["config", "images", "list", "--kubernetes-version", "v1.36.3"], { encoding: "utf8" });
        const tag = (name: string) => new RegExp(`/${name}:(\\S+)`).exec(images)?.[1];
        assert.equal(tag("etcd"), kubeadmImages(36).etcd);
        assert.equal(tag("coredns"), kubeadmImages(36).coredns);
        assert.equal(versionCheck("etcd", programAt("etcd", kubeadmImages(36).etcd), "3.6.8"), undefined);
        assert.equal(versionCheck("coredns", programAt("coredns", kubeadmImages(36).coredns), "1.14.2"), undefined);
    });
});

describe("the upgrade commands", () => {
    it("take only well-formed arguments", () => {
        assert.equal(upgradeNode("apply", "1.37.2", "prod-master-0", "https://10.0.1.100:6443", "api.prod.internal"),
            "sudo bash -s -- apply 1.37.2 prod-master-0 https://10.0.1.100:6443 api.prod.internal");
        assert.throws(() => upgradeNode("node", "1.37.2; reboot", "prod-master-1", "https://10.0.1.100:6443", "api"), /bad argument/);
        assert.throws(() => upgradeNode("worker", "1.37.2", "prod general", "https://10.0.1.100:6443", "api"), /bad argument/);
        assert.throws(() => drainNode("drain", "$(id)", "1.37.2"), /bad argument/);
        assert.equal(upgradeEtcdMember("registry.k8s.io/etcd:3.7.0-0", "prod-etcd-2"), "sudo bash -s -- registry.k8s.io/etcd:3.7.0-0 /etc/kubeadm-ha/etcd.yaml prod-etcd-2");
        assert.throws(() => upgradeEtcdMember("etcd:3.7 && true", "prod-etcd-2"), /bad image/);
        assert.throws(() => upgradeEtcdMember("registry.k8s.io/etcd:3.7.0-0", "x; true"), /bad image .* or member/);
    });

    it("each script prints its usage and exits 64 on a wrong argument count", () => {
        for (const s of Object.values(UPGRADE_SCRIPTS)) {
            assert.match(s.content, /^#!\/usr\/bin\/env bash\n# Usage: .+\nset -euo pipefail\n/, s.name);
            const r = spawnSync("bash", ["-s", "--", "only-one"], { input: s.content, encoding: "utf8" });
            assert.equal(r.status, 64, `${s.name}: ${r.stderr}`);
        }
    });
});

describe("the lab's package archive on a test machine (lab/apt-shim.sh)", function () {
    this.timeout(60_000);
    let lab: Lab;
    let m: Machine;
    // move_packages of kubeadm-upgrade.sh, run as the script runs it.
    const movePackages = (version: string, ...pkgs: string[]) => {
        const fn = /move_packages\(\) \{[\s\S]*?\n\}/.exec(UPGRADE_SCRIPTS.kubeadmUpgrade.content)![0];
        return m.sh(`${fn}\nmove_packages ${version} ${pkgs.join(" ")}`);
    };

    before(async function () {
        skipUnless(this, labUnavailable(["unshare", "nsenter", "findmnt"]) ?? missingPrevious());
        lab = Lab.create("10.252.0.0/16");
        m = await addMachine(lab, "m", "10.252.1.1", "lab-apt-1");
        m.write(`${LAB_LIB}/apt-shim.sh`, readFileSync(path.join(__dirname, "..", "lab", "apt-shim.sh")), 0o755);
        // As node-install.sh sets it up, with kubeadm and kubelet 1.36.3 installed and held.
        const r = await m.sh([
            `bash ${LAB_LIB}/apt-shim.sh archive ${kubernetesReleases()} https://pkgs.k8s.io/core:/stable: 1.36`,
            "apt-get update -q && apt-get install -y -q kubeadm=1.36.3-* kubelet=1.36.3-* && apt-mark hold kubeadm kubelet",
        ].join("\n"));
        assert.equal(r.code, 0, r.stderr);
    });

    after(() => lab?.destroy());

    const installed = async (p: string) => (await m.sh(`/usr/local/lib/kubeadm-ha-lab/pkg/${p} ${p === "kubeadm" ? "version -o short" : "--version"}`)).stdout.trim();

    it("refuses a release outside the repository's minor, and a held package without --allow-change-held-packages", async () => {
        const other = await m.sh("apt-get update -q && apt-get install -y -q kubeadm=1.37.2-*");
        assert.equal(other.code, 100);
        assert.match(other.stderr, /Version '1\.37\.2-\*' for 'kubeadm' was not found \(repository v1\.36\)/);
        const held = await m.sh("sed -i 's@/v1.36/@/v1.37/@' /etc/apt/sources.list.d/kubernetes.list && apt-get update -q && apt-get install -y -q kubeadm=1.37.2-*");
        assert.equal(held.code, 100);
        assert.match(held.stderr, /Held packages were changed and -y was used without --allow-change-held-packages/);
        assert.equal(await installed("kubeadm"), "v1.36.3");
    });

    it("kubeadm-upgrade.sh's package step moves the repository to the new minor, installs the release and holds it", async () => {
        await m.sh("sed -i 's@/v1.37/@/v1.36/@' /etc/apt/sources.list.d/kubernetes.list");
        const r = await movePackages("1.37.2", "kubeadm");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await installed("kubeadm"), "v1.37.2");
        assert.equal(await installed("kubelet"), "Kubernetes v1.36.3", "only the named package moved");
        assert.match(m.read("/etc/apt/sources.list.d/kubernetes.list"), /\/v1\.37\/deb\//);
        assert.deepEqual((await m.sh("apt-mark showhold")).stdout.trim().split("\n"), ["kubeadm", "kubelet"]);
    });
});
