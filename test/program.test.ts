import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { installCloudMocks } from "../components/cli/preview-mocks";
import type { Recorder } from "./helpers/mocks";
import { prodConfig } from "./helpers/fixtures";

const PROGRAM = path.join(__dirname, "..", "index.ts");

function runProgram(cluster: unknown, region = "ap-guangzhou"): Record<string, any> {
    pulumi.runtime.setAllConfig({ "kubeadm-ha:cluster": JSON.stringify(cluster), "tencentcloud:region": region });
    delete require.cache[require.resolve(PROGRAM)];
    return require(PROGRAM);
}

describe("index.ts (the Pulumi program)", () => {
    let rec: Recorder;
    beforeEach(async () => {
        rec = await installCloudMocks();
    });

    it("builds the stack's cluster and exports the plan's inventory and fault tolerance", async () => {
        const out = runProgram(prodConfig());
        assert.equal(out.nodes.length, 15); // 5 etcd, 3 masters, 1 bastion, 6 workers
        assert.deepEqual(out.faultTolerance.map((r: any) => r.apiServed), [true, true, true]);
        assert.equal(out.etcdEndpoints.length, 5);
        await (pulumi.runtime as any).waitForRPCs();
        assert.ok(rec.custom().length > 40, "the cluster's resources are registered");
    });

    it("fails with the same field-by-field message as npm run plan, before any resource exists", () => {
        const c = prodConfig();
        c.etcd.members = 2;
        assert.throws(() => runProgram(c), (err: Error) =>
            pulumi.RunError.isInstance(err) && /etcd\.members: got 2; is even/.test(err.message));
        assert.equal(rec.custom().length, 0);
    });

    it("refuses a provider region that differs from the cluster's", () => {
        assert.throws(() => runProgram(prodConfig(), "ap-shanghai"), /tencentcloud:region: got "ap-shanghai"/);
    });
});
