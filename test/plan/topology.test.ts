import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseCidr, containsAddress } from "../../components/plan/cidr";
import { ClusterSpec } from "../../components/plan/spec";
import { planTopology, Topology } from "../../components/plan/topology";
import { validateCluster } from "../../components/plan/validate";
import { configOf, Shape, shapeArb } from "../helpers/arbitraries";
import { prodConfig, TODAY } from "../helpers/fixtures";

function specOf(config: unknown): ClusterSpec {
    return validateCluster(config, { today: TODAY }).spec;
}

function topologyOf(s: Shape): Topology {
    return planTopology(specOf(configOf(s)));
}

/** A shape with more of everything (within the schema's limits), plus one more pool. */
const grownArb = shapeArb.chain((s) => fc.record({
    etcd: fc.integer({ min: 0, max: 7 - s.etcdMembers }),
    masters: fc.integer({ min: 0, max: 9 - s.masters }),
    pools: fc.tuple(...s.pools.map((p) => fc.integer({ min: 0, max: 50 * Math.min(p.zones, s.zoneCount) - p.count }))),
    appendPool: fc.boolean(),
}).map((g) => {
    const grown: Shape = {
        ...s, etcdMembers: s.etcdMembers + g.etcd, masters: s.masters + g.masters,
        pools: [...s.pools.map((p, i) => ({ ...p, count: p.count + (g.pools[i] as number) })),
            ...(g.appendPool ? [{ count: 5, zones: 2, spread: true }] : [])],
    };
    return [s, grown] as const;
}));

