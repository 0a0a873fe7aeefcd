// npm run gen:config [-- --check]
// Writes components/plan/config-types.ts and docs/config-reference.md from the zod schema; with
// --check, writes nothing and exits 1 when either file differs from what the schema gives.

import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { configReferenceMarkdown, configTypesSource } from "./config-reference";
import { fail } from "./exit";

const ROOT = path.join(__dirname, "..", "..");

/** The generated files, by path from the repository root. */
export async function generatedConfigFiles(): Promise<Record<string, string>> {
    return { "components/plan/config-types.ts": await configTypesSource(), "docs/config-reference.md": configReferenceMarkdown() };
}

async function main(): Promise<void> {
    const check = process.argv.includes("--check");
    const stale: string[] = [];
    for (const [file, text] of Object.entries(await generatedConfigFiles())) {
        const full = path.join(ROOT, file);
        let current = "";
        try {
            current = readFileSync(full, "utf8");
        } catch {
            // a missing file is stale
        }
        if (current === text) {
            continue;
        }
        if (check) {
            stale.push(file);
        } else {
            writeFileSync(full, text);
            process.stdout.write(`wrote ${file}\n`);
        }
    }
    if (stale.length > 0) {
        fail(1, `stale: ${stale.join(", ")}; run npm run gen:config`);
    }
}

if (require.main === module) {
    void main();
}
