// Every container image a stack's nodes pull, with the exact tag and who pulls it: kubeadm's own
// (the control plane, kube-proxy, CoreDNS, the pause sandbox, etcd: `kubeadm config images list`
// of the stack's release and image repository), the pod network's, and the node-local proxy's.
// `npm run images` prints it and checks kubeadm's part against the real kubeadm. Pure.

import { coreDnsImage } from "../plan/versions";
import type { RenderContext } from "./context";
import { nodeProxyImage } from "./node-proxy";
import { FLANNEL } from "./pod-network";

/** One image: its reference as the node asks for it (containerd's mirrors may serve it), where it comes from, the roles that pull it. */
export interface StackImage {
    readonly ref: string;
    readonly source: "kubeadm" | "pod network" | "node-local proxy";
    readonly pulledBy: readonly ("master" | "worker" | "etcd")[];
}

/** The images of `ctx`'s stack, kubeadm's first in `kubeadm config images list`'s order. */
export function stackImages(ctx: RenderContext): StackImage[] {
    const repo = ctx.spec.mirrors.imageRepository;
    const v = `v${ctx.spec.kubernetes.version}`;
    const external = ctx.spec.etcd.topology === "external";
    const nodes = ["master", "worker"] as const;
    const kubeadm = (ref: string, pulledBy: StackImage["pulledBy"]): StackImage => ({ ref, source: "kubeadm", pulledBy });
    return [
        kubeadm(`${repo}/kube-apiserver:${v}`, ["master"]),
        kubeadm(`${repo}/kube-controller-manager:${v}`, ["master"]),
        kubeadm(`${repo}/kube-scheduler:${v}`, ["master"]),
        kubeadm(`${repo}/kube-proxy:${v}`, nodes),
        kubeadm(coreDnsImage(repo, ctx.spec.kubernetes.minor), nodes),
        // Every pod's sandbox, the static pods' too (an external member's etcd runs as one).
        kubeadm(ctx.pauseImage, external ? [...nodes, "etcd"] : nodes),
        kubeadm(ctx.etcdImage, external ? ["etcd"] : ["master"]),
        { ref: FLANNEL.image, source: "pod network", pulledBy: nodes },
        { ref: FLANNEL.cniPluginImage, source: "pod network", pulledBy: nodes },
        ...(ctx.plan.endpoint.kind === "node-local-proxy" ? [{ ref: nodeProxyImage(ctx), source: "node-local proxy" as const, pulledBy: ["worker" as const] }] : []),
    ];
}
