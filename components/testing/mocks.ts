// Mock outputs of the providers the components use, shaped like the real ones, for the offline
// preview and the tests: short fake PEMs for keys, a real but throwaway public certificate for
// the CAs (its key was discarded; it only lets the CA pin be computed offline), deterministic
// random values, and Tencent outputs that mirror their inputs.

import { createHash } from "node:crypto";
import { CallHandler, installRecorder, Recorder } from "./recorder";

/** Throwaway self-signed ECDSA certificate (public; the private key was never kept). */
export const PREVIEW_CA_CERT = `-----BEGIN CERTIFICATE-----
MIIBxzCCAW2gAwIBAgIUVNB5sCHhF8b8bX0RttUtl5/mldcwCgYIKoZIzj0EAwIw
ODE2MDQGA1UEAwwta3ViZWFkbS1oYSBwcmV2aWV3ICh0aHJvd2F3YXksIGtleSBk
aXNjYXJkZWQpMCAXDTI2MTEyMjA0NTQ1N1oYDzIxMjYxMDI5MDQ1NDU3WjA4MTYw
NAYDVQQDDC1rdWJlYWRtLWhhIHByZXZpZXcgKHRocm93YXdheSwga2V5IGRpc2Nh
cmRlZCkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARVNzJAHpX/Ng8TxfXxSbJP
lkD+4hRAXW0L2BaGkM88EqnLXN9q5KWkNg21OpImuXOGdBOunwPJ+U5ifMPw1lUM
o1MwUTAdBgNVHQ4EFgQU/F3J2Oy5CvzhpZhNfTWNttFTgCMwHwYDVR0jBBgwFoAU
/F3J2Oy5CvzhpZhNfTWNttFTgCMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
AgNIADBFAiB+AUzz5e73ZyyW9xN7wrIXSr/yXc+Yu8Ep8MGkMaJ+ZQIhAJfwKYN6
0g2UWr6ae2dRimoXZQ3I7EWx42F0bhWUt5en
-----END CERTIFICATE-----
`;

const digest = (s: string) => createHash("sha256").update(s).digest("hex");
const fakePem = (kind: string, name: string) => `-----BEGIN FAKE ${kind}-----\n${digest(name).slice(0, 32)}\n-----END FAKE ${kind}-----\n`;

function outputs(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: fakePem("PRIVATE KEY", name), publicKeyPem: fakePem("PUBLIC KEY", name), privateKeyOpenssh: fakePem("OPENSSH KEY", name),
                publicKeyOpenssh: `${inputs.algorithm === "ED25519" ? "ssh-ed25519" : "ssh-rsa"} ${digest(name).slice(0, 40)} ${name}\n` };
        case "tls:index/selfSignedCert:SelfSignedCert":
            return { certPem: PREVIEW_CA_CERT, validityEndTime: "2036-11-20T00:00:00Z" };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: fakePem("CERTIFICATE REQUEST", name) };
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: fakePem("CERTIFICATE", name), validityEndTime: "2027-11-22T00:00:00Z" };
        case "random:index/randomString:RandomString":
            return { result: digest(name).replace(/[^a-z0-9]/g, "").slice(0, inputs.length) };
        case "random:index/randomPassword:RandomPassword":
            return { result: digest(`password:${name}`).slice(0, inputs.length) };
        case "random:index/randomId:RandomId":
            return { hex: digest(name).slice(0, inputs.byteLength * 2), b64Std: Buffer.from(digest(name), "hex").toString("base64") };
        case "random:index/randomBytes:RandomBytes":
            return { base64: Buffer.from(digest(name), "hex").subarray(0, inputs.length).toString("base64") };
        case "tencentcloud:index/eip:Eip":
            return { publicIp: `203.0.113.${parseInt(digest(name).slice(0, 2), 16) % 250 + 1}` };
        case "tencentcloud:index/clbInstance:ClbInstance":
            return { clbVips: [inputs.vip ?? "198.51.100.7"] };
        case "tencentcloud:index/clbListener:ClbListener":
            return { listenerId: `lbl-${digest(name).slice(0, 8)}` };
        default:
            return {};
    }
}

/** An example account (the appid of Tencent's own COS examples). */
export const PREVIEW_APP_ID = "1250000000";

/** The newest public image the mocked getImages answers, unless a test says another one appeared. */
export const PREVIEW_IMAGE = "img-mock0001";

const callsWith = (publicImage: string): CallHandler => (args) => {
    switch (args.token) {
        case "tencentcloud:index/getImages:getImages":
            return { images: [{ imageId: publicImage, imageName: "Ubuntu Server 24.04 LTS 64bit", osName: args.inputs.osName }] };
        case "tencentcloud:index/getUserInfo:getUserInfo":
            return { id: "user-mock", appId: PREVIEW_APP_ID, uin: "100000000001", ownerUin: "100000000001", name: "" };
        default:
            return {};
    }
};

/** Names and answers the mocked program sees. */
export interface CloudMockNames {
    /** The project name (`pulumi.getProject()`). @default "project" */
    readonly project?: string;
    /** The stack name (`pulumi.getStack()`). @default "stack" */
    readonly stack?: string;
    /** The newest public image the mocked getImages answers. @default PREVIEW_IMAGE */
    readonly publicImage?: string;
}

/**
 * Installs fresh mocks with realistic provider outputs and a recorder of every registration:
 * fake key PEMs, a real (throwaway) CA certificate so the CA pin is computed, deterministic random
 * values, the Tencent outputs the components read (EIP addresses, CLB VIPs, listener ids), and the
 * getImages and getUserInfo data sources. Call it before the resources are created.
 */
export function installCloudMocks(names: CloudMockNames = {},
    /** What a StackReference reads (the program reads its own last outputs for the change guard). @default {} */
    stackOutputs: Record<string, unknown> = {},
    /** Outputs that take precedence over the mocks' own, by type, inputs and name (the lab's real TLS and randomness). */
    first?: (type: string, inputs: Record<string, any>, name: string) => Record<string, any> | undefined): Promise<Recorder> {
    const withStacks = (type: string, name: string, inputs: Record<string, any>) =>
        type === "pulumi:pulumi:StackReference" ? { outputs: stackOutputs, secretOutputNames: [] } : first?.(type, inputs, name) ?? outputs(type, name, inputs);
    const { publicImage, ...ids } = names;
    return installRecorder({ outputs: withStacks, call: callsWith(publicImage ?? PREVIEW_IMAGE), ...ids });
}
