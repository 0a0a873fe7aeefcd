import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { missingPrograms, skipUnless } from "../helpers/skip";

const ROOT = path.join(__dirname, "..", "..");
const DIR = path.join(ROOT, "templates", "github", "workflows");

interface Step { name?: string; id?: string; uses?: string; run?: string; shell?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { "runs-on": string; permissions?: Record<string, string>; needs?: string | string[]; if?: string; env?: unknown; steps: Step[]; strategy?: any; outputs?: unknown }
interface Workflow { file: string; text: string; doc: { on: any; permissions: unknown; concurrency: any; defaults?: any; jobs: Record<string, Job> } }

const WORKFLOWS: Workflow[] = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort().map((file) => {
    const text = readFileSync(path.join(DIR, file), "utf8");
    return { file, text, doc: parse(text, { uniqueKeys: true, strict: true }) };
});
const byFile = (file: string) => WORKFLOWS.find((w) => w.file === file) as Workflow;
const allSteps = (w: Workflow) => Object.entries(w.doc.jobs).flatMap(([job, j]) => j.steps.map((step, i) => ({ job, step, where: `${w.file} jobs.${job}.steps[${i}]${step.name ? ` (${step.name})` : ""}` })));
const stepIndex = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);

/** A release tag (vX.Y.Z) or a full commit SHA; never a branch or a moving major tag. */
const PINNED = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;
const ALLOWED_PERMISSIONS: Record<string, string> = { "contents": "read", "pull-requests": "write" };

describe("workflow templates: every file", () => {
    it("ships preview.yml and destroy-ephemeral.yml", () => {
        assert.deepEqual(WORKFLOWS.map((w) => w.file), ["destroy-ephemeral.yml", "preview.yml"]);
    });

    for (const w of WORKFLOWS) {
        describe(w.file, () => {
            it("parses, and every job has runs-on and steps that each either use an action or run a script", () => {
                assert.ok(w.doc.on && typeof w.doc.on === "object", "has an `on:` map");
                assert.ok(Object.keys(w.doc.jobs).length > 0);
                for (const [id, job] of Object.entries(w.doc.jobs)) {
                    assert.equal(typeof job["runs-on"], "string", `jobs.${id}.runs-on`);
                    assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `jobs.${id}.steps`);
                    assert.ok(Number.isInteger((job as any)["timeout-minutes"]), `jobs.${id} has a timeout`);
                }
                for (const { step, where } of allSteps(w)) {
                    assert.equal(Number(step.uses !== undefined) + Number(step.run !== undefined), 1, `${where}: exactly one of uses/run`);
                }
                assert.ok(!("pull_request_target" in w.doc.on), "pull_request_target would hand secrets to untrusted code");
            });

            it("grants the least permissions: contents read, and pull-requests write only to a job that comments", () => {
                assert.deepEqual(w.doc.permissions, { contents: "read" });
                for (const [id, job] of Object.entries(w.doc.jobs)) {
                    assert.ok(job.permissions !== undefined, `jobs.${id} declares its permissions`);
                    for (const [scope, level] of Object.entries(job.permissions ?? {})) {
                        assert.equal(level, ALLOWED_PERMISSIONS[scope], `jobs.${id}.permissions.${scope}: ${level}`);
                    }
                    const comments = job.steps.some((s) => s.with?.["comment-on-pr"] === true);
                    assert.equal(job.permissions?.["pull-requests"] === "write", comments, `jobs.${id}: pull-requests: write if and only if it comments`);
                }
            });

            it("pins every action to a release tag with its commit SHA noted, or to a SHA", () => {
                const shaOf = new Map<string, string>();
                for (const { step, where } of allSteps(w).filter((s) => s.step.uses !== undefined)) {
                    assert.match(step.uses as string, PINNED, where);
                }
                for (const line of w.text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l))) {
                    const m = /uses:\s*(\S+@v[\d.]+)\s+# pin by SHA: ([0-9a-f]{40})\s*$/.exec(line);
                    assert.ok(m || /@[0-9a-f]{40}\b/.test(line), `tag pin without its SHA in a comment: ${line.trim()}`);
                    if (m) {
                        assert.equal(shaOf.get(m[1]) ?? m[2], m[2], `${m[1]} is noted with two SHAs`);
                        shaOf.set(m[1], m[2]);
                    }
                }
            });

            it("runs scripts with bash -eo pipefail and passes no ${{ }} expression into a script", () => {
                assert.equal(w.doc.defaults?.run?.shell, "bash");
                for (const { step, where } of allSteps(w).filter((s) => s.step.run !== undefined)) {
                    assert.equal(step.shell, undefined, `${where} overrides the shell`);
                    assert.doesNotMatch(step.run as string, /\$\{\{/, `${where}: pass values through env:, not into the script text`);
                }
            });

            it("gives secrets to steps only, never to a whole job or to npm ci", () => {
                for (const [id, job] of Object.entries(w.doc.jobs)) {
                    assert.doesNotMatch(JSON.stringify(job.env ?? {}), /secrets\./, `jobs.${id}.env`);
                }
                for (const { step, where } of allSteps(w).filter((s) => /^npm ci\b/.test(s.step.run ?? ""))) {
                    assert.equal(step.env, undefined, `${where}: install scripts run without secrets`);
                }
            });

            it("every run: block passes shellcheck", function () {
                skipUnless(this, missingPrograms("shellcheck"));
                for (const { step, where } of allSteps(w).filter((s) => s.step.run !== undefined)) {
                    // GitHub runs `bash --noprofile --norc -eo pipefail {0}`.
                    const r = spawnSync("shellcheck", ["--shell=bash", "--format=gcc", "-"], { input: `set -eo pipefail\n${step.run}`, encoding: "utf8" });
                    assert.equal(r.status, 0, `${where}:\n${r.stdout}${r.stderr}`);
                }
            });
        });
    }
});

