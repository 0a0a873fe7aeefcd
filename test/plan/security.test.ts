import { strict as assert } from "node:assert";
import { ingressRules, OVERLAY_VXLAN_PORT } from "../../components/plan/security";
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
