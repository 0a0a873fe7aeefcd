import { strict as assert } from "node:assert";
import { checkChange, enforceChangeGuard, GuardNode, GuardSnapshot, guardSnapshot, parseGuardSnapshot, pinnedHostKeys } from "../../components/plan/change-guard";
import { ValidationError } from "../../components/plan/errors";
import { planCluster } from "../../components/plan/plan";
import { validateCluster } from "../../components/plan/validate";
import { keepalivedConfig, prodConfig, TODAY } from "../helpers/fixtures";

function snapshotOf(config: unknown): GuardSnapshot {
    const { spec, warnings } = validateCluster(config, { today: TODAY });
    return guardSnapshot(spec, planCluster(spec, warnings));
}

/** The snapshot with `edit` applied to the named nodes (what was deployed before). */
function deployedWith(s: GuardSnapshot, names: readonly string[], edit: Partial<GuardNode>): GuardSnapshot {
    return { ...s, nodes: s.nodes.map((n) => (names.includes(n.name) ? { ...n, ...edit } : n)) };
}

const refusedPaths = (before: GuardSnapshot | undefined, after: GuardSnapshot) => checkChange(before, after).refusals.map((r) => r.path);

describe("change guard (old plan vs new plan)", () => {
    it("accepts the first deployment, an unchanged plan and a scale-out, and reports no change", () => {
        const prod = snapshotOf(prodConfig());
        assert.deepEqual(checkChange(undefined, prod), { changes: [], refusals: [], warnings: [] });
        assert.deepEqual(checkChange(prod, prod), { changes: [], refusals: [], warnings: [] });
        const grown = prodConfig();
        grown.workerPools[0].count = 9;
        assert.deepEqual(checkChange(prod, snapshotOf(grown)), { changes: [], refusals: [], warnings: [] });
    });

    it("pins the host key of every machine of a new cluster and of every new machine, never of one that booted without it", () => {
        const { spec, warnings } = validateCluster(prodConfig(), { today: TODAY });
        const plan = planCluster(spec, warnings);
        const names = plan.nodes.map((n) => n.name);
        assert.deepEqual(pinnedHostKeys(plan, undefined), { pinned: names, unpinned: [] }, "first deployment");
        const deployed = guardSnapshot(spec, plan);
        assert.deepEqual(deployed.pinnedHostKeys, names);
        assert.deepEqual(pinnedHostKeys(plan, deployed), { pinned: names, unpinned: [] }, "recorded: stays pinned");
        const older: GuardSnapshot = { ...deployed, pinnedHostKeys: undefined };
        const worker = plan.nodes.find((n) => n.role === "worker")!.name;
        const before = { ...older, nodes: older.nodes.filter((n) => n.name !== worker) };
        assert.deepEqual(pinnedHostKeys(plan, before), { pinned: [worker], unpinned: names.filter((n) => n !== worker) }, "a snapshot before host keys: only the new machine");
        assert.deepEqual(guardSnapshot(spec, plan, {}, [worker]).pinnedHostKeys, [worker]);
        assert.deepEqual(checkChange(deployed, guardSnapshot(spec, plan, {}, [worker])), { changes: [], refusals: [], warnings: [] }, "pinning is no machine change");
    });

    it("refuses replacing 2 of 3 etcd members at once and accepts replacing 1", () => {
        const now = snapshotOf(keepalivedConfig());
        const before2 = deployedWith(now, ["prod-etcd-0", "prod-etcd-1"], { zone: "ap-guangzhou-4" });
        const r2 = checkChange(before2, now);
        assert.deepEqual(r2.changes.map((c) => [c.node.name, c.effect]), [["prod-etcd-0", "replaced"], ["prod-etcd-1", "replaced"]]);
        assert.deepEqual(r2.refusals.map((r) => r.path), ["etcd"]);
        assert.equal(r2.refusals[0].got, "prod-etcd-0, prod-etcd-1");
        assert.match(r2.refusals[0].problem, /takes down 2 of 3 etcd members at once \(prod-etcd-0 replaced: zone ap-guangzhou-4 -> ap-guangzhou-3; prod-etcd-1 replaced: .*\); 3 members need 2 up for quorum/);
        assert.match(r2.refusals[0].fix, /updates that each touch at most 1 of them \(a zone or an address cannot be held back\).*rejoins by itself.*etcdctl member remove.*etcdctl member add/);

        const before1 = deployedWith(now, ["prod-etcd-2"], { zone: "ap-guangzhou-4" });
        const r1 = checkChange(before1, now);
        assert.deepEqual(r1.changes.map((c) => c.node.name), ["prod-etcd-2"]);
        assert.deepEqual(r1.refusals, []);
        assert.deepEqual(r1.warnings, []);
    });

    it("counts a restart and an address change as a member down; quorum margin scales with the size", () => {
        const prod = snapshotOf(prodConfig());
        const members = prod.nodes.filter((n) => n.etcdMember).map((n) => n.name);
        assert.equal(members.length, 5);
        // 2 of 5 down keeps quorum (3): accepted with a warning; 3 of 5 loses it.
        const two = checkChange(deployedWith(prod, members.slice(0, 2), { instanceType: "S5.SMALL2" }), prod);
        assert.deepEqual([two.refusals.length, two.warnings.map((w) => w.path)], [0, ["etcd"]]);
        assert.ok(two.changes.every((c) => c.effect === "restarted"));
        assert.match(two.warnings[0].fix, /^roll it out 1 at a time: `pulumi config set kubeadm-ha:rollOut prod-etcd-0` and `pulumi up`/, "a restart keeps the member: no remove/add");
        assert.doesNotMatch(two.warnings[0].fix, /member remove/);
        const ipMoved = deployedWith(prod, members.slice(0, 3), { privateIp: "10.10.9.9" });
        const three = checkChange(ipMoved, prod);
        assert.deepEqual(three.refusals.map((r) => r.path), ["etcd"]);
        assert.ok(three.changes.every((c) => c.effect === "replaced"), "a member with a new address is a new member");
    });

    it("changes the external etcd membership in an update of its own: members leave before their machines go (not down), new ones join one at a time", () => {
        const prod = snapshotOf(prodConfig());
        const sized = (members: number) => {
            const c = prodConfig();
            c.etcd.members = members;
            return snapshotOf(c);
        };
        // Shrinking 5 -> 3 removes 2 members in one update: they leave first, so it is no quorum risk.
        const shrink = checkChange(prod, sized(3));
        assert.deepEqual(shrink.changes.map((c) => [c.node.name, c.effect]), [["prod-etcd-3", "removed"], ["prod-etcd-4", "removed"]]);
        assert.deepEqual(shrink.refusals, []);
        assert.deepEqual(shrink.warnings.map((w) => [w.path, w.got]), [["etcd", "etcd 5 -> 3 members (leaving: prod-etcd-3, prod-etcd-4)"]]);
        assert.match(shrink.warnings[0].problem, /apiserver is pointed at the 3 remaining members, one master after the other; then prod-etcd-3, prod-etcd-4 leave the membership/);
        // Growing 3 -> 5: learners one at a time, then the apiservers.
        const grow = checkChange(sized(3), prod);
        assert.deepEqual([grow.changes, grow.refusals], [[], []]);
        assert.deepEqual(grow.warnings.map((w) => w.got), ["etcd 3 -> 5 members (joining: prod-etcd-3, prod-etcd-4)"]);
        assert.match(grow.warnings[0].problem, /prod-etcd-3, prod-etcd-4 join one at a time, each as a learner promoted once it caught up with the leader; then every master's apiserver is pointed at the 5 members/);
        // Not with a member restarted in the same update, in either direction.
        const restarting = deployedWith(sized(3), ["prod-etcd-0"], { instanceType: "S5.SMALL2" });
        assert.deepEqual(refusedPaths(restarting, prod), ["etcd"]);
        assert.match(checkChange(restarting, prod).refusals[0].problem, /changes the etcd membership while it takes down prod-etcd-0 in place/);
        assert.deepEqual(refusedPaths(deployedWith(prod, ["prod-etcd-1"], { instanceType: "S5.SMALL2" }), sized(3)), ["etcd"]);
        // Adding and removing members in one update is refused (a deployed member the plan no longer has, and new ones).
        const three = sized(3);
        const odd = { ...three, nodes: [...three.nodes.filter((n) => n.name !== "prod-etcd-2"), { ...three.nodes.find((n) => n.name === "prod-etcd-2")!, name: "prod-etcd-9" }] };
        const both = checkChange({ ...odd, nodes: [...odd.nodes, three.nodes.find((n) => n.name === "prod-etcd-2")!] }, prod);
        assert.ok(both.refusals.some((r) => /adds and removes etcd members at once/.test(r.problem)), JSON.stringify(both.refusals));
    });

    it("refuses a config change that reaches every master, every LB machine or every worker; a data disk grows in place", () => {
        const base = keepalivedConfig();
        const disk = keepalivedConfig();
        disk.etcd.dataDisk.sizeGb = 200; // CBS ResizeDisk: in place, the members keep running
        const grown = checkChange(snapshotOf(base), snapshotOf(disk));
        assert.deepEqual([grown.refusals, grown.changes.map((c) => c.effect)], [[], ["in place", "in place", "in place"]]);
        assert.match(grown.warnings[0].problem, /prod-etcd-0 in place: the disk grows online; grow its file system/);
        const workers = keepalivedConfig();
        workers.workerPools[0].instanceType = "S5.4XLARGE64";
        assert.deepEqual(refusedPaths(snapshotOf(base), snapshotOf(workers)), ["workers"]);
        const masters = keepalivedConfig();
        masters.controlPlane.instanceType = "S5.2XLARGE32";
        assert.deepEqual(refusedPaths(snapshotOf(base), snapshotOf(masters)), ["masters"]);
        const lbs = keepalivedConfig();
        lbs.apiEndpoint = { ...lbs.apiEndpoint, instanceType: "S5.LARGE8" };
        assert.deepEqual(refusedPaths(snapshotOf(base), snapshotOf(lbs)), ["lb"]);
    });

    it("with stacked etcd, a change to every master is refused for etcd quorum and for the masters", () => {
        const stacked = (type: string) => {
            const c = prodConfig();
            c.etcd = { topology: "stacked" };
            c.controlPlane.instanceType = type;
            return snapshotOf(c);
        };
        assert.deepEqual(refusedPaths(stacked("S5.LARGE16"), stacked("S5.2XLARGE32")), ["etcd", "masters"]);
    });

    it("refuses moving the API endpoint", () => {
        const moved = prodConfig();
        moved.apiEndpoint = { kind: "clb", dnsName: "api.example.internal" };
        const r = checkChange(snapshotOf(prodConfig()), snapshotOf(moved));
        assert.deepEqual(r.refusals.map((x) => x.path), ["apiEndpoint"]);
        assert.match(String(r.refusals[0].got), /api\.prod\.internal .* -> clb api\.example\.internal/);
    });

    it("refuses an endpoint in another zone even at the same address (its vip is ForceNew, the replacement comes first), and warns when public access flips", () => {
        const now = snapshotOf(keepalivedConfig());
        const elsewhere = { ...now, endpoint: { ...now.endpoint, zone: "ap-guangzhou-4" } };
        const r = checkChange(elsewhere, now);
        assert.deepEqual(r.refusals.map((x) => x.path), ["apiEndpoint"]);
        assert.match(r.refusals[0].problem, /fixed vip and subnet are ForceNew while the replacement is created before the old one is deleted, so a new one at the same address fails \(VIP occupied\)/);
        const opened = checkChange({ ...now, endpoint: { ...now.endpoint, publicAccess: !now.endpoint.publicAccess } }, now);
        assert.deepEqual([opened.refusals, opened.warnings.map((w) => w.path)], [[], ["apiEndpoint"]]);
        const older = { ...now, endpoint: { kind: now.endpoint.kind, address: now.endpoint.address, port: now.endpoint.port, dnsName: now.endpoint.dnsName } };
        assert.deepEqual(checkChange(older, now), { changes: [], refusals: [], warnings: [] }, "an older snapshot without zone and public access compares as before");
    });

    it("enforcing throws one error naming every refused machine and the fix; allowing turns refusals into warnings", () => {
        const now = snapshotOf(keepalivedConfig());
        const result = checkChange(deployedWith(now, ["prod-etcd-0", "prod-etcd-1", "prod-master-0", "prod-master-1", "prod-master-2"], { zone: "ap-guangzhou-4" }), now);
        assert.throws(() => enforceChangeGuard(result, false), (err: unknown) => {
            assert.ok(err instanceof ValidationError);
            assert.match(err.message, /change guard refused it; nothing was changed/);
            assert.match(err.message, /etcd: got "prod-etcd-0, prod-etcd-1"; .*prod-etcd-1 replaced: zone/);
            assert.match(err.message, /masters: got "prod-master-0, prod-master-1, prod-master-2"; .*every master \(3 of 3\).*Fix: split the config change into updates that each touch at most 2 of them/);
            return true;
        });
        assert.deepEqual(enforceChangeGuard(result, true).map((i) => i.path), ["etcd", "masters"]);
    });

    it("reads a snapshot from the stack output or from `npm run plan -- --json`, and names the file it cannot use", () => {
        const s = snapshotOf(prodConfig());
        assert.deepEqual(parseGuardSnapshot(JSON.parse(JSON.stringify(s)), "a.json"), s);
        assert.deepEqual(parseGuardSnapshot({ cluster: {}, changeGuardSnapshot: s }, "plan.json"), s);
        assert.throws(() => parseGuardSnapshot({ nodes: [] }, "old.json"), /old\.json: got "nodes"; is not a change-guard snapshot.*Fix: pass `pulumi stack output changeGuardSnapshot --json`/s);
    });
});
