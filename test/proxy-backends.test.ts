// proxy-backends.sh on a test machine, as an LB machine's `<lb>-proxy-backends` step runs it when
// the masters change: the rendered HAProxy configuration of prod-keepalived's LB pair under
// Debian's own haproxy.service (started by the lab's service manager), then the configuration of
// the same stack with five masters, through the command line the program sends. Measured: the
// reload keeps HAProxy's master process and adds the new backends; an unchanged file changes
// nothing; a configuration HAProxy refuses is put back and the running one keeps serving. Needs root.

import { strict as assert } from "node:assert";
import { followMasters } from "../components/render/commands";
import { renderContext } from "../components/render/context";
import { lbProxyConfig } from "../components/render/node-proxy";
import { LIFECYCLE_SCRIPTS } from "../components/render/scripts-lifecycle";
import { Lab, labUnavailable, waitFor } from "../lab/lab";
import { addMachine, Machine } from "../lab/machine";
import { renderStack } from "./helpers/rendered";
import { skipUnless } from "./helpers/skip";

describe("proxy-backends.sh on a test machine: an LB machine's HAProxy follows the masters", function () {
    this.timeout(120_000);
    let lab: Lab;
    let m: Machine;
    const config = (masters: number) => {
        const r = renderStack("prod-keepalived", (c) => (c.controlPlane.count = masters));
        return lbProxyConfig(renderContext(r.spec, r.plan));
    };
    const [three, five] = [config(3), config(5)];
    const run = (text: string) => m.exec("bash", ["-c", followMasters({ ...three, text })], 90_000, LIFECYCLE_SCRIPTS.proxyBackends.content);
    const servers = async () => (await m.exec("curl", ["-sf", "--max-time", "2", "http://127.0.0.1:8404/stats;csv"])).stdout.split("\n")
        .map((l) => l.split(",")).filter((f) => f.length > 17 && !["FRONTEND", "BACKEND", "svname"].includes(f[1]) && !f[0].startsWith("#") && !f[0].startsWith("stats")).map((f) => f[1]).sort();

    before(async function () {
        skipUnless(this, labUnavailable(["unshare", "nsenter", "haproxy", "curl", "sudo"]));
        lab = Lab.create("10.252.0.0/16");
        m = await addMachine(lab, "lb", "10.252.1.1", "lab-lb-0");
        m.startServices();
        await waitFor("the lab's service manager", async () => (await m.exec("systemctl", ["is-active", "haproxy"])).stdout.trim() === "inactive", 15_000, 100);
        // As cloud-init's hosts entry on a CVM: sudo resolves the machine's own name.
        m.write("/etc/hosts", "127.0.0.1 localhost\n10.252.1.1 lab-lb-0\n");
        m.write(three.path, three.text);
        const started = await m.exec("systemctl", ["restart", "haproxy"]);
        assert.equal(started.code, 0, started.stdout + started.stderr);
        await waitFor("HAProxy's statistics", async () => (await servers()).length > 0, 15_000, 200);
    });

    after(() => lab?.destroy());

    it("leaves an unchanged configuration alone", async () => {
        const r = await run(three.text);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /haproxy\.cfg is unchanged/);
        assert.equal((await servers()).length, 3);
    });

    it("reloads a new one without a restart: the same master process, the two new masters backends", async () => {
        const before = await servers();
        const pid = m.read("/run/haproxy.pid").trim();
        const r = await run(five.text);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /haproxy reloaded \/etc\/haproxy\/haproxy\.cfg/);
        assert.equal(m.read(five.path), five.text);
        await waitFor("five backends", async () => (await servers()).length === 5, 15_000, 200);
        const after = await servers();
        assert.equal(before.length, 3);
        assert.ok(before.every((s) => after.includes(s)), `the three it had, kept: ${after.join(", ")}`);
        assert.equal(m.read("/run/haproxy.pid").trim(), pid, "reloaded, not restarted");
        assert.equal(m.exists(`${five.path}.previous`), false);
    });

    it("puts the previous file back when HAProxy refuses the new one, and keeps serving", async () => {
        const r = await run("global\n    no-such-keyword\n");
        assert.equal(r.code, 1);
        assert.match(r.stderr, /systemctl reload haproxy failed.*back as it was/);
        assert.equal(m.read(five.path), five.text);
        assert.equal((await servers()).length, 5);
    });
});