describe("preview.yml", () => {
    const w = byFile("preview.yml");
    const { preview, credentials } = w.doc.jobs;
    const offline = w.doc.jobs["offline-plan"];

    it("runs on pull requests, one concurrency group per pull request", () => {
        assert.ok("pull_request" in w.doc.on);
        assert.match(w.doc.concurrency.group, /\$\{\{ github\.event\.pull_request\.number \}\}/);
        assert.equal(w.doc.concurrency["cancel-in-progress"], true);
    });

    it("previews every environment stack with pulumi/actions, --diff, and a comment on the pull request", () => {
        const stacks: string[] = preview.strategy.matrix.stack;
        assert.deepEqual(stacks, ["dev", "prod"]);
        assert.deepEqual(offline.strategy.matrix.stack, stacks, "the offline plan covers the same stacks");
        for (const s of stacks) {
            assert.ok(existsSync(path.join(ROOT, "stacks", `Pulumi.${s}.yaml`)), `stacks/Pulumi.${s}.yaml`);
        }
        const step = preview.steps.find((s) => s.with?.command === "preview") as Step;
        assert.match(step.uses as string, /^pulumi\/actions@/);
        assert.deepEqual(step.with, {
            "command": "preview", "stack-name": "${{ matrix.stack }}", "diff": true, "comment-on-pr": true,
            "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
        });
        for (const name of ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
            assert.match(step.env?.[name] ?? "", /^\$\{\{ secrets\.[A-Z_]+ \}\}$/, name);
        }
    });

    it("follows the README's real-cloud steps: npm ci, pulumi login, pulumi install (which generates the SDK), then preview", () => {
        const order = [
            stepIndex(preview, (s) => s.run === "npm ci"),
            stepIndex(preview, (s) => /^pulumi\/actions@/.test(s.uses ?? "") && s.with === undefined),
            stepIndex(preview, (s) => /\bpulumi login\b/.test(s.run ?? "")),
            stepIndex(preview, (s) => s.run === "pulumi install"),
            stepIndex(preview, (s) => s.with?.command === "preview"),
        ];
        assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `step order ${order}`);
        assert.match(readFileSync(path.join(ROOT, "README.md"), "utf8"), /pulumi login[\s\S]*pulumi install[\s\S]*pulumi package add terraform-provider tencentcloudstack\/tencentcloud/);
        const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.equal(project.packages?.tencentcloud?.source, "terraform-provider", "pulumi install generates @pulumi/tencentcloud from this stanza");
        assert.equal(project.packages.tencentcloud.parameters[0], "tencentcloudstack/tencentcloud");
    });

    it("keeps the deploy credentials away from pull requests: every job that reads a secret runs in an environment, preview jobs in `preview`, destroy in `ephemeral-destroy`", () => {
        const environments: Record<string, string[]> = {};
        for (const w of WORKFLOWS) {
            for (const [id, job] of Object.entries(w.doc.jobs) as [string, any][]) {
                const readsSecrets = /secrets\./.test(JSON.stringify(job));
                if (readsSecrets) {
                    assert.equal(typeof job.environment, "string", `${w.file} jobs.${id} reads secrets outside an environment`);
                    (environments[job.environment] ??= []).push(`${w.file}:${id}`);
                }
            }
        }
        assert.deepEqual(environments, { "ephemeral-destroy": ["destroy-ephemeral.yml:select", "destroy-ephemeral.yml:destroy"], preview: ["preview.yml:credentials", "preview.yml:preview"] });
    });

    it("previews only when the credentials job found the secrets; the offline plan needs none", () => {
        assert.equal(preview.needs, "credentials");
        assert.equal(preview.if, "needs.credentials.outputs.available == 'true'");
        assert.deepEqual(credentials.permissions, {});
        assert.equal(offline.needs, undefined);
        assert.equal(offline.if, undefined);
        assert.doesNotMatch(JSON.stringify(offline), /secrets\./);
        const plan = offline.steps.find((s) => /npm run --silent plan -- --stack "\$STACK"/.test(s.run ?? "")) as Step;
        assert.equal(plan.env?.STACK, "${{ matrix.stack }}");
        assert.match(plan.run as string, /GITHUB_STEP_SUMMARY/);
    });
});

