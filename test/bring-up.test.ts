// The cluster really comes up: prod-stacked-local (3 masters with stacked etcd, 3 workers, a local
// proxy on each) on test machines from exactly what the program sends them, then the checks of a
// working cluster, the worst host loss among them. prod-keepalived (external etcd, keepalived and
// HAProxy) comes up in test/upgrade.test.ts, at the previous release, and is upgraded. Needs root
// and `npm run bins` (CI has both).

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
import { ResizeKind, resizeKept } from "../lab/resize";
import { DISK_ROOT } from "../lab/machine";
import { skipUnless } from "./helpers/skip";

const { cgroupsOf } = require("../lab/lab-cleanup.js") as { cgroupsOf: (prefix: string) => string[] };
const INOTIFY_BEFORE = existsSync("/proc/sys/fs/inotify/max_user_instances") ? readFileSync("/proc/sys/fs/inotify/max_user_instances", "utf8").trim() : "";

/** Brings stacks/Pulumi.<stack>.yaml up in the lab and prints its report. */
async function bringUpStack(stack: string, expect: (plan: ClusterPlan) => void = () => {}, resize?: ResizeKind): Promise<BringUpReport> {
    const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
    const stackFile = parse(readFileSync(file, "utf8"));
    const { spec, plan } = planStackFile(stackFile, file);
    expect(plan);
    const report = await bringUpRehearsal(stackFile, stack, spec, plan, { timeLimitMs: 1_200_000, log: (s) => process.stderr.write(`      ${s}\n`), resize });
    console.log(renderBringUpReport(report).split("\n").map((l) => `      ${l}`).join("\n"));
    return report;
}

describe("a cluster with stacked etcd and a node-local proxy on every node really comes up (prod-stacked-local)", function () {
    this.timeout(1_500_000);
    let report: BringUpReport;

    before(async function () {
        skipUnless(this, labUnavailable(BRING_UP_PROGRAMS));
        report = await bringUpStack("prod-stacked-local", (plan) => assert.equal(plan.endpoint.kind, "node-local-proxy"), "controlPlane");
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

    it("grows the control plane 3 -> 5 and shrinks it back under load: members voters, new masters Ready, the leaving ones cleaned before their machines go, nothing lost", () => {
        const r = report.resize!;
        assert.ok(r, "the resize ran");
        assert.deepEqual(r.grow.added, ["prod-nlp-master-3", "prod-nlp-master-4"]);
        assert.deepEqual(r.afterGrow, ["prod-nlp-master-0", "prod-nlp-master-1", "prod-nlp-master-2", "prod-nlp-master-3", "prod-nlp-master-4"].map((m) => `${m} voter`));
        assert.equal(r.mastersReady, 5);
        assert.deepEqual(r.shrink.removed, ["prod-nlp-master-3", "prod-nlp-master-4"]);
        assert.deepEqual(r.shrink.deleted.map((d) => [d.name, d.code]).sort(), [["prod-nlp-master-3-leave", 0], ["prod-nlp-master-4-leave", 0]]);
        assert.deepEqual(r.afterShrink, ["prod-nlp-master-0", "prod-nlp-master-1", "prod-nlp-master-2"].map((m) => `${m} voter`));
        assert.deepEqual(r.leftovers, { "prod-nlp-master-3": [], "prod-nlp-master-4": [] }, "Node, static pods and keys gone before the machine");
        const l = report.resizeLoad!;
        assert.ok(l.reads.total > 100 && l.writes.acknowledged > 50, `load ran: ${l.reads.total} reads, ${l.writes.acknowledged} writes`);
        assert.equal(l.reads.failed, 0, `failed reads${l.reads.why}`);
        assert.equal(l.writes.failed, 0, `failed writes${l.writes.why}`);
        assert.equal(l.writes.lost, 0);
        assert.equal(l.etcd.roundsWithoutQuorum, 0);
        assert.ok(resizeKept(r));
    });

    it("names every way its machines differ from CVMs", () => {
        for (const word of ["cgroup v1", "systemd", "install-kubernetes.sh", "modprobe", "data disk", "images", "SSH"]) {
            assert.ok(report.differences.some((d) => d.includes(word)), word);
        }
    });

    it("builds the flannel release the manifest names", () => {
        assert.equal(productVersion("flannel"), FLANNEL.version);
    });

    it("leaves nothing behind", () => {
        assert.deepEqual(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith(`${report.prefix}-`)), []);
        assert.deepEqual(cgroupsOf(report.prefix), []);
        assert.equal(existsSync(path.join(DISK_ROOT, report.prefix)), false);
        assert.equal(readFileSync("/proc/sys/fs/inotify/max_user_instances", "utf8").trim(), INOTIFY_BEFORE, "the raised inotify limit is put back");
    });
});
