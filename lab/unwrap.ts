// Mock inputs and recorded values keep secrets in their wire envelope
// (`{ [specialSigKey]: specialSecretSig, value }`): one helper unwraps them at every depth, for
// the lab (machines get the plain values) and the tests that read recorded inputs.

import * as pulumi from "@pulumi/pulumi";

/** `v` with every secret envelope replaced by its value, at every depth. */
export function withoutSecrets(v: any): any {
    if (Array.isArray(v)) {
        return v.map(withoutSecrets);
    }
    if (typeof v === "object" && v !== null) {
        if (v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
            return withoutSecrets(v.value);
        }
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutSecrets(x)]));
    }
    return v;
}