describe("destroy-ephemeral.yml", () => {
    const w = byFile("destroy-ephemeral.yml");
    const { select, destroy } = w.doc.jobs;

    it("runs hourly and on demand with a dry-run switch, one run at a time, never cancelled", () => {
        assert.match(w.doc.on.schedule[0].cron, /^\S+ \S+ \S+ \S+ \S+$/);
        assert.deepEqual(w.doc.on.workflow_dispatch.inputs.dry_run, { description: "Only list the expired stacks; destroy nothing", type: "boolean", default: false });
        assert.equal(w.doc.concurrency["cancel-in-progress"], false);
    });

    it("selects with the tested script, which exists and takes the flags the workflow passes", () => {
        const scripts = allSteps(w).map((s) => s.step.run ?? "").filter((r) => r.includes("npx tsx"));
        assert.ok(scripts.length >= 2, "select, and the re-check before destroying");
        const help = spawnSync(process.execPath, ["--require", "tsx/cjs", "components/ci/expired-stacks.ts", "--help"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(help.status, 0, help.stderr);
        for (const script of scripts) {
            for (const [, file, args] of script.matchAll(/npx tsx (\S+\.ts)([^)\n]*)/g)) {
                assert.equal(file, "components/ci/expired-stacks.ts");
                assert.ok(existsSync(path.join(ROOT, file)), file);
                for (const [flag] of args.matchAll(/--[a-z-]+/g)) {
                    assert.ok(help.stdout.includes(`${flag} `), `${flag} is an option of ${file}`);
                }
            }
        }
        assert.equal(select.outputs && (select.outputs as any).stacks, "${{ steps.select.outputs.stacks }}");
    });

    it("destroys, then removes, each selected stack, unless it is a dry run or nothing expired", () => {
        assert.equal(destroy.if, "needs.select.outputs.stacks != '' && needs.select.outputs.stacks != '[]' && !inputs.dry_run");
        assert.equal(destroy.strategy.matrix.stack, "${{ fromJSON(needs.select.outputs.stacks) }}");
        const script = destroy.steps.map((s) => s.run ?? "").join("\n");
        const at = (re: RegExp) => script.search(re);
        assert.ok(at(/npx tsx components\/ci\/expired-stacks\.ts/) < at(/pulumi destroy --yes/), "re-checks before destroying");
        assert.ok(at(/pulumi destroy --yes --non-interactive --stack "\$STACK"/) > 0);
        assert.ok(at(/pulumi stack rm --yes --non-interactive "\$STACK"/) > at(/pulumi destroy --yes/));
    });
});

describe("workflow templates against GitHub's own workflow parser (@actions/workflow-parser)", () => {
    const PARSER = "@actions/workflow-parser";
    // Runs in a child process: the parser is an ES module that imports JSON, which Node 20 loads
    // only through a loader (tsx's). Prints, per file, the errors of parsing and of converting
    // the template (expressions, contexts allowed in each key, the `needs` graph).
    const CHECK = `import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from "${PARSER}";
        const inputs = JSON.parse(process.argv[1]);
        const out = {};
        for (const [name, content] of Object.entries(inputs)) {
            const r = parseWorkflow({ name, content }, new NoOperationTraceWriter());
            await convertWorkflowTemplate(r.context, r.value);
            out[name] = r.context.errors.getErrors().map((e) => e.message);
        }
        console.log(JSON.stringify(out));`;

    it("accepts both workflows, and rejects a broken copy (so the check is live)", () => {
        // A pinned devDependency: missing means `npm ci` was not run (its package.json "exports"
        // allow only `import`, so look for the files).
        assert.ok(existsSync(path.join(ROOT, "node_modules", PARSER, "package.json")), `${PARSER} is not installed: run npm ci`);
        const inputs: Record<string, string> = Object.fromEntries(WORKFLOWS.map((w) => [w.file, w.text]));
        const preview = byFile("preview.yml").text;
        inputs["broken.yml"] = preview
            .replace("if: needs.credentials.outputs.available == 'true'", "if: secrets.PULUMI_ACCESS_TOKEN != ''")
            .replace("needs: credentials", "needs: credential");
        const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHECK, JSON.stringify(inputs)], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const errors = JSON.parse(r.stdout);
        for (const w of WORKFLOWS) {
            assert.deepEqual(errors[w.file], [], w.file);
        }
        assert.ok(errors["broken.yml"].some((e: string) => /Unrecognized named-value: 'secrets'/.test(e)), errors["broken.yml"].join("\n"));
        assert.ok(errors["broken.yml"].some((e: string) => /depends on unknown job 'credential'/.test(e)), errors["broken.yml"].join("\n"));
    });
});
