import { strict as assert } from "node:assert";
import { egressRules, ingressRules, OVERLAY_VXLAN_PORT, securityRoles } from "../../components/plan/security";
import { renderStack } from "../helpers/rendered";

describe("security-group rules of the pod overlay", () => {
    const overlay = (rules: ReturnType<typeof ingressRules>) =>
        Object.fromEntries(Object.entries(rules).map(([role, rs]) => [role, rs.filter((r) => r.protocol === "UDP").map((r) => `${r.port} from ${"role" in r.from ? r.from.role : r.from.cidr}`)]));

    it("opens exactly flannel's VXLAN port between masters and workers, and nothing else over UDP", () => {
        assert.equal(OVERLAY_VXLAN_PORT, 8472, "Linux's VXLAN port, the one flanneld's vxlan backend uses by default");
        const udp = overlay(ingressRules(renderStack("prod").spec));
        for (const role of ["master", "worker"]) {
            assert.deepEqual(udp[role], ["8472 from master", "8472 from worker"], role);
        }
        for (const role of ["bastion", "etcd", "lb"].filter((r) => r in udp)) {
            assert.deepEqual(udp[role], [], role);
        }
    });

    it("opens no overlay port when the user brings their own pod network (network.cni: none)", () => {
        const udp = overlay(ingressRules(renderStack("prod", (c) => { c.network.cni = "none"; }).spec));
        assert.deepEqual(udp.master, []);
        assert.deepEqual(udp.worker, []);
    });
});

describe("security-group egress", () => {
    it("is open for every role by default (as every deployed group has it: no change)", () => {
        const spec = renderStack("prod").spec;
        const all = egressRules(spec);
        assert.deepEqual(Object.keys(all), securityRoles(spec), "one rule list per security group the cluster has");
        for (const [role, rules] of Object.entries(all)) {
            assert.deepEqual(rules!.map((r) => `${r.action} ${r.protocol} ${r.port} ${r.to}`), ["ACCEPT ALL all 0.0.0.0/0"], role);
        }
    });

    it("with network.etcdEgressCidrs lets external etcd members send only to the VPC, the metadata service and the listed ranges; every other role stays open", () => {
        const spec = renderStack("prod", (c) => { c.network.etcdEgressCidrs = ["198.18.0.0/24", "203.0.113.7/32"]; }).spec;
        const rules = egressRules(spec);
        assert.deepEqual(rules.etcd!.map((r) => `${r.action} ${r.to}`),
            [`ACCEPT ${spec.network.vpcCidr}`, "ACCEPT 169.254.0.23/32", "ACCEPT 198.18.0.0/24", "ACCEPT 203.0.113.7/32", "DROP 0.0.0.0/0"]);
        for (const role of ["bastion", "master", "worker"] as const) {
            assert.deepEqual(rules[role]!.map((r) => `${r.action} ${r.to}`), ["ACCEPT 0.0.0.0/0"], role);
        }
    });
});
