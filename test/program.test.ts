import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { previewStack } from "../components/cli/preview";
import { prodConfig } from "./helpers/fixtures";

/** Runs index.ts with a cluster config (and provider region) under mocks, as the offline preview does. */
const runProgram = (cluster: unknown, region = "ap-guangzhou") =>
    previewStack({ config: { "kubeadm-ha:cluster": cluster, "tencentcloud:region": region } }, "test");

describe("index.ts (the Pulumi program)", () => {
    it("builds the stack's cluster and exports the plan's inventory and fault tolerance", async () => {
        const { outputs, recorder } = await runProgram(prodConfig());
        assert.equal(outputs.nodes.length, 15); // 5 etcd, 3 masters, 1 bastion, 6 workers
        assert.deepEqual(outputs.faultTolerance.map((r: any) => r.apiServed), [true, true, true]);
        assert.equal(outputs.etcdEndpoints.length, 5);
        assert.ok(recorder.custom().length > 40, "the cluster's resources are registered");
        assert.ok(!Object.keys(outputs).some((k) => /ssh|privatekey/i.test(k)), `the deploy key (root everywhere) is no stack output: ${Object.keys(outputs).join(", ")}`);
        assert.ok(!JSON.stringify(outputs).includes("PRIVATE KEY"), "no private key in any output");
    });

    it("fails with the same field-by-field message as npm run plan, before any resource exists", async () => {
        const c = prodConfig();
        c.etcd.members = 2;
        await assert.rejects(runProgram(c), (err: Error) => pulumi.RunError.isInstance(err) && /etcd\.members: got 2; is even/.test(err.message));
        const registered = (pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> }).getRegisteredResources();
        assert.equal(registered.size, 0, "not a single resource, not even a component, was registered");
    });

    it("refuses a provider region that differs from the cluster's", async () => {
        await assert.rejects(runProgram(prodConfig(), "ap-shanghai"), /tencentcloud:region: got "ap-shanghai"/);
    });
});
