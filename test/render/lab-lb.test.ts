// Real HAProxy and keepalived running the rendered configurations of the prod-keepalived stack
// on two LB test hosts, in front of three STAND-IN apiservers (tiny HTTPS servers: no
// kube-apiserver binary is available here). A client host reaches the VIP. Lab timers (VRRP
// advertisements every 0.2 s) keep the test fast; they are passed to the same renderer.

import { strict as assert } from "node:assert";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderContext } from "../../components/render/context";
import { keepalivedCommand } from "../../components/render/keepalived";
import { apiServerCertSans } from "../../components/render/kubeadm";
import { Host, Lab, labUnavailable, waitFor } from "../../components/rehearsal/lab";
import { labHooks } from "../helpers/lab-hooks";
import { skipUnless } from "../helpers/skip";
import { KeyPair, makeCa, makeCert } from "../../components/rehearsal/pki";
import { renderStack } from "../helpers/rendered";
import { rebase, stage } from "../../components/rehearsal/staging";

const LAB_TIMERS = { vrrpAdvertSec: 0.2 };
const STANDIN = path.join(__dirname, "..", "..", "components", "rehearsal", "standin-apiserver.js");

describe("HAProxy + keepalived: the rendered LB pair serves the API VIP (real daemons, stand-in apiservers)", function () {
    this.timeout(120_000);
    const rendered = renderStack("prod-keepalived", undefined, { timers: LAB_TIMERS });
    const ctx = renderContext(rendered.spec, rendered.plan, { timers: LAB_TIMERS });
    const vip = rendered.plan.endpoint.vip!;
    const lbs = rendered.bundles.filter((b) => b.node.role === "lb");
    let lab: Lab | undefined;
    let client: Host;
    let lbHosts: Host[];
    let ca: KeyPair;

    const get = (urlPath: string) => client.exec("curl", ["-sS", "--max-time", "2", "--cacert", ca.cert, `https://${vip}:${rendered.plan.endpoint.port}${urlPath}`]);

    before(function () {
        skipUnless(this, labUnavailable(["haproxy", "keepalived", "openssl", "curl"]));
        lab = Lab.create(rendered.spec.network.vpcCidr);
        ca = makeCa(path.join(lab.dir, "pki"), "cluster-ca");
        const sans = apiServerCertSans(ctx);
        ctx.masters.forEach((m, i) => {
            const host = lab!.addHost(`m${i}`, m.privateIp);
            const kp = makeCert(path.join(lab!.dir, "pki"), ca, m.name, {
                cn: "kube-apiserver", server: true,
                ips: sans.filter((s) => /^\d/.test(s)), dns: sans.filter((s) => !/^\d/.test(s)).concat(m.hostname),
            });
            host.spawn("standin-apiserver", process.execPath, [STANDIN, m.hostname, kp.cert, kp.key, m.privateIp, String(rendered.plan.endpoint.port)]);
        });
        lbHosts = lbs.map((b, i) => {
            const host = lab!.addHost(`lb${i}`, b.node.privateIp);
            const nodeRoot = path.join(lab!.dir, host.name);
            const placed = stage(b.files, nodeRoot);
            const conf = placed.get("/etc/kubeadm-ha/keepalived.conf")!;
            writeFileSync(conf, rebase(readFileSync(conf, "utf8"), nodeRoot));
            mkdirSync(path.join(nodeRoot, "run/kubeadm-ha"), { recursive: true });
            host.spawn("haproxy", "haproxy", ["-db", "-f", placed.get("/etc/haproxy/haproxy.cfg")!]);
            const command = keepalivedCommand().map((a) => rebase(a, nodeRoot));
            host.spawn("keepalived", command[0], command.slice(1));
            return host;
        });
        client = lab.addHost("client", "172.16.10.100");
    });

    labHooks(() => lab);

    it("starts HAProxy on both LB hosts (its local health endpoint answers)", async () => {
        for (const host of lbHosts) {
            await waitFor(`HAProxy on ${host.name}`, async () => (await host.exec("curl", ["-sf", "--max-time", "1", "http://127.0.0.1:8404/healthz"])).code === 0, 10_000, 100);
        }
    });

    it("puts the VIP on the configured MASTER (the first LB node) and only there", async () => {
        const { ms } = await waitFor("the VIP on lb0", async () => lbHosts[0].hasAddress(vip), 15_000, 100);
        console.log(`      VIP ${vip} on ${lbs[0].node.name} ${ms} ms after the wait began`);
        assert.equal(await lbHosts[1].hasAddress(vip), false);
    });

    it("answers through the VIP with the certificate's SANs, spreading requests over the masters", async () => {
        await waitFor("/healthz through the VIP", async () => (await get("/healthz")).stdout === "ok", 15_000, 200);
        const servedBy = new Set<string>();
        for (let i = 0; i < 9; i++) {
            const r = await get("/version");
            assert.equal(r.code, 0, r.stderr);
            servedBy.add(JSON.parse(r.stdout).servedBy);
        }
        assert.deepEqual([...servedBy].sort(), ctx.masters.map((m) => m.hostname).sort(), "round robin reaches every master");
    });

    it("reports every master UP in HAProxy's local stats, reached over loopback only", async () => {
        const r = await lbHosts[0].exec("curl", ["-s", "--max-time", "2", "http://127.0.0.1:8404/stats;csv"]);
        const rows = r.stdout.split("\n").filter((l) => l.startsWith("apiservers,") && !l.includes("BACKEND"));
        assert.equal(rows.length, ctx.masters.length, r.stdout);
        assert.ok(rows.every((l) => l.split(",")[17] === "UP"), rows.join("\n"));
    });
});
