// The images the library writes into manifests and configs: every one at an exact release (or a
// digest), none at a floating tag; a stack's own proxy image must be pinned by digest in
// production, and the rendered static pod uses it.

import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { PROXY_IMAGES, proxyImageProblem } from "../../components/plan/images";
import { addonsManifest } from "../../components/render/pod-network";
import { validateCluster } from "../../components/plan/validate";
import { prodConfig, TODAY } from "../helpers/fixtures";
import { renderStack, stackNames } from "../helpers/rendered";

/** An exact release tag (`v1.37.2`, `3.6.8-0`, `3.0.12-alpine`) or a digest; `latest`, `3.0-alpine` and a missing tag are floating. */
const PINNED = /(?::v?\d+\.\d+\.\d+(?:[-+][\w.]+)?(?:@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$/;
const DIGEST = `@sha256:${"ab".repeat(32)}`;

describe("images the library writes", () => {
    it("are all at an exact release or a digest, in every stack's files, static pods and add-ons", () => {
        const seen = new Set<string>();
        for (const stack of stackNames()) {
            const r = renderStack(stack);
            const texts = [...r.bundles.flatMap((b) => b.files.map((f) => f.content)), ...r.bundles.map((b) => b.userData), addonsManifest(r.spec, r.plan)];
            for (const text of texts) {
                for (const m of text.matchAll(/^\s*-?\s*(?:image|sandbox)\s*[:=]\s*"?([^"\s]+)"?\s*$/gm)) {
                    seen.add(m[1]);
                }
            }
        }
        assert.ok(seen.size >= 4, `found ${[...seen].join(", ")}`);
        const floating = [...seen].filter((ref) => !PINNED.test(ref));
        assert.deepEqual(floating, [], "no floating tag");
        assert.ok(seen.has(PROXY_IMAGES.haproxy), "the node-local proxy's image is among them");
        assert.ok([...seen].some((i) => /\/etcd:/.test(i)) && [...seen].some((i) => /\/pause:/.test(i)), `etcd's and the sandbox's are among them: ${[...seen].join(", ")}`);
    });

    it("the node-local proxy is our exact release by default, or the stack's own image", () => {
        const pod = (edit?: (c: any) => void) => {
            const r = renderStack("prod-stacked-local", edit);
            const file = r.bundles.find((b) => b.node.role === "worker")!.files.find((f) => f.path === "/etc/kubernetes/manifests/kube-apiserver-proxy.yaml")!;
            return parse(file.content).spec.containers[0].image as string;
        };
        assert.equal(pod(), "docker.io/library/haproxy:3.0.12-alpine");
        const mine = `registry.example.com/mirror/haproxy:3.0.12-alpine${DIGEST}`;
        assert.equal(pod((c) => { c.apiEndpoint.proxyImage = mine; }), mine);
    });

    it("production refuses a proxy image by a tag that can move, naming the field and how to pin it; a digest or our release passes", () => {
        const config = (proxyImage: string, profile = "production") => ({ ...prodConfig(), profile, apiEndpoint: { kind: "node-local-proxy", proxyImage } });
        assert.throws(() => validateCluster(config("docker.io/library/haproxy:3.0-alpine"), { today: TODAY }),
            /apiEndpoint\.proxyImage: got "docker\.io\/library\/haproxy:3\.0-alpine"; is a tag that may move.*Fix: pin it by digest: docker\.io\/library\/haproxy:3\.0-alpine@sha256:/s);
        assert.throws(() => validateCluster(config("haproxy"), { today: TODAY }), /apiEndpoint\.proxyImage: got "haproxy"; is not a full image reference/);
        for (const ok of [`docker.io/library/haproxy${DIGEST}`, `docker.io/library/haproxy:3.0-alpine${DIGEST}`, PROXY_IMAGES.nginx]) {
            assert.equal(proxyImageProblem(ok, true), undefined, ok);
        }
        assert.equal(proxyImageProblem("docker.io/library/haproxy:3.0-alpine", false), undefined, "other profiles take a tag");
    });
});
