// Static pod manifests (etcd members, node-local API proxies) from a strict model of the
// core/v1 Pod fields we emit. Unknown fields are rejected, like the kubeadm model.

import { z } from "zod";
import { toYaml } from "./yaml";

const hostPathVolume = z.strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    hostPath: z.strictObject({ path: z.string().regex(/^\//), type: z.enum(["Directory", "DirectoryOrCreate", "File", "FileOrCreate"]) }),
});

const httpProbe = z.strictObject({
    httpGet: z.strictObject({ host: z.string(), path: z.string().regex(/^\//), port: z.number().int().min(1).max(65535), scheme: z.enum(["HTTP", "HTTPS"]) }),
    initialDelaySeconds: z.number().int().min(0), periodSeconds: z.number().int().min(1), timeoutSeconds: z.number().int().min(1), failureThreshold: z.number().int().min(1),
});

export const StaticPodSchema = z.strictObject({
    apiVersion: z.literal("v1"),
    kind: z.literal("Pod"),
    metadata: z.strictObject({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
        namespace: z.literal("kube-system"),
        labels: z.record(z.string(), z.string()),
    }),
    spec: z.strictObject({
        hostNetwork: z.literal(true),
        priorityClassName: z.literal("system-node-critical"),
        containers: z.array(z.strictObject({
            name: z.string().min(1),
            image: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$/, { error: "must be repository/name:tag or repository/name[:tag]@sha256:<digest>" }),
            command: z.array(z.string()).min(1),
            volumeMounts: z.array(z.strictObject({ name: z.string(), mountPath: z.string().regex(/^\//), readOnly: z.boolean().optional() })),
            livenessProbe: httpProbe.optional(),
            readinessProbe: httpProbe.optional(),
            startupProbe: httpProbe.optional(),
            resources: z.strictObject({ requests: z.strictObject({ cpu: z.string(), memory: z.string() }) }),
        })).length(1),
        volumes: z.array(hostPathVolume),
    }),
});

export type StaticPod = z.infer<typeof StaticPodSchema>;

/** Serialises a static pod after checking it against the model. */
export function staticPodYaml(pod: StaticPod): string {
    const result = StaticPodSchema.safeParse(pod);
    if (!result.success) {
        throw new Error(`rendered static pod ${pod.metadata?.name} is invalid: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    return toYaml(pod);
}
