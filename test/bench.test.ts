// The benchmark's moving parts still work (nothing here is timed): the 1000-worker stack it
// plans is valid, and the baseline registers exactly the resources the program registered.

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { benchStack } from "../bench/plan-worker";
import { planStackFile } from "../components/plan/stack-file";

const WORKER = path.join(__dirname, "..", "bench", "plan-worker.ts");
const run = (...args: string[]) => JSON.parse(execFileSync(process.execPath, ["--require", "tsx/cjs", WORKER, ...args], { encoding: "utf8" }).trim());

describe("bench/", function () {
    this.timeout(60_000);

    it("grows the prod stack to 1000 workers and the result plans", () => {
        const { plan } = planStackFile(benchStack(1000), "bench-1000");
        assert.equal(plan.nodes.filter((n) => n.role === "worker").length, 1000);
    });

    it("registers the same resources in the baseline as the program did", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-bench-test-"));
        try {
            const inventory = path.join(dir, "inventory.json");
            const ours = run("ours", "6", inventory);
            const base = run("baseline", inventory);
            const items = JSON.parse(readFileSync(inventory, "utf8")) as { type: string; custom: boolean }[];
            assert.ok(ours.resources > 100 && items.length === ours.resources, `${ours.resources} resources recorded`);
            assert.equal(base.resources, ours.resources);
            assert.ok(items.some((i) => i.type === "tencentcloud:index/instance:Instance") && items.some((i) => i.type === "command:remote:Command"));
            assert.ok(ours.totalMs > 0 && base.totalMs > 0 && ours.peakRssMb > 0);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("README's benchmark table gives the resource counts the program registers at 10, 100 and 1000 workers", function () {
        this.timeout(120_000);
        const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        const rows = new Map([...readme.matchAll(/^\| (\d+) \| (\d+) \| (\d+) \|/gm)].map((m) => [Number(m[1]), { nodes: Number(m[2]), resources: Number(m[3]) }]));
        const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-bench-test-"));
        const at = (n: number) => run("ours", String(n), path.join(dir, `inventory-${n}.json`)) as { resources: number; nodes: number };
        let r10, r20, r100;
        try {
            [r10, r20, r100] = [at(10), at(20), at(100)];
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
        assert.deepEqual(rows.get(10), { nodes: r10.nodes, resources: r10.resources });
        assert.deepEqual(rows.get(100), { nodes: r100.nodes, resources: r100.resources });
        // Each worker adds the same resources (checked at 20), so 1000 workers add 10 times what 90 add, plus 900 more.
        const perWorker = (r100.resources - r10.resources) / 90;
        assert.equal(r20.resources, r10.resources + 10 * perWorker);
        assert.deepEqual(rows.get(1000), { nodes: r100.nodes + 900, resources: r100.resources + 900 * perWorker });
    });
});
