import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { generatedConfigFiles } from "../components/cli/gen-config";
import { PROGRAM_KEYS } from "../components/plan/stack-file";
import { validateCluster } from "../components/plan/validate";
import { prodConfig } from "./helpers/fixtures";

const ROOT = path.join(__dirname, "..");

describe("the configuration reference generated from the schema", () => {
    it("is what npm run gen:config writes (types and docs/config-reference.md are not stale)", async () => {
        for (const [file, text] of Object.entries(await generatedConfigFiles())) {
            assert.equal(readFileSync(path.join(ROOT, file), "utf8"), text, `${file} is stale: run npm run gen:config`);
        }
    });

    it("lists every key with its default, range and allowed values", async () => {
        const md = (await generatedConfigFiles())["docs/config-reference.md"];
        for (const row of [
            "| `etcd.members` | integer | unset | 1 to 7 |",
            "| `controlPlane.count` | integer | `3` | 1 to 9 |",
            "| `network.podMetadataAccess` | boolean | `false` |",
            "| `apiEndpoint (kind: keepalived-haproxy).virtualRouterId` | integer | `51` | 1 to 255 |",
            "| `mirrors.registryMirrors.<name>` | list of string | unset | at least 1 item(s)",
            "| `etcd.dataDisk.type` | one of | `\"CLOUD_SSD\"` | `CLOUD_BASIC`, `CLOUD_PREMIUM`, `CLOUD_BSSD`, `CLOUD_SSD`, `CLOUD_HSSD`, `CLOUD_TSSD` |",
        ]) {
            assert.ok(md.includes(row), row);
        }
        assert.match(md, /\| `kubernetesVersion` \| string \| unset \| An exact release major\.minor\.patch of a supported minor \(1\.\d+(?:, 1\.\d+)+\); unset: 1\.\d+\.\d+/);
    });

    it("names every program key index.ts reads", () => {
        const program = readFileSync(path.join(ROOT, "index.ts"), "utf8");
        const read = [...program.matchAll(/config\.get(?:Object|Boolean|Number)?(?:<.*?>)?\("([^"]+)"\)/g)].map((m) => m[1]).filter((k) => k !== "cluster");
        assert.ok(read.length >= 5, read.join(", "));
        assert.deepEqual([...new Set(read)].sort(), PROGRAM_KEYS.map((k) => k.key).sort());
    });

    it("accepts \"true\"/\"false\" strings for every boolean key, as pulumi config set stores them", () => {
        const config = prodConfig();
        config.network.podMetadataAccess = "false";
        config.certificates = { renewalTimer: "true" };
        config.backup = { ...config.backup, enabled: "true", keepBucketOnDestroy: "false" };
        const { spec } = validateCluster(config, { today: "2026-11-22" });
        assert.equal(spec.network.podMetadataAccess, false);
        assert.equal(spec.certificates.renewalTimer, true);
        assert.equal(spec.backup.keepBucketOnDestroy, false);
    });
});
