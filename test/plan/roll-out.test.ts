import { strict as assert } from "node:assert";
import { checkChange, GuardSnapshot, guardSnapshot } from "../../components/plan/change-guard";
import { planCluster } from "../../components/plan/plan";
import { rollOutPlan, unrecordedImage } from "../../components/plan/roll-out";
import { validateCluster } from "../../components/plan/validate";
import { keepalivedConfig, TODAY } from "../helpers/fixtures";

const OLD = "img-aaaaaaaa";
const NEW = "img-bbbbbbbb";

function planned(edit: (c: any) => void = () => {}) {
    const c = keepalivedConfig();
    edit(c);
    const { spec, warnings } = validateCluster(c, { today: TODAY });
    return { spec, plan: planCluster(spec, warnings) };
}

/** The snapshot the last update exported: every machine on OLD. */
function deployed(): GuardSnapshot {
    const { spec, plan } = planned();
    return guardSnapshot(spec, plan, { image: OLD });
}

/** What this update plans and what the guard says about it. */
function update(previous: GuardSnapshot, pinned: string | undefined, rollOut?: string[], edit?: (c: any) => void) {
    const { spec, plan } = planned(edit);
    const rolled = rollOutPlan(plan, previous, pinned, rollOut);
    const next = guardSnapshot(spec, rolled.plan, rolled);
    return { rolled, next, guard: checkChange(previous, next) };
}

const effects = (g: ReturnType<typeof checkChange>) => g.changes.map((c) => `${c.node.name} ${c.effect}`);

describe("roll-out: images stay put, changes go a batch per update", () => {
    it("with no pin, every machine keeps the image the first update recorded: nothing is reinstalled", () => {
        const u = update(deployed(), undefined);
        assert.equal(u.rolled.image, OLD);
        assert.ok(u.next.nodes.every((n) => n.image === OLD));
        assert.deepEqual(u.guard, { changes: [], refusals: [], warnings: [] });
    });

    it("a new pin reinstalls every worker and LB machine at once: refused for both tiers; masters and etcd keep theirs", () => {
        const u = update(deployed(), NEW);
        assert.deepEqual(u.guard.refusals.map((r) => r.path), ["lb", "workers"]);
        assert.match(u.guard.refusals[0].problem, /every lb machine \(2 of 2\) at once \(prod-lb-0 reinstalled: image img-aaaaaaaa -> img-bbbbbbbb; prod-lb-1 reinstalled/);
        assert.match(u.guard.refusals[0].fix, /roll it out 1 at a time: `pulumi config set kubeadm-ha:rollOut prod-lb-0` and `pulumi up`/);
        assert.match(u.guard.refusals[1].fix, /roll it out 5 at a time: `pulumi config set kubeadm-ha:rollOut prod-general-0,prod-general-1,prod-general-2,prod-general-3,prod-general-4`/);
        const stateful = u.rolled.held.filter((h) => h.reason.startsWith("etcd members and masters"));
        assert.deepEqual(stateful.map((h) => h.node), ["prod-etcd-0", "prod-etcd-1", "prod-etcd-2", "prod-master-0", "prod-master-1", "prod-master-2"]);
        assert.ok(u.next.nodes.filter((n) => ["etcd", "master"].includes(n.role)).every((n) => n.image === OLD), "recorded as they run");
    });

    it("with rollOut, only the named machines are reinstalled; the others are held at the deployed image", () => {
        const u = update(deployed(), NEW, ["prod-lb-0", "prod-general-0", "prod-general-1"]);
        assert.deepEqual(u.guard.refusals, []);
        assert.deepEqual(effects(u.guard), ["prod-lb-0 reinstalled", "prod-general-0 reinstalled", "prod-general-1 reinstalled"]);
        assert.deepEqual(u.rolled.held.filter((h) => h.reason === "not in rollOut").map((h) => h.node),
            ["prod-lb-1", "prod-bastion-0", "prod-general-2", "prod-general-3", "prod-general-4", "prod-general-5"]);
        // The next update names the next batch; the first one is recorded on NEW and stays there.
        const second = update(u.next, NEW, ["prod-lb-1"]);
        assert.deepEqual(effects(second.guard), ["prod-lb-1 reinstalled"]);
        assert.equal(second.next.nodes.find((n) => n.name === "prod-lb-0")!.image, NEW);
    });

    it("a new instance type for the masters rolls out one master per update with rollOut", () => {
        const bigger = (c: any) => { c.controlPlane.instanceType = "S5.2XLARGE32"; };
        assert.deepEqual(update(deployed(), undefined, undefined, bigger).guard.refusals.map((r) => r.path), ["masters"]);
        const u = update(deployed(), undefined, ["prod-master-1"], bigger);
        assert.deepEqual([u.guard.refusals, effects(u.guard)], [[], ["prod-master-1 restarted"]]);
        assert.deepEqual(u.rolled.plan.nodes.filter((n) => n.role === "master").map((n) => n.instanceType), ["S5.LARGE16", "S5.2XLARGE32", "S5.LARGE16"]);
    });

    it("refuses a rollOut naming no deployed machine, and a deployed snapshot without images unless the image is pinned", () => {
        assert.throws(() => update(deployed(), NEW, ["prod-lb-9"]), /rollOut: got "prod-lb-9"; names no deployed machine of this plan/);
        const old = { ...deployed(), image: undefined, nodes: deployed().nodes.map(({ image: _i, ...n }) => n) };
        assert.match(String(unrecordedImage(old, undefined)?.problem), /does not record the machines' image .* would be looked up and reinstall every worker/);
        assert.equal(unrecordedImage(old, OLD), undefined);
        assert.equal(unrecordedImage(deployed(), undefined), undefined, "recorded: nothing to pin");
        assert.equal(unrecordedImage(undefined, undefined), undefined, "a first update looks the image up");
        assert.deepEqual(update(old, OLD).guard.refusals, [], "with the pin, an old snapshot compares as before");
    });
});
