// The cluster's key material as the ClusterPki component makes it: the component runs under
// `pulumi.runtime.setMocks` with real crypto behind the tls and random resources (tls-mocks.ts),
// so the lab's hosts get the same CAs, service-account key, etcd certificates, admin client
// certificate and kubeadm secrets a `pulumi up` would deliver, with the same subjects, SANs,
// usages and validity.

import { randomBytes, randomInt } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { installRecorder } from "../components/testing";
import { ClusterPki, clusterPkiArgs } from "../components/cluster-pki";
import type { ClusterPlan } from "../components/plan/plan";
import type { ClusterSpec } from "../components/plan/spec";
import type { KubeadmSecrets } from "../components/render/kubeadm";
import type { ControlPlanePki, EtcdMemberPki } from "../components/render/pki-files";
import { realTlsOutputs } from "./tls-mocks";

export interface ComponentPki {
    readonly controlPlane: ControlPlanePki;
    readonly etcdMembers: Readonly<Record<string, EtcdMemberPki>>;
    readonly kubeadmSecrets: KubeadmSecrets;
    readonly adminCertPem: string;
    readonly adminKeyPem: string;
}

/** What the random provider's resources return, made with real randomness. */
export function randomOutputs(type: string, inputs: Record<string, any>): Record<string, any> | undefined {
    switch (type) {
        case "random:index/randomString:RandomString": {
            const chars = `${inputs.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz"}${inputs.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}${inputs.numeric === false ? "" : "0123456789"}`;
            return { result: Array.from({ length: inputs.length }, () => chars[randomInt(chars.length)]).join("") };
        }
        case "random:index/randomId:RandomId": {
            const b = randomBytes(inputs.byteLength);
            return { hex: b.toString("hex"), b64Std: b.toString("base64") };
        }
        case "random:index/randomBytes:RandomBytes":
            return { base64: randomBytes(inputs.length).toString("base64") };
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: "", privateKeyOpenssh: "", publicKeyOpenssh: "ssh-rsa AAAA-not-used-in-the-lab" };
        default:
            return undefined;
    }
}

const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((done) => o.apply((v) => (done(v), v)));

/** Runs the ClusterPki component for a planned cluster and returns what it made. */
export async function componentPki(spec: ClusterSpec, plan: ClusterPlan): Promise<ComponentPki> {
    await installRecorder({ outputs: (type, _name, inputs) => realTlsOutputs(type, inputs) ?? randomOutputs(type, inputs) ?? {}, project: "lab", stack: spec.name });
    const pki = new ClusterPki(`${spec.name}-pki`, clusterPkiArgs(spec, plan));
    const members = await Promise.all(Object.entries(pki.etcdMembers).map(async ([n, o]) => [n, await resolve(o)] as const));
    return {
        controlPlane: await resolve(pki.controlPlane),
        etcdMembers: Object.fromEntries(members),
        kubeadmSecrets: await resolve(pki.kubeadmSecrets),
        adminCertPem: await resolve(pki.adminClientCertPem),
        adminKeyPem: await resolve(pki.adminClientKeyPem),
    };
}