describe("planTopology", () => {
    it("never renames, moves, re-addresses or regroups an existing node on scale-out", () => {
        fc.assert(fc.property(grownArb, ([small, big]) => {
            const before = topologyOf(small);
            const after = new Map(topologyOf(big).nodes.map((n) => [n.name, n]));
            for (const node of before.nodes) {
                assert.deepEqual(after.get(node.name), node);
            }
        }), { numRuns: 300 });
    });

    it("gives every node a unique name and a unique address inside its zone's subnet, clear of reserved ends", () => {
        fc.assert(fc.property(shapeArb, (s) => {
            const spec = specOf(configOf(s));
            const topo = planTopology(spec);
            const names = topo.nodes.map((n) => n.name);
            const ips = topo.nodes.map((n) => n.privateIp);
            assert.equal(new Set(names).size, names.length);
            assert.equal(new Set(ips).size, ips.length);
            for (const n of topo.nodes) {
                const subnet = parseCidr(spec.zones.find((z) => z.zone === n.zone)!.subnetCidr);
                assert.ok(containsAddress(subnet, n.privateIp), `${n.name} ${n.privateIp} outside ${subnet.text}`);
                const offset = Number(n.privateIp.split(".")[3]) - Number(subnet.text.split(".")[3].split("/")[0]);
                assert.ok(offset >= 11 && offset <= subnet.size - 5, `${n.name} uses reserved offset ${offset}`);
                assert.match(n.name, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
                assert.equal(n.hostname, n.name);
                assert.ok(n.name.length <= 60);
            }
            if (topo.endpoint.vip) {
                assert.ok(!ips.includes(topo.endpoint.vip), "the VIP is not a node address");
            }
        }), { numRuns: 300 });
    });

    it("spreads each role round-robin: zone counts differ by at most one", () => {
        fc.assert(fc.property(shapeArb, (s) => {
            const topo = topologyOf(s);
            const runs = new Map<string, Map<string, number>>();
            for (const n of topo.nodes) {
                const key = n.pool ?? n.role;
                const perZone = runs.get(key) ?? new Map<string, number>();
                perZone.set(n.zone, (perZone.get(n.zone) ?? 0) + 1);
                runs.set(key, perZone);
            }
            for (const [key, perZone] of runs) {
                const counts = [...perZone.values()];
                assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${key}: ${counts}`);
            }
        }), { numRuns: 300 });
    });

    it("fills placement groups up to their capacity and lists every grouped node exactly once", () => {
        fc.assert(fc.property(shapeArb, (s) => {
            const topo = topologyOf(s);
            const listed = topo.placementGroups.flatMap((g) => g.members);
            assert.equal(new Set(listed).size, listed.length);
            for (const g of topo.placementGroups) {
                assert.ok(g.members.length >= 1 && g.members.length <= s.capacity);
                assert.equal(g.affinity, s.affinity);
                assert.equal(g.level, s.level);
            }
            for (const n of topo.nodes) {
                const grouped = n.role !== "bastion" && (n.role !== "worker" || s.pools[Number(n.pool!.slice(4))].spread);
                assert.equal(n.placementGroup !== undefined, grouped, n.name);
                if (n.placementGroup) {
                    assert.ok(topo.placementGroups.find((g) => g.name === n.placementGroup)!.members.includes(n.name));
                }
            }
        }), { numRuns: 300 });
    });

    it("plans the production fixture as documented", () => {
        const topo = planTopology(specOf(prodConfig()));
        const etcd = topo.nodes.filter((n) => n.role === "etcd");
        assert.deepEqual(etcd.map((n) => [n.name, n.zone, n.privateIp]), [
            ["prod-etcd-0", "ap-guangzhou-3", "10.10.1.21"],
            ["prod-etcd-1", "ap-guangzhou-4", "10.10.2.21"],
            ["prod-etcd-2", "ap-guangzhou-6", "10.10.3.21"],
            ["prod-etcd-3", "ap-guangzhou-3", "10.10.1.22"],
            ["prod-etcd-4", "ap-guangzhou-4", "10.10.2.22"],
        ]);
        assert.deepEqual(topo.endpoint, { kind: "clb", port: 6443, dnsName: "api.prod.internal", vip: "10.10.1.10", zone: "ap-guangzhou-3", publicAccess: false });
        assert.deepEqual(topo.placementGroups.map((g) => [g.name, g.members.length]), [["prod-etcd-pg-0", 5], ["prod-master-pg-0", 3]]);
        assert.equal(topo.nodes.find((n) => n.role === "bastion")?.privateIp, "10.10.1.20");
    });

    it("splits a role into several placement groups at the group capacity", () => {
        const c = prodConfig();
        c.profile = "dev";
        c.etcd.members = 5;
        c.placement.groupCapacity = 2;
        const groups = planTopology(specOf(c)).placementGroups.filter((g) => g.key === "etcd");
        assert.deepEqual(groups.map((g) => g.members), [["prod-etcd-0", "prod-etcd-1"], ["prod-etcd-2", "prod-etcd-3"], ["prod-etcd-4"]]);
    });

    it("puts keepalived LB nodes and their VIP in the endpoint's zone", () => {
        const c = prodConfig();
        c.apiEndpoint = { kind: "keepalived-haproxy", zones: ["ap-guangzhou-4"] };
        c.acceptRisks = ["zone-loss"];
        const topo = planTopology(specOf(c));
        const lb = topo.nodes.filter((n) => n.role === "lb");
        assert.deepEqual(lb.map((n) => [n.zone, n.privateIp]), [["ap-guangzhou-4", "10.10.2.11"], ["ap-guangzhou-4", "10.10.2.12"]]);
        assert.equal(topo.endpoint.vip, "10.10.2.10");
    });

    it("gives node-local-proxy clusters no VIP and stacked clusters no etcd machines", () => {
        const c = prodConfig();
        c.etcd = { topology: "stacked" };
        c.apiEndpoint = { kind: "node-local-proxy" };
        const topo = planTopology(specOf(c));
        assert.equal(topo.endpoint.vip, undefined);
        assert.equal(topo.nodes.filter((n) => n.role === "etcd").length, 0);
        assert.deepEqual(topo.nodes.filter((n) => n.etcdMember).map((n) => n.role), ["master", "master", "master"]);
    });
});
