// Runs the workflows' own run: scripts (taken from the YAML, not copied) the way GitHub runs
// them, `bash -eo pipefail`, with GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and a stand-in
// `pulumi` on PATH that logs every call: what the script does is what the test sees.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");

function runScript(file: string, job: string, stepName: string): string {
    const doc = parse(readFileSync(path.join(ROOT, "templates", "github", "workflows", file), "utf8"));
    const step = doc.jobs[job].steps.find((s: { name?: string; id?: string }) => s.name === stepName || s.id === stepName);
    assert.ok(step?.run, `${file} jobs.${job}: no run step named ${stepName}`);
    return step.run;
}

const FAKE_PULUMI = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_PULUMI_DIR/calls.log"
case "$1 $2 $3" in
  "stack ls --json") cat "$FAKE_PULUMI_DIR/stacks.json" ;;
  "stack tag ls") cat "$FAKE_PULUMI_DIR/tags/$5.json" ;;
esac
`;

/** Ages relative to the real clock: the workflow scripts take no --now. */
function ago(hours: number): string {
    return new Date(Date.now() - hours * 3_600_000).toISOString();
}

describe("workflow run: scripts, executed", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-wf-"));
        mkdirSync(path.join(dir, "bin"));
        mkdirSync(path.join(dir, "tags"));
        writeFileSync(path.join(dir, "bin", "pulumi"), FAKE_PULUMI);
        chmodSync(path.join(dir, "bin", "pulumi"), 0o755);
        writeFileSync(path.join(dir, "stacks.json"), JSON.stringify([
            { name: "dev", current: false, lastUpdate: ago(48) },
            { name: "pr-12", current: false, lastUpdate: ago(10) },
            { name: "pr-13", current: false, lastUpdate: ago(1) },
        ]));
        const tags = { "kubeadm-ha:ephemeral": "true", "kubeadm-ha:ttl": "8h" };
        for (const name of ["dev", "pr-12", "pr-13"]) {
            writeFileSync(path.join(dir, "tags", `${name}.json`), JSON.stringify(tags));
        }
        writeFileSync(path.join(dir, "summary"), "");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function bash(script: string, env: Record<string, string>, cwd = ROOT) {
        writeFileSync(path.join(dir, "output"), "");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
            cwd, encoding: "utf8",
            env: {
                ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, FAKE_PULUMI_DIR: dir,
                GITHUB_OUTPUT: path.join(dir, "output"), GITHUB_STEP_SUMMARY: path.join(dir, "summary"), GITHUB_ACTIONS: "true", ...env,
            },
        });
        const calls = existsSync(path.join(dir, "calls.log")) ? readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n") : [];
        return { code: r.status, out: r.stdout, err: r.stderr, calls, output: readFileSync(path.join(dir, "output"), "utf8"), summary: readFileSync(path.join(dir, "summary"), "utf8") };
    }

    describe("preview.yml", () => {
        const gate = runScript("preview.yml", "credentials", "check");
        const secrets = { PULUMI_ACCESS_TOKEN: "", PULUMI_BACKEND_URL: "", TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" };

        it("credentials: says why the preview is skipped when a fork's run has no secrets", () => {
            const r = bash(gate, secrets);
            assert.equal(r.code, 0, r.err);
            assert.equal(r.output, "available=false\n");
            assert.match(r.out, /^::notice title=pulumi preview skipped::this run has no PULUMI_ACCESS_TOKEN or PULUMI_BACKEND_URL TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY/);
        });

        it("credentials: enables the preview with a Tencent key and either a Pulumi token or a backend URL", () => {
            const tencent = { TENCENTCLOUD_SECRET_ID: "AKIDx", TENCENTCLOUD_SECRET_KEY: "k" };
            assert.equal(bash(gate, { ...secrets, ...tencent, PULUMI_ACCESS_TOKEN: "pul-x" }).output, "available=true\n");
            assert.equal(bash(gate, { ...secrets, ...tencent, PULUMI_BACKEND_URL: "s3://state" }).output, "available=true\n");
            assert.equal(bash(gate, { ...secrets, PULUMI_ACCESS_TOKEN: "pul-x", TENCENTCLOUD_SECRET_ID: "AKIDx" }).output, "available=false\n");
        });

        it("pulumi login: logs in to the backend URL when one is set, else to Pulumi Cloud", () => {
            const login = runScript("preview.yml", "preview", "pulumi login");
            assert.deepEqual(bash(login, { PULUMI_BACKEND_URL: "s3://state?region=ap-guangzhou" }).calls, ["login s3://state?region=ap-guangzhou"]);
            rmSync(path.join(dir, "calls.log"));
            assert.deepEqual(bash(login, { PULUMI_BACKEND_URL: "" }).calls, ["login"]);
        });

        // Only dev: the script plans against today's date, and the production profile turns an
        // end-of-life Kubernetes minor into an error, so prod would fail once 1.37 is retired.
        for (const stack of ["dev"]) {
            it(`offline plan of ${stack}: prints the plan and writes it to the step summary`, () => {
                // A scratch checkout: plan.txt lands there, not in the repository.
                const work = path.join(dir, "work");
                mkdirSync(work);
                for (const entry of ["package.json", "node_modules", "components"]) {
                    symlinkSync(path.join(ROOT, entry), path.join(work, entry));
                }
                const r = bash(runScript("preview.yml", "offline-plan", "npm run plan"), { STACK: stack }, work);
                assert.equal(r.code, 0, r.err + r.out);
                assert.match(r.out, new RegExp(`^Cluster ${stack} \\(`, "m"));
                assert.ok(r.summary.startsWith(`### Offline plan of \`${stack}\` (exit status 0)\n\n\`\`\`text\nCluster ${stack} (`), r.summary.slice(0, 200));
                assert.ok(r.summary.endsWith("```\n"));
            });
        }

        it("offline plan: fails the job, and says so in the summary, when the plan fails", () => {
            const work = path.join(dir, "work");
            mkdirSync(work);
            for (const entry of ["package.json", "node_modules", "components"]) {
                symlinkSync(path.join(ROOT, entry), path.join(work, entry));
            }
            const r = bash(runScript("preview.yml", "offline-plan", "npm run plan"), { STACK: "no-such-stack" }, work);
            assert.equal(r.code, 2);
            assert.match(r.summary, /^### Offline plan of `no-such-stack` \(exit status 2\)/);
            assert.match(r.summary, /cannot read .*Pulumi\.no-such-stack\.yaml: ENOENT/);
        });
    });

    describe("destroy-ephemeral.yml", () => {
        it("select: puts the expired stacks in the job output as JSON and explains every decision in the summary", () => {
            const r = bash(runScript("destroy-ephemeral.yml", "select", "select"), {});
            assert.equal(r.code, 0, r.err);
            assert.equal(r.output, 'stacks=["dev","pr-12"]\n');
            assert.match(r.summary, /^2 to destroy\.$/m);
            assert.match(r.summary, /^\| `pr-13` \| keep \| .*expires in 6h/m);
        });

        it("destroy: re-checks, restores a missing settings file, destroys, then removes the stack", () => {
            const r = bash(runScript("destroy-ephemeral.yml", "destroy", "destroy and remove the stack"), { STACK: "pr-12" });
            assert.equal(r.code, 0, r.err);
            assert.deepEqual(r.calls.filter((c) => !c.startsWith("stack tag ls") && c !== "stack ls --json"), [
                "config refresh --stack pr-12",
                "destroy --yes --non-interactive --stack pr-12",
                "stack rm --yes --non-interactive pr-12",
            ]);
            assert.equal(r.summary, "destroyed and removed stack `pr-12`\n");
        });

        it("destroy: keeps a committed settings file as it is", () => {
            assert.ok(existsSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml")));
            const r = bash(runScript("destroy-ephemeral.yml", "destroy", "destroy and remove the stack"), { STACK: "dev" });
            assert.equal(r.code, 0, r.err);
            assert.deepEqual(r.calls.filter((c) => /^(config|destroy|stack rm)/.test(c)), [
                "destroy --yes --non-interactive --stack dev", "stack rm --yes --non-interactive dev",
            ]);
        });

        it("destroy: leaves alone a stack that is no longer expired when its turn comes", () => {
            const r = bash(runScript("destroy-ephemeral.yml", "destroy", "destroy and remove the stack"), { STACK: "pr-13" });
            assert.equal(r.code, 0, r.err);
            assert.match(r.out, /^::notice title=destroy-ephemeral::stack pr-13 is no longer expired; left alone$/m);
            assert.deepEqual(r.calls.filter((c) => /^(config|destroy|stack rm)/.test(c)), []);
        });
    });
});
