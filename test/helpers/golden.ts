// Golden files: rendered output checked into test/golden/, compared byte for byte, rewritten
// only when UPDATE_GOLDEN=1 is set (review the diff before committing it).

import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const GOLDEN_ROOT = path.join(__dirname, "..", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function listFiles(dir: string): string[] {
    if (!existsSync(dir)) {
        return [];
    }
    return readdirSync(dir).flatMap((name) => {
        const p = path.join(dir, name);
        return statSync(p).isDirectory() ? listFiles(p) : [p];
    });
}

/** Compares (or, with UPDATE_GOLDEN=1, rewrites) a whole directory of golden files. */
export function assertGoldenDir(relDir: string, files: ReadonlyMap<string, string>): void {
    const dir = path.join(GOLDEN_ROOT, relDir);
    if (UPDATE) {
        rmSync(dir, { recursive: true, force: true });
        for (const [name, content] of files) {
            mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            writeFileSync(path.join(dir, name), content);
        }
        return;
    }
    const onDisk = listFiles(dir).map((p) => path.relative(dir, p)).sort();
    assert.deepEqual(onDisk, [...files.keys()].sort(), `golden files of ${relDir} differ in names (UPDATE_GOLDEN=1 rewrites them)`);
    for (const [name, content] of files) {
        const expected = readFileSync(path.join(dir, name), "utf8");
        assert.equal(content, expected, `${relDir}/${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it after review)`);
    }
}
