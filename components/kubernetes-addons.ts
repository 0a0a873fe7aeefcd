// KubernetesAddons: what the cluster needs once the API answers. CoreDNS runs at least two
// replicas (one per zone where there are zones), never two on one host, and keeps one running
// through voluntary disruptions. Add your own workloads with the same provider:
//   new k8s.apps.v1.Deployment("app", {...}, { provider: cluster.addons!.provider })

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { corednsPatch, corednsPdb } from "./render/coredns";

const TYPE = "kubeadm-ha:index:KubernetesAddons";

export interface KubernetesAddonsArgs {
    /** Admin kubeconfig (secret). */
    readonly kubeconfig: pulumi.Input<string>;
    /** CoreDNS replicas: at least 2. */
    readonly corednsReplicas: number;
    /** Run CoreDNS on the masters only (`corednsOnMasters`). @default false */
    readonly corednsOnMasters?: boolean;
}

export class KubernetesAddons extends pulumi.ComponentResource {
    /** A provider for this cluster, for your own Kubernetes resources. */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: KubernetesAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        if (args.corednsReplicas < 2) {
            throw new pulumi.ResourceError(`corednsReplicas: got ${args.corednsReplicas}; CoreDNS needs at least 2 replicas to survive a node`, this);
        }
        this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: args.kubeconfig }, { parent: this });
        const opt = { parent: this, provider: this.provider };
        new k8s.apps.v1.DeploymentPatch(`${name}-coredns`, {
            metadata: { name: "coredns", namespace: "kube-system", annotations: { "pulumi.com/patchForce": "true" } },
            ...corednsPatch(args.corednsReplicas, args.corednsOnMasters ?? false),
        }, opt);
        const pdb = corednsPdb();
        new k8s.policy.v1.PodDisruptionBudget(`${name}-coredns`, { metadata: pdb.metadata, spec: pdb.spec }, opt);
        this.registerOutputs({});
    }
}
