// Every shell block of the README and docs/ that runs offline is run here exactly as printed
// (from the repository root, as the docs say). The others are listed with what they need.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const DOCS = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

interface Block {
    readonly where: string;
    readonly text: string;
    /** The command lines: comments, continuations and here-document bodies taken out. */
    readonly commands: string[];
}

function blocks(): Block[] {
    const out: Block[] = [];
    for (const file of DOCS) {
        const text = readFileSync(path.join(ROOT, file), "utf8");
        for (const m of text.matchAll(/```(?:bash|sh|shell)\n([\s\S]*?)```/g)) {
            const body = m[1];
            const commands: string[] = [];
            let heredoc: string | undefined;
            for (const line of body.replace(/\\\n/g, " ").split("\n")) {
                if (heredoc !== undefined) {
                    heredoc = line.trim() === heredoc ? undefined : heredoc;
                    continue;
                }
                const command = line.replace(/(^|\s)#.*$/, "").trim();
                if (command) {
                    commands.push(command);
                    heredoc = /<<'?(\w+)'?/.exec(command)?.[1];
                }
            }
            out.push({ where: `${file}:${text.slice(0, m.index).split("\n").length}`, text: body, commands });
        }
    }
    return out;
}

/** Why a block is not run here, by its first command that needs something this test does not have. */
function needs(b: Block): string | undefined {
    for (const c of b.commands) {
        if (/^sudo /.test(c)) {
            return "root and the built programs: run by the rehearsal and bring-up tests";
        }
        if (/^(pulumi|export) /.test(c)) {
            return "the Pulumi CLI and a cloud account";
        }
        if (/^npm (ci|test|install)\b/.test(c)) {
            return "a fresh clone: .ci/run runs npm ci and npm test, test/consumer.test.ts the install and the pack";
        }
    }
    return undefined;
}

describe("the docs' shell blocks", function () {
    this.timeout(300_000);
    const all = blocks();
    const offline = all.filter((b) => needs(b) === undefined);

    it("are each either run here or need what the docs say", () => {
        assert.ok(all.length >= 15, `${all.length} blocks`);
        assert.ok(offline.length >= 3, offline.map((b) => b.where).join(", "));
        for (const b of all.filter((x) => needs(x) !== undefined)) {
            assert.ok(b.commands.length > 0, b.where);
        }
    });

    for (const b of offline) {
        it(`runs ${b.where} as printed (${b.commands.length} commands)`, () => {
            const written = [...b.text.matchAll(/>\s*([\w.-]+\.json)\b/g)].map((m) => path.join(ROOT, m[1]));
            const before = written.filter((f) => existsSync(f));
            assert.deepEqual(before, [], "the block would overwrite a file of the checkout");
            try {
                const r = spawnSync("bash", ["-euo", "pipefail", "-c", b.text], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
                assert.equal(r.status, 0, `${b.where} failed:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
                for (const file of written) {
                    assert.doesNotThrow(() => JSON.parse(readFileSync(file, "utf8")), `${path.basename(file)} is JSON, nothing else`);
                }
                if (/# prints (\S+)/.test(b.text)) {
                    assert.equal(r.stdout.trim(), /# prints (\S+)/.exec(b.text)![1]);
                }
            } finally {
                written.forEach((f) => rmSync(f, { force: true }));
            }
        });
    }
});
