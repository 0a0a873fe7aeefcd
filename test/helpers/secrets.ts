// Random kubeadm secrets in the shapes ClusterPki makes (token, certificate key, CA pin, secretbox key).

import { randomBytes, randomInt } from "node:crypto";
import type { KubeadmSecrets } from "../../components/render/kubeadm";

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join("");

export function randomKubeadmSecrets(caCertHash = `sha256:${randomBytes(32).toString("hex")}`): KubeadmSecrets {
    return {
        bootstrapToken: `${alnum(6)}.${alnum(16)}`,
        certificateKey: randomBytes(32).toString("hex"),
        caCertHash,
        encryptionKeys: [{ name: "key1", secret: randomBytes(32).toString("base64") }],
    };
}
