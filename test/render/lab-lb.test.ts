// Real HAProxy and keepalived running the rendered configurations of the prod-keepalived stack
// on two LB test hosts, in front of the real control plane of three masters (kube-apiserver from
// the manifests real kubeadm wrote from our configuration, the rehearsal's bring-up). A client
// host reaches the VIP. Lab timers (VRRP advertisements every 0.2 s) keep the test fast; they
// are passed to the same renderer.

import { strict as assert } from "node:assert";
import { renderContext } from "../../components/render/context";
import { buildClusterLab, ClusterLab } from "../../lab/cluster-lab";
import { Lab, labUnavailable, waitFor } from "../../lab/lab";
import { labHooks } from "../helpers/lab-hooks";
import { renderStack } from "../helpers/rendered";
import { skipUnless } from "../helpers/skip";

const LAB_TIMERS = { vrrpAdvertSec: 0.2 };
const PROGRAMS = ["haproxy", "keepalived", "openssl", "curl", "etcd", "etcdctl", "kubeadm", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"];

/** HAProxy's stats rows of the apiserver backend's servers, by server name. */
async function stats(c: ClusterLab, lb: number): Promise<Map<string, string[]>> {
    const r = await c.lbs[lb].host.exec("curl", ["-s", "--max-time", "2", "http://127.0.0.1:8404/stats;csv"]);
    return new Map(r.stdout.split("\n").map((l) => l.split(",")).filter((f) => f[0] === "apiservers" && f[1] !== "BACKEND").map((f) => [f[1], f]));
}

describe("HAProxy + keepalived: the rendered LB pair serves the API VIP (real daemons, real kube-apiservers)", function () {
    this.timeout(240_000);
    const rendered = renderStack("prod-keepalived", undefined, { timers: LAB_TIMERS });
    const ctx = renderContext(rendered.spec, rendered.plan, { timers: LAB_TIMERS });
    const vip = rendered.plan.endpoint.vip!;
    let lab: Lab | undefined;
    let c: ClusterLab;

    const get = (urlPath: string) => c.client.exec("curl", ["-sS", "--max-time", "2", "--cacert", c.files.ca, `https://${vip}:${rendered.plan.endpoint.port}${urlPath}`]);

    before(async function () {
        skipUnless(this, labUnavailable(PROGRAMS));
        lab = Lab.create(rendered.spec.network.vpcCidr);
        c = await buildClusterLab(lab, ctx, () => undefined);
    });

    labHooks(() => lab);

    it("starts HAProxy on both LB hosts (its local health endpoint answers)", async () => {
        assert.equal(c.lbs.length, 2);
        for (const lb of c.lbs) {
            const r = await lb.host.exec("curl", ["-sf", "--max-time", "1", "http://127.0.0.1:8404/healthz"]);
            assert.equal(r.code, 0, `HAProxy on ${lb.name}`);
        }
    });

    it("puts the VIP on the configured MASTER (the first LB node) and only there", async () => {
        const { ms } = await waitFor("the VIP on lb0", async () => c.lbs[0].host.hasAddress(vip), 15_000, 100);
        console.log(`      VIP ${vip} on ${c.lbs[0].name} ${ms} ms after the wait began`);
        assert.equal(await c.lbs[1].host.hasAddress(vip), false);
    });

    it("answers through the VIP with the certificate kubeadm signed for it, spreading new connections over every master", async () => {
        await waitFor("/readyz through the VIP", async () => (await get("/readyz")).stdout === "ok", 15_000, 200);
        const before = await stats(c, 0);
        for (let i = 0; i < 3 * ctx.masters.length; i++) {
            const r = await get("/version");
            assert.equal(r.code, 0, r.stderr);
            assert.equal(JSON.parse(r.stdout).gitVersion, `v${rendered.spec.kubernetes.version}`, "the real kube-apiserver of the stack's version answers");
        }
        const after = await stats(c, 0);
        for (const m of ctx.masters) {
            // Field 7 is stot, the server's total of sessions.
            assert.ok(Number(after.get(m.hostname)![7]) > Number(before.get(m.hostname)![7]), `round robin reached ${m.hostname}`);
        }
    });

    it("reports every master UP in HAProxy's local stats, reached over loopback only", async () => {
        const rows = await stats(c, 0);
        assert.equal(rows.size, ctx.masters.length);
        assert.ok([...rows.values()].every((f) => f[17] === "UP"), [...rows.keys()].join(", "));
    });
});
