// The real kubeadm (built by `npm run bins` at the default Kubernetes version) is the judge of
// every kubeadm file we render: `kubeadm config validate` errors on unknown fields, wrong shapes,
// bad tokens and hashes, where `kubeadm init/join` would only warn. The hand-written strict model
// stays the fast unit check; this decides.

import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { coreDnsImage } from "../../components/plan/versions";
import { renderContext, RenderOptions } from "../../components/render/context";
import { renderNode } from "../../components/render/node";
import { binsUnavailable, program } from "../../lab/bins/locate";
import { renderStack, RenderedStack, stackNames } from "../helpers/rendered";
import { skipUnless } from "../helpers/skip";
import { randomKubeadmSecrets } from "../helpers/secrets";

const run = promisify(execFile);

/** Every kubeadm file of a rendered stack (init on master-0, control-plane and worker joins). */
function kubeadmFiles(r: RenderedStack, options: RenderOptions = {}): { node: string; file: string; content: string }[] {
    const ctx = renderContext(r.spec, r.plan, options);
    const secrets = randomKubeadmSecrets();
    return r.plan.nodes.flatMap((n) => renderNode(ctx, n, secrets).files
        .filter((f) => f.path.startsWith("/etc/kubernetes/kubeadm/"))
        .map((f) => ({ node: n.name, file: path.basename(f.path), content: f.content })));
}

/** kubeadm's verdict on each file: undefined when it accepts it, else what it said. */
async function verdicts(kubeadm: string, files: ReturnType<typeof kubeadmFiles>): Promise<{ name: string; problem?: string }[]> {
    const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-validate-"));
    try {
        return await Promise.all(files.map(async (f, i) => {
            const file = path.join(dir, `${i}-${f.node}-${f.file}`);
            writeFileSync(file, f.content, { mode: 0o600 });
            const name = `${f.node} ${f.file}`;
            try {
                const { stdout, stderr } = await run(kubeadm, ["config", "validate", "--config", file], { timeout: 60_000 });
                return stdout.trim() === "ok" && stderr.trim() === "" ? { name } : { name, problem: `accepted with output: ${stdout}${stderr}` };
            } catch (err) {
                return { name, problem: String((err as { stderr?: string }).stderr ?? err).trim() };
            }
        }));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("real kubeadm judges the rendered kubeadm files", function () {
    this.timeout(180_000);
    let kubeadm: string;
    before(function () {
        skipUnless(this, binsUnavailable(["kubeadm"]));
        kubeadm = program("kubeadm");
    });

    for (const stack of stackNames()) {
        it(`${stack}: kubeadm config validate accepts the file of every master and worker`, async () => {
            const files = kubeadmFiles(renderStack(stack));
            assert.ok(files.some((f) => f.file === "init.yaml") && files.some((f) => f.file === "join.yaml"), "init and join files were rendered");
            const results = await verdicts(kubeadm, files);
            assert.deepEqual(results.filter((r) => r.problem), [], `kubeadm refused some of the ${files.length} files`);
            console.log(`      kubeadm accepted ${results.length} files (${files.filter((f) => f.file === "join.yaml").length} joins)`);
        });
    }

    // The configurations other tests vary, where they change what the kubeadm files say.
    const variants: [string, string, (c: any) => void][] = [
        ["the previous minor (1.36.3)", "prod", (c) => (c.kubernetesVersion = "1.36.3")],
        ["short-lived certificates", "prod-keepalived", (c) => (c.certificates = { caValidityHours: 43800, leafValidityHours: 2160, earlyRenewalHours: 360 })],
        ["stacked etcd with a CLB", "prod", (c) => (c.etcd = { topology: "stacked" })],
        ["another pod and service range", "dev", (c) => (c.network = { ...c.network, podCidr: "172.30.0.0/16", serviceCidr: "172.31.0.0/16" })],
        ["five masters behind a node-local proxy", "prod-stacked-local", (c) => (c.controlPlane = { ...c.controlPlane, count: 5 })],
    ];
    for (const [what, stack, edit] of variants) {
        it(`accepts ${what} (${stack})`, async () => {
            const results = await verdicts(kubeadm, kubeadmFiles(renderStack(stack, edit)));
            assert.deepEqual(results.filter((r) => r.problem), []);
        });
    }

    it("accepts the render options that add flags: a shutdown delay and leader-election timers (prod)", async () => {
        const files = kubeadmFiles(renderStack("prod"), { apiHealth: { checkPath: "/readyz", shutdownDelaySec: 5 }, leaderElection: { leaseSec: 8, renewSec: 6, retrySec: 1 } });
        const init = files.find((f) => f.file === "init.yaml")!;
        assert.match(init.content, /name: shutdown-delay-duration\n\s+value: 5s/);
        assert.equal(init.content.match(/name: leader-elect-lease-duration\n\s+value: 8s/g)?.length, 2, "both components get the timers");
        const results = await verdicts(kubeadm, files);
        assert.deepEqual(results.filter((r) => r.problem), []);
    });

    it("refuses what the strict model refuses too: a mis-cased field fails the run", async () => {
        const [init] = kubeadmFiles(renderStack("prod")).filter((f) => f.file === "init.yaml");
        const [result] = await verdicts(kubeadm, [{ ...init, content: init.content.replace("certSANs:", "certSans:") }]);
        assert.match(result.problem ?? "", /unknown field "apiServer\.certSans"/);
    });

    it("deploys the images the renderer pins: pause (containerd's sandbox), etcd (external members) and CoreDNS", async () => {
        for (const stack of ["dev", "prod-keepalived"]) {
            const r = renderStack(stack);
            const ctx = renderContext(r.spec, r.plan);
            const init = kubeadmFiles(r).find((f) => f.file === "init.yaml")!;
            const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-images-"));
            try {
                const file = path.join(dir, "init.yaml");
                writeFileSync(file, init.content, { mode: 0o600 });
                // With external etcd kubeadm lists no etcd image; the same cluster with stacked etcd says which it runs.
                const stacked = path.join(dir, "stacked.yaml");
                writeFileSync(stacked, kubeadmFiles(renderStack(stack, (c) => (c.etcd = { topology: "stacked" }))).find((f) => f.file === "init.yaml")!.content, { mode: 0o600 });
                const list = async (f: string) => (await run(kubeadm, ["config", "images", "list", "--config", f])).stdout.trim().split("\n");
                const images = await list(file);
                const etcd = (await list(stacked)).find((i) => i.includes("/etcd:"));
                const repo = r.spec.mirrors.imageRepository;
                assert.equal(repo === "registry.k8s.io", stack === "dev", "both repository forms are compared");
                assert.ok(images.includes(ctx.pauseImage), `${stack}: kubeadm deploys ${images.find((i) => i.includes("pause"))}, containerd is configured with ${ctx.pauseImage}`);
                assert.equal(etcd, ctx.etcdImage, `${stack}: external members run the etcd kubeadm would run`);
                assert.ok(images.includes(coreDnsImage(repo, r.spec.kubernetes.minor)), `${stack}: CoreDNS ${images.join(", ")}`);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        }
    });
});
