import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ValidationError } from "../../components/plan/errors";
import { analyseFaultTolerance, DomainReport } from "../../components/plan/fault-tolerance";
import { ClusterPlan, planFromConfig } from "../../components/plan/plan";
import { planTopology } from "../../components/plan/topology";
import { validateCluster } from "../../components/plan/validate";
import { keepalivedConfig, prodConfig, TODAY } from "../helpers/fixtures";

function plan(config: unknown): ClusterPlan {
    return planFromConfig(config, { today: TODAY }).plan;
}

function refusal(config: unknown): ValidationError {
    try {
        plan(config);
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return err;
    }
    assert.fail("the layout was accepted");
}

/** [etcd lost, quorum kept, masters left, API served] per domain: host, rack, zone. */
function summary(reports: readonly DomainReport[]): [number, boolean, number, boolean][] {
    return reports.map((r) => [r.etcd.lost, r.etcd.keepsQuorum, r.masters.left, r.apiServed]);
}

describe("fault tolerance", () => {
    it("prod (5 etcd, 3 masters, 3 zones, HOST spread) survives one host, one rack/switch and one zone", () => {
        const p = plan(prodConfig());
        assert.deepEqual(summary(p.faultTolerance), [[1, true, 2, true], [2, true, 2, true], [2, true, 2, true]]);
        assert.deepEqual(p.faultTolerance.map((r) => r.etcd.quorum), [3, 3, 3]);
    });

    it("refuses a common trap in production: 5 etcd members with affinity 3 can put 3 on one host", () => {
        const c = prodConfig();
        c.placement.affinity = 3;
        c.zones = [c.zones[0]];
        c.placement.level = "RACK";
        const err = refusal(c);
        const issue = err.issues.find((i) => i.path === "placement.affinity");
        assert.ok(issue, err.message);
        assert.match(issue.problem, /losing one physical host in ap-guangzhou-3 can take 3 of 5 etcd members \(2 left, below quorum 3\)/);
        assert.match(issue.fix, /placement\.affinity: 1/);
    });

    it("reports, but does not refuse, the same layout in the dev profile", () => {
        const c = prodConfig();
        c.profile = "dev";
        c.placement.affinity = 3;
        c.zones = [c.zones[0]];
        c.placement.level = "RACK";
        const p = plan(c);
        assert.equal(p.faultTolerance[0].etcd.lost, 3);
        assert.equal(p.faultTolerance[0].apiServed, false);
        assert.ok(p.warnings.some((w) => w.path === "placement.affinity"));
    });

    it("counts a member from every placement group when a role is split: groups do not spread against each other", () => {
        const c = keepalivedConfig();
        c.placement.groupCapacity = 2; // etcd groups {0,1} and {2}: one host may hold one of each
        const err = refusal(c);
        const issue = err.issues.find((i) => i.path === "placement.groupCapacity");
        assert.ok(issue, err.message);
        assert.match(issue.problem, /can take 2 of 3 etcd members/);
    });

    it("refuses a single-zone HOST-level layout: nothing bounds how many members share a rack/switch", () => {
        const c = keepalivedConfig();
        c.placement.level = "HOST";
        const err = refusal(c);
        const issue = err.issues.find((i) => i.path === "placement.level");
        assert.ok(issue, err.message);
        assert.match(issue.problem, /losing one rack\/switch in ap-guangzhou-3 can take 3 of 3 etcd members/);
    });

    it("accepts a single-zone RACK-level keepalived layout and warns that the zone is a single point of failure", () => {
        const p = plan(keepalivedConfig());
        assert.deepEqual(summary(p.faultTolerance), [[1, true, 2, true], [1, true, 2, true], [3, false, 0, false]]);
        assert.deepEqual(p.faultTolerance[1].lb.tiers.map((t) => [t.role, t.left]), [["lb", 1]]);
        assert.deepEqual(p.warnings.map((w) => w.path), ["zones"]);
    });

    it("refuses a two-zone production cluster: one zone always holds an etcd majority", () => {
        const c = prodConfig();
        c.zones = c.zones.slice(0, 2);
        c.etcd.members = 3;
        const err = refusal(c);
        assert.ok(err.issues.some((i) => i.path === "etcd.zones" && /losing one zone in ap-guangzhou-3 can take 2 of 3 etcd members/.test(i.problem)), err.message);
    });

    it("refuses a keepalived tier in a multi-zone production cluster unless zone-loss is accepted", () => {
        const c = prodConfig();
        c.apiEndpoint = { kind: "keepalived-haproxy" };
        c.placement.level = "RACK"; // at HOST level the LB pair could also share a rack
        const err = refusal(c);
        assert.ok(err.issues.some((i) => i.path === "apiEndpoint.kind" && /2 of 2 LB nodes/.test(i.problem)), err.message);
        c.acceptRisks = ["zone-loss"];
        const p = plan(c);
        assert.equal(p.faultTolerance[2].apiServed, false);
        assert.ok(p.warnings.some((w) => /acceptRisks/.test(w.problem)));
    });

    it("refuses an LB pair that may share a rack when only hosts are spread", () => {
        const c = keepalivedConfig();
        c.placement.level = "HOST";
        const issue = refusal(c).issues.find((i) => /LB nodes/.test(i.problem));
        assert.ok(issue);
        assert.equal(issue.path, "placement.level");
        assert.match(issue.fix, /HAVIP tier cannot leave its zone/);
    });

    it("marks the zone loss of a CLB endpoint as an assumption (internal CLB zone redundancy is unverified)", () => {
        const zone = plan(prodConfig()).faultTolerance[2];
        assert.ok(zone.notes.some((n) => n.includes("UNVERIFIED")));
    });

    it("keeps quorum after any one zone loss with 3, 5 or 7 members over 3 or more zones", () => {
        fc.assert(fc.property(fc.constantFrom(3, 5, 7), fc.integer({ min: 3, max: 4 }), (members, zones) => {
            const c = prodConfig();
            c.zones.push({ zone: "ap-guangzhou-7", subnetCidr: "10.10.4.0/24" });
            c.zones = c.zones.slice(0, zones);
            c.etcd.members = members;
            const spec = validateCluster(c, { today: TODAY }).spec;
            const zoneReport = analyseFaultTolerance(spec, planTopology(spec))[2];
            assert.ok(zoneReport.etcd.lost <= Math.floor((members - 1) / 2));
            assert.ok(zoneReport.etcd.keepsQuorum);
        }));
    });

    it("loses exactly min(members in the zone, affinity) per spread group on a host loss", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 10 }), (members, affinity) => {
            const c = prodConfig();
            c.profile = "dev";
            c.zones = [c.zones[0]];
            c.etcd.members = members;
            c.placement = { level: "HOST", affinity };
            const spec = validateCluster(c, { today: TODAY }).spec;
            const host = analyseFaultTolerance(spec, planTopology(spec))[0];
            assert.equal(host.etcd.lost, Math.min(members, affinity));
            assert.equal(host.etcd.keepsQuorum, members - Math.min(members, affinity) >= Math.floor(members / 2) + 1);
        }));
    });
});
