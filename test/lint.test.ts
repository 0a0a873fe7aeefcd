import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.join(__dirname, "..");

async function lint(file: string, code: string): Promise<string[]> {
    const [result] = await new ESLint({ cwd: ROOT }).lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("lint: plan and render stay pure", () => {
    const cases = [
        ["components/plan/probe.ts", `import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;\n`],
        ["components/render/probe.ts", `import { Vpc } from "@pulumi/tencentcloud";\nexport const x = Vpc;\n`],
        ["components/plan/probe.ts", `import { x } from "../kubeadm-cluster";\nexport const y = x;\n`],
        ["components/render/probe.ts", `const tc = require("@pulumi/tencentcloud");\nexport const y = tc;\n`],
    ];
    for (const [file, code] of cases) {
        it(`rejects ${code.split("\n")[0]} in ${file}`, async () => {
            const messages = await lint(file, code);
            assert.ok(messages.some((m) => /pure/.test(m)), messages.join("; "));
        });
    }

    it("allows the same import in a component", async () => {
        assert.deepEqual(await lint("components/probe.ts", `import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;\n`), []);
    });

    it("allows plan modules to import each other and plain libraries", async () => {
        assert.deepEqual(await lint("components/plan/probe.ts", `import { z } from "zod";\nimport { parseCidr } from "./cidr";\nexport const x = [z, parseCidr];\n`), []);
    });
});
