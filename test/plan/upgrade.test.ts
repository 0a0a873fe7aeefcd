import { strict as assert } from "node:assert";
import { checkChange, enforceChangeGuard, GuardSnapshot, guardSnapshot } from "../../components/plan/change-guard";
import { planCluster } from "../../components/plan/plan";
import { describeSteps, workerBatch } from "../../components/plan/upgrade";
import { validateCluster } from "../../components/plan/validate";
import { keepalivedConfig, TODAY } from "../helpers/fixtures";

function at(version: string, edit: (c: any) => void = () => undefined): GuardSnapshot {
    const config = keepalivedConfig();
    config.kubernetesVersion = version;
    edit(config);
    const { spec, warnings } = validateCluster(config, { today: TODAY });
    return guardSnapshot(spec, planCluster(spec, warnings));
}

const versionRefusals = (before: GuardSnapshot, after: GuardSnapshot) => checkChange(before, after).refusals.filter((r) => r.path === "kubernetesVersion");

describe("change guard: Kubernetes upgrades", () => {
    it("records the release in the snapshot, and an unchanged one (or a snapshot before it was recorded) is no upgrade", () => {
        const s = at("1.37.2");
        assert.equal(s.kubernetesVersion, "1.37.2");
        assert.deepEqual(checkChange(s, s), { changes: [], refusals: [], warnings: [] });
        assert.deepEqual(checkChange({ ...at("1.36.3"), kubernetesVersion: undefined }, s), { changes: [], refusals: [], warnings: [] });
    });

    it("orders a minor upgrade as kubeadm documents: etcd members one by one, master-0 apply, the other masters, workers in batches", () => {
        const before = at("1.36.3");
        const result = checkChange(before, at("1.37.2"));
        assert.equal(result.upgrade?.change, "1.36.3 -> 1.37.2");
        const steps = result.upgrade!.steps;
        const etcd = before.nodes.filter((n) => n.role === "etcd").map((n) => n.name);
        const masters = before.nodes.filter((n) => n.role === "master").map((n) => n.name);
        const workers = before.nodes.filter((n) => n.role === "worker").map((n) => n.name);
        assert.ok(etcd.length === 3 && masters.length === 3 && workers.length >= 2);
        assert.deepEqual(steps.map((s) => s.nodes), [...etcd.map((n) => [n]), ...masters.map((n) => [n]),
            ...Array.from({ length: Math.ceil(workers.length / workerBatch(workers.length)) }, (_, i) => workers.slice(i * workerBatch(workers.length), (i + 1) * workerBatch(workers.length)))]);
        assert.match(steps[0].action, /^etcd 3\.6\.8-0 -> 3\.7\.0-0 \(followers first, the leader last: a leader hands on to the last member/);
        assert.match(steps[3].action, /kubeadm upgrade apply v1\.37\.2/);
        assert.match(steps[4].action, /kubeadm upgrade node/);
        assert.match(steps[steps.length - 1].action, /^drain \(respecting PodDisruptionBudgets\)/);
        assert.ok(steps.every((s) => s.nodes.length <= Math.max(1, Math.floor(workers.length / 4))), "never more than a quarter of the workers at once");
        assert.match(describeSteps(steps)[0], /^1\. prod-etcd-0: etcd/);
    });

    it("leaves etcd alone for a patch upgrade (same etcd release)", () => {
        const steps = checkChange(at("1.37.0"), at("1.37.2")).upgrade!.steps;
        assert.ok(steps.length > 0 && steps.every((s) => !/^etcd/.test(s.action)));
    });

    it("refuses a downgrade, a skipped minor and an upgrade together with machines taken down for other reasons", () => {
        const [down] = versionRefusals(at("1.37.2"), at("1.36.3"));
        assert.match(down.problem, /would downgrade the cluster/);
        assert.match(down.fix!, /keep kubernetesVersion: "1\.37\.2"/);
        assert.match(versionRefusals(at("1.37.2"), at("1.37.0"))[0].problem, /would downgrade/, "a patch downgrade too");
        const [skip] = versionRefusals(at("1.35.4"), at("1.37.2"));
        assert.match(skip.problem, /skips 1 minor release\(s\): kubeadm upgrades one minor at a time \(1\.35 -> 1\.36\)/);
        assert.match(skip.fix!, /upgrade to a 1\.36 release first \(e\.g\. "1\.36\.0"\), then to 1\.37\.2 in a later update/);
        const before = at("1.36.3");
        const moved = { ...before, nodes: before.nodes.map((n) => (n.name === "prod-general-0" ? { ...n, instanceType: "S5.LARGE16" } : n)) };
        const [mixed] = versionRefusals(moved, at("1.37.2"));
        assert.match(mixed.problem, /comes with 1 machine\(s\) taken down for other reasons in the same update/);
        assert.equal(checkChange(moved, at("1.37.2")).upgrade?.steps.length, 0, "no order for a refused combination");
    });

    it("accepts a one-minor upgrade alone, and refuses one that brings new machines (they would join newer than the API servers)", () => {
        const result = checkChange(at("1.36.3"), at("1.37.2"));
        assert.deepEqual(result.refusals, []);
        assert.doesNotThrow(() => enforceChangeGuard(result, false));
        const [grown] = versionRefusals(at("1.36.3"), at("1.37.2", (c) => { c.workerPools[0].count += 1; }));
        assert.match(grown.problem, /comes with 1 new machine\(s\) \(prod-general-\d+\): they would join at 1\.37\.2 while the API servers still run 1\.36\.3/);
        assert.match(grown.fix!, /in their own update, before the upgrade or after it/);
        assert.deepEqual(versionRefusals(at("1.37.2"), at("1.37.2", (c) => { c.workerPools[0].count += 1; })), [], "growing without an upgrade is no version matter");
    });

    it("takes a quarter of the workers at once, at least one", () => {
        assert.deepEqual([1, 3, 4, 8, 9, 100].map(workerBatch), [1, 1, 1, 2, 2, 25]);
    });
});
