import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { installRecorder, isWireSecret, Recorder, valueOf } from "../helpers/mocks";
import { AUDIT_DOCS, FUNCTIONS, PACKAGE, PROVIDER, RESOURCES } from "./fact-sheet-table";

const sdk = tencentcloud as unknown as Record<string, any>;
const sorted = (keys: Iterable<string>) => [...keys].sort();
const valueFor = (key: string) => `v:${key}`;

/** The plain value of a (possibly secret-wrapped) wire value. */
const unwrap = (v: any) => (isWireSecret(v) ? v.value : v);

function allInputs(keys: readonly string[]): Record<string, string> {
    return Object.fromEntries(keys.map((k) => [k, valueFor(k)]));
}

describe("@pulumi/tencentcloud subset (wire contract from the fact sheet)", () => {
    let rec: Recorder;
    beforeEach(async () => {
        rec = await installRecorder();
    });

    for (const row of RESOURCES) {
        describe(row.cls, () => {
            it(`registers ${row.token} with exactly the documented input keys`, async () => {
                const res = new sdk[row.cls](`all-${row.cls}`, { ...allInputs(row.inputs), notInSchema: "x" });
                await valueOf(res.urn);
                const [wire] = rec.resources.filter((r) => r.name === `all-${row.cls}`);
                assert.equal(wire.type, row.token);
                assert.deepEqual(sorted(Object.keys(wire.inputs)), sorted(row.inputs));
                for (const key of row.inputs) {
                    assert.equal(unwrap(wire.inputs[key]), valueFor(key), `${row.cls}.${key} reaches the wire unchanged`);
                }
                assert.equal(wire.packageRef, "mock-uuid", "every resource carries the package reference");
                assert.equal(wire.version, "", "the version option is cleared in favour of the package reference");
            });

            it("exposes every input and output-only key as an Output", () => {
                const res = new sdk[row.cls](`outputs-${row.cls}`, allInputs(row.required));
                for (const key of [...row.inputs, ...row.outputs]) {
                    assert.ok(pulumi.Output.isInstance(res[key]), `${row.cls}.${key} is an Output`);
                }
                assert.ok(sdk[row.cls].isInstance(res));
                assert.ok(!sdk[row.cls].isInstance({}));
            });

            for (const key of row.required) {
                it(`throws "Missing required property '${key}'" when ${key} is missing`, () => {
                    const args = allInputs(row.required.filter((k) => k !== key));
                    assert.throws(() => new sdk[row.cls](`missing-${key}`, args),
                        (err: Error) => err.message === `Missing required property '${key}'`);
                });
            }

            it("accepts just the required inputs", async () => {
                const res = new sdk[row.cls](`min-${row.cls}`, allInputs(row.required));
                await valueOf(res.urn);
                const [wire] = rec.resources.filter((r) => r.name === `min-${row.cls}`);
                assert.deepEqual(sorted(Object.keys(wire.inputs)), sorted(row.required));
            });

            it("sends sensitive inputs as secrets and declares them as secret outputs", async () => {
                const res = new sdk[row.cls](`secret-${row.cls}`, allInputs(row.inputs));
                await valueOf(res.urn);
                const [wire] = rec.resources.filter((r) => r.name === `secret-${row.cls}`);
                const secretKeys = row.inputs.filter((k) => isWireSecret(wire.wireInputs[k]));
                assert.deepEqual(sorted(secretKeys), sorted(row.secrets ?? []));
                assert.deepEqual(sorted(wire.additionalSecretOutputs), sorted(row.secrets ?? []));
            });

            it("reads existing state with get() without checking required inputs", async () => {
                const res = sdk[row.cls].get(`get-${row.cls}`, "existing-id");
                assert.equal(await valueOf(res.id), "existing-id");
            });
        });
    }

    describe("Provider", () => {
        it(`registers ${PROVIDER.token}, JSON-encodes lists and objects and hides credentials`, async () => {
            const args: Record<string, unknown> = allInputs(PROVIDER.inputs);
            args.assumeRole = { roleArn: "qcs::cam::uin/1:roleName/r", sessionName: "s", sessionDuration: 3600 };
            args.allowedAccountIds = ["100001"];
            args.forbiddenAccountIds = ["100002"];
            const provider = new tencentcloud.Provider("tc", args as tencentcloud.ProviderArgs);
            await valueOf(provider.urn);
            const [wire] = rec.resources.filter((r) => r.name === "tc");
            assert.equal(wire.type, PROVIDER.token);
            assert.deepEqual(sorted(Object.keys(wire.inputs)), sorted(PROVIDER.inputs));
            for (const key of PROVIDER.json) {
                assert.equal(unwrap(wire.inputs[key]), JSON.stringify(args[key]), `${key} is JSON-encoded`);
            }
            const secretKeys = PROVIDER.inputs.filter((k) => isWireSecret(wire.wireInputs[k]));
            assert.deepEqual(sorted(secretKeys), sorted(PROVIDER.secrets));
            assert.equal(wire.packageRef, "mock-uuid");
            assert.ok(tencentcloud.Provider.isInstance(provider));
        });
    });

    describe("package reference", () => {
        it("registers the terraform-provider package with the documented parameterization, once", async () => {
            const a = new tencentcloud.Vpc("a", { cidrBlock: "10.0.0.0/16" });
            const b = new tencentcloud.Subnet("b", { vpcId: a.id, availabilityZone: "ap-guangzhou-3", cidrBlock: "10.0.1.0/24" });
            await valueOf(b.urn);
            assert.equal(rec.packages.length, 1, "registerPackage result is cached per deployment");
            const [pkg] = rec.packages;
            assert.equal(pkg.name, PACKAGE.baseProviderName);
            assert.equal(pkg.version, PACKAGE.baseProviderVersion);
            assert.equal(pkg.downloadUrl, PACKAGE.downloadUrl);
            assert.equal(pkg.parameterization?.name, PACKAGE.packageName);
            assert.equal(pkg.parameterization?.version, PACKAGE.packageVersion);
            assert.equal(pkg.parameterization?.value.toString("base64"), PACKAGE.base64Parameter);
        });

        it("matches the package.json block the language host reads for plugin pre-install", () => {
            const meta = require("@pulumi/tencentcloud/package.json");
            assert.equal(meta.name, "@pulumi/tencentcloud");
            assert.equal(meta.version, PACKAGE.packageVersion);
            assert.deepEqual(meta.pulumi, {
                resource: true,
                name: PACKAGE.baseProviderName,
                version: PACKAGE.baseProviderVersion,
                parameterization: { name: PACKAGE.packageName, version: PACKAGE.packageVersion, value: PACKAGE.base64Parameter },
            });
        });
    });

    describe("data sources", () => {
        for (const row of FUNCTIONS) {
            it(`${row.fn} invokes ${row.token} with exactly the documented arguments`, async () => {
                await sdk[row.fn]({ ...allInputs(row.args), notInSchema: "x" });
                const [call] = rec.invokes.filter((i) => i.token === row.token);
                assert.ok(call, `${row.token} was invoked`);
                assert.deepEqual(sorted(Object.keys(call.args)), sorted(row.args));
                assert.equal(call.packageRef, "mock-uuid");
            });

            it(`${row.fn}Output invokes the same token`, async () => {
                await valueOf(sdk[`${row.fn}Output`](allInputs(row.args)));
                const calls = rec.invokes.filter((i) => i.token === row.token);
                assert.equal(calls.length, 1);
                assert.deepEqual(sorted(Object.keys(calls[0].args)), sorted(row.args));
            });
        }
    });
});

describe("@pulumi/tencentcloud subset docs say what the provider's update does (the audit)", () => {
    /** The TSDoc right above `key` inside `interface iface` of an SDK file. */
    function docOf(file: string, iface: string, key: string): string {
        const text = readFileSync(path.join(__dirname, "..", "..", "sdks", "tencentcloud", file), "utf8");
        const start = text.indexOf(`export interface ${iface} `);
        assert.ok(start >= 0, `${file} declares ${iface}`);
        const body = text.slice(start, text.indexOf("\n}", start));
        const m = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${key}\\??:`).exec(body);
        assert.ok(m, `${iface}.${key} has a TSDoc comment`);
        return m[1].replace(/\s*\n\s*\*\s?/g, " ");
    }

    for (const row of AUDIT_DOCS) {
        it(`${row.iface}.${row.key}: ${row.audit}`, () => {
            assert.match(docOf(row.file, row.iface, row.key), row.says);
        });
    }

    it("CosBucketLifecycleRule.filterPrefix is optional, as in the provider (L471)", () => {
        const rule: tencentcloud.types.input.CosBucketLifecycleRule = { expiration: { days: 30 } };
        assert.equal(rule.filterPrefix, undefined);
    });
});
