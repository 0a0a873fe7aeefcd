// The cluster really comes up: prod-keepalived on test machines (3 external etcd members, 2 LB
// machines, 3 masters, 4 workers) from exactly what the program sends them, then the checks of a
// working cluster, the worst host loss among them. Needs root and `npm run bins` (CI has both).

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { planStackFile } from "../components/plan/stack-file";
import { FLANNEL } from "../components/render/pod-network";
import { productVersion } from "../lab/bins/locate";
import { BRING_UP_PROGRAMS } from "../lab/bring-up";
import { BringUpReport, bringUpRehearsal, renderBringUpReport } from "../lab/bring-up-report";
import { labUnavailable } from "../lab/lab";
import { DISK_ROOT } from "../lab/machine";
import { skipUnless } from "./helpers/skip";

const { cgroupsOf } = require("../lab/lab-cleanup.js") as { cgroupsOf: (prefix: string) => string[] };

describe("a cluster that really comes up (npm run rehearse -- --bring-up)", function () {
    this.timeout(1_500_000);
    let report: BringUpReport;

    before(async function () {
        skipUnless(this, labUnavailable(BRING_UP_PROGRAMS));
        const file = path.join(__dirname, "..", "stacks", "Pulumi.prod-keepalived.yaml");
        const stackFile = parse(readFileSync(file, "utf8"));
        const { spec, plan } = planStackFile(stackFile, file);
        report = await bringUpRehearsal(stackFile, "prod-keepalived", spec, plan, { timeLimitMs: 1_200_000, log: (s) => process.stderr.write(`      ${s}\n`) });
        console.log(renderBringUpReport(report).split("\n").map((l) => `      ${l}`).join("\n"));
    });

    it("runs every remote command of the program, each successfully, on 12 machines", () => {
        assert.equal(report.error, undefined);
        assert.equal(report.machines, 12);
        assert.equal(report.commands.total, 47, "ClusterJoin's commands for prod-keepalived, the add-ons and the defragmentation timers among them");
        assert.deepEqual([report.commands.ran, report.commands.succeeded], [report.commands.total, report.commands.total]);
        for (const step of ["prod-ka-master-0-kubeadm-init", "prod-ka-master-0-addons", "prod-ka-master-2-kubeadm-join", "prod-ka-general-3-kubeadm-join", "every node Ready"]) {
            assert.ok(report.timeline.some((s) => s.step === step), step);
        }
        assert.ok(report.initToReadyMs > 0 && report.initToReadyMs < 600_000, `first kubeadm init to every node Ready: ${report.initToReadyMs} ms`);
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
