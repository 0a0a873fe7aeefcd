// An admin kubeconfig from PEM material (client certificate signed by the cluster CA).

import { toYaml } from "./yaml";

export interface KubeconfigInput {
    readonly clusterName: string;
    /** `https://host:port`. */
    readonly server: string;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
    readonly user?: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function kubeconfig(i: KubeconfigInput): string {
    if (!/^https:\/\/[^/\s]+:\d+$/.test(i.server)) {
        throw new Error(`kubeconfig server must be https://host:port, got ${JSON.stringify(i.server)}`);
    }
    const user = i.user ?? `${i.clusterName}-admin`;
    const context = `${user}@${i.clusterName}`;
    return toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: i.clusterName, cluster: { server: i.server, "certificate-authority-data": b64(i.caCertPem) } }],
        users: [{ name: user, user: { "client-certificate-data": b64(i.clientCertPem), "client-key-data": b64(i.clientKeyPem) } }],
        contexts: [{ name: context, context: { cluster: i.clusterName, user } }],
        "current-context": context,
        preferences: {},
    });
}
