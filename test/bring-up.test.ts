// The cluster really comes up: prod-keepalived on test machines (3 external etcd members, 2 LB
// machines, 3 masters, 4 workers) and prod-stacked-local (3 masters with stacked etcd, 3 workers,
// a local proxy on each) from exactly what the program sends them, then the checks of a working
// cluster, the worst host loss among them. Needs root and `npm run bins` (CI has both).

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { ClusterPlan } from "../components/plan/plan";
import { planStackFile } from "../components/plan/stack-file";
import { FLANNEL } from "../components/render/pod-network";
import { productVersion } from "../lab/bins/locate";
import { BRING_UP_PROGRAMS } from "../lab/bring-up";
import { BringUpReport, bringUpRehearsal, renderBringUpReport } from "../lab/bring-up-report";
import { labUnavailable } from "../lab/lab";
import { DISK_ROOT } from "../lab/machine";
import { skipUnless } from "./helpers/skip";

const { cgroupsOf } = require("../lab/lab-cleanup.js") as { cgroupsOf: (prefix: string) => string[] };
const INOTIFY_BEFORE = existsSync("/proc/sys/fs/inotify/max_user_instances") ? readFileSync("/proc/sys/fs/inotify/max_user_instances", "utf8").trim() : "";

/** Brings stacks/Pulumi.<stack>.yaml up in the lab and prints its report. */
async function bringUpStack(stack: string, expect: (plan: ClusterPlan) => void = () => {}): Promise<BringUpReport> {
    const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
    const stackFile = parse(readFileSync(file, "utf8"));
    const { spec, plan } = planStackFile(stackFile, file);
    expect(plan);
    const report = await bringUpRehearsal(stackFile, stack, spec, plan, { timeLimitMs: 1_200_000, log: (s) => process.stderr.write(`      ${s}\n`) });
    console.log(renderBringUpReport(report).split("\n").map((l) => `      ${l}`).join("\n"));
    return report;
}

describe("a cluster that really comes up (npm run rehearse -- --bring-up)", function () {
    this.timeout(1_500_000);
    let report: BringUpReport;

    before(async function () {
        skipUnless(this, labUnavailable(BRING_UP_PROGRAMS));
        report = await bringUpStack("prod-keepalived");
    });

    it("runs every remote command of the program, each successfully, on 12 machines", () => {
        assert.equal(report.error, undefined);
        assert.equal(report.machines, 12);
        assert.equal(report.commands.total, 53, "ClusterJoin's commands for prod-keepalived: the add-ons, the defragmentation timers, each master's encryption reload and key archive among them");
        assert.deepEqual([report.commands.ran, report.commands.succeeded], [report.commands.total, report.commands.total]);
        for (const step of ["prod-ka-master-0-kubeadm-init", "prod-ka-master-0-addons", "prod-ka-master-2-kubeadm-join", "prod-ka-general-3-kubeadm-join",
            "prod-ka-master-2-encryption-reload", "prod-ka-master-1-config-archive", "every node Ready"]) {
            assert.ok(report.timeline.some((s) => s.step === step), step);
        }
        assert.ok(report.initToReadyMs > 0 && report.initToReadyMs < 600_000, `first kubeadm init to every node Ready: ${report.initToReadyMs} ms`);
    });

    it("prints no secret in any command's output (what reaches the deployment log)", () => {
        assert.ok(report.commands.ran > 40);
        assert.deepEqual(report.printedSecrets, []);
    });

    it("passes every check of a working cluster, the worst host loss included", () => {
        assert.deepEqual(report.checks.map((c) => c.id), [1, 2, 3, 4, 5, 6]);
        for (const c of report.checks) {
            assert.equal(c.status, "pass", `check ${c.id} ${c.check}: ${c.measured}`);
        }
        assert.ok(report.passed);
    });

    it("fits the 2-core, 24 GiB machine", () => {
        assert.ok(report.peakRssMb > 1000, `the run's memory was measured (${report.peakRssMb} MiB)`);
        assert.ok(report.peakRssMb < 16 * 1024, `peak ${report.peakRssMb} MiB`);
    });

    it("names every way its machines differ from CVMs", () => {
        for (const word of ["cgroup v1", "systemd", "install-kubernetes.sh", "modprobe", "data disk", "images", "SSH"]) {
            assert.ok(report.differences.some((d) => d.includes(word)), word);
        }
    });

    it("leaves nothing behind: namespaces, cgroups, disks", () => {
        const netns = execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith(`${report.prefix}-`));
        assert.deepEqual(netns, []);
        assert.deepEqual(cgroupsOf(report.prefix), []);
        assert.equal(existsSync(path.join(DISK_ROOT, report.prefix)), false);
    });

    it("builds the flannel release the manifest names", () => {
        assert.equal(productVersion("flannel"), FLANNEL.version);
    });
});

describe("a cluster with stacked etcd and a node-local proxy on every node really comes up (prod-stacked-local)", function () {
    this.timeout(1_500_000);
    let report: BringUpReport;

    before(async function () {
        skipUnless(this, labUnavailable(BRING_UP_PROGRAMS));
        report = await bringUpStack("prod-stacked-local", (plan) => assert.equal(plan.endpoint.kind, "node-local-proxy"));
    });

    it("joins every worker through its own proxy (kubeadm reads cluster-info's server, 127.0.0.1 there) and passes every check", () => {
        assert.equal(report.error, undefined);
        assert.equal(report.machines, 6);
        assert.deepEqual([report.commands.ran, report.commands.succeeded], [report.commands.total, report.commands.total]);
        for (const w of [0, 1, 2]) {
            assert.ok(report.timeline.some((s) => s.step === `prod-nlp-general-${w}-kubeadm-join`), `worker ${w} joined`);
        }
        assert.deepEqual(report.checks.map((c) => [c.id, c.status]), [1, 2, 3, 4, 5, 6].map((id) => [id, "pass"]), report.checks.map((c) => `${c.id}: ${c.measured}`).join("; "));
        assert.ok(report.differences.some((d) => d.includes("node-local proxy's image")));
        assert.deepEqual(report.printedSecrets, [], "no command printed a secret");
    });

    it("leaves nothing behind", () => {
        assert.deepEqual(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith(`${report.prefix}-`)), []);
        assert.deepEqual(cgroupsOf(report.prefix), []);
        assert.equal(readFileSync("/proc/sys/fs/inotify/max_user_instances", "utf8").trim(), INOTIFY_BEFORE, "the raised inotify limit is put back");
    });
});
