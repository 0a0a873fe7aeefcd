// The container images the library itself writes into manifests (the node-local API proxy), by
// exact release tag from this list, never by a floating tag such as `3.0-alpine`: a tag that
// moves would change what every worker runs at its next pull. The etcd and pause images are
// kubeadm's own exact tags (versions.ts). A user may pin a proxy image by digest instead
// (`apiEndpoint.proxyImage`), which production requires of any image that is not from this list.

/** The node-local proxy's images: Docker Hub official images at one exact release each (mirror them, or set registryMirrors for docker.io). */
export const PROXY_IMAGES = {
    haproxy: "docker.io/library/haproxy:3.0.12-alpine",
    nginx: "docker.io/library/nginx:1.28.0-alpine",
} as const;

/** `name[:tag]@sha256:<64 hex>`: a reference that names one image whatever a tag points at. */
const DIGEST_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?@sha256:[0-9a-f]{64}$/;
/** `name[:tag][@sha256:…]` as containerd reads it. */
const ANY_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Why `ref` may not be the proxy image, or undefined. Production takes a digest only; other profiles any full reference. */
export function proxyImageProblem(ref: string, production: boolean): { problem: string; fix: string } | undefined {
    if (!ANY_REF.test(ref)) {
        return { problem: "is not a full image reference", fix: "write registry/repository:tag, e.g. docker.io/library/haproxy:3.0.12-alpine@sha256:<digest>" };
    }
    if (production && !DIGEST_REF.test(ref) && !(Object.values(PROXY_IMAGES) as string[]).includes(ref)) {
        return {
            problem: "is a tag that may move to another image, which the production profile refuses for the images the library writes",
            fix: `pin it by digest: ${ref.split("@")[0]}@sha256:<the digest \`crane digest\` or \`docker buildx imagetools inspect\` prints>`,
        };
    }
    return undefined;
}
