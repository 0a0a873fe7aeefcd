// `npm run images` (lab/images-cli.ts, components/render/images.ts): every image a stack's nodes
// pull, kubeadm's part checked against the real kubeadm of the stack's release, and the same list
// the bring-up gives its machines (lab/images.ts). Needs `npm run bins` for kubeadm (CI has it).

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { renderContext } from "../components/render/context";
import { stackImages } from "../components/render/images";
import { binsUnavailable, productVersion } from "../lab/bins/locate";
import { labImages, PROBE_IMAGE } from "../lab/images";
import { renderStack, stackNames } from "./helpers/rendered";
import { skipUnless } from "./helpers/skip";

const ROOT = path.join(__dirname, "..");
const images = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "lab", "images-cli.ts"), ...args], { encoding: "utf8", timeout: 60_000 });

describe("npm run images: every image a stack's nodes pull", function () {
    this.timeout(120_000);

    before(function () {
        skipUnless(this, binsUnavailable(["kubeadm"]));
    });

    for (const stack of stackNames()) {
        it(`${stack}: kubeadm's images as the real kubeadm lists them, the pod network's and the proxy's; the same the bring-up gives its machines`, () => {
            const r = images("--stack", stack, "--json");
            assert.equal(r.status, 0, r.stderr);
            const listed = JSON.parse(r.stdout) as { ref: string; source: string; pulledBy: string[] }[];
            const { spec, plan } = renderStack(stack);
            const ctx = renderContext(spec, plan);
            assert.deepEqual(listed, JSON.parse(JSON.stringify(stackImages(ctx))));
            assert.deepEqual(listed.filter((i) => i.source === "kubeadm").map((i) => i.ref.split("/").pop()!.split(":")[0]),
                ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "coredns", "pause", "etcd"]);
            assert.ok(listed.every((i) => /:[A-Za-z0-9._-]+$/.test(i.ref)), "every image with its exact tag");
            assert.equal(listed.some((i) => i.source === "node-local proxy"), plan.endpoint.kind === "node-local-proxy");
            assert.deepEqual(labImages(ctx).map((i) => i.ref).filter((ref) => ref !== PROBE_IMAGE).sort(), listed.map((i) => i.ref).sort(), "what the bring-up imports");
        });
    }

    it("follows the stack's release: at the previous one, kubeadm of that release agrees", function () {
        skipUnless(this, binsUnavailable(["kubeadm"]));
        const doc = parse(readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"), { version: "1.1" });
        const previous = productVersion("kubernetes-1.36").replace(/^v/, "");
        doc.config["kubeadm-ha:cluster"].kubernetesVersion = previous;
        const file = path.join(tmpdir(), `images-test-${process.pid}.yaml`);
        writeFileSync(file, stringify(doc));
        const r = images("--config", file, "--json");
        rmSync(file);
        assert.equal(r.status, 0, r.stderr);
        const refs = (JSON.parse(r.stdout) as { ref: string }[]).map((i) => i.ref);
        assert.ok(refs.includes(`registry.k8s.io/kube-apiserver:v${previous}`));
        assert.ok(!refs.some((ref) => ref.endsWith(":v1.37.2")), "nothing of the other release");
    });

    it("says what is wrong with its arguments (exit 2)", () => {
        const none = images();
        assert.equal(none.status, 2);
        assert.match(none.stderr, /give exactly one of --stack and --config/);
        const unknown = images("--stack", "prod", "--mirror", "x");
        assert.equal(unknown.status, 2);
        assert.match(unknown.stderr, /Unknown option '--mirror'/);
    });
});
