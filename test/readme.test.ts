import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { TODAY } from "./helpers/fixtures";
import { DEFAULT_KUBERNETES_VERSION, kubeadmImages, parseKubernetesVersion } from "../components/plan/versions";

const ROOT = path.join(__dirname, "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
    it("opens with exactly the two set-up commands: run the plan offline, run the tests", () => {
        const firstBlock = /```bash\n([\s\S]*?)```/.exec(README)![1].trim().split("\n").map((l) => l.replace(/\s+#.*$/, ""));
        assert.deepEqual(firstBlock, ["npm ci && npm run plan -- --stack prod", "npm test"]);
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m, ".ci/run runs the README's test command");
    });

    it("names the etcd image kubeadm deploys for the default version and the minors before it", () => {
        const minor = parseKubernetesVersion(DEFAULT_KUBERNETES_VERSION)!.minor;
        const expected = `(\`etcd:${kubeadmImages(minor).etcd}\` for 1.${minor}, \`${kubeadmImages(minor - 1).etcd}\` for 1.${minor - 1}, \`${kubeadmImages(minor - 2).etcd}\` for 1.${minor - 2};`;
        assert.ok(README.replace(/\s*\n\s*/g, " ").includes(expected), `README should say ${expected}`);
    });

    it("speaks of itself only: no reference to source articles that are not in the repository", () => {
        const files = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter((f) => /\.(md|ts|ya?ml|sh)$/.test(f));
        const hits = files.flatMap((f) => readFileSync(path.join(ROOT, f), "utf8").split("\n").map((line, i) => ({ f, i, line })))
            .filter(({ line }) => /\bseeds? (article )?\d{3}\b|\bthe article's\b/i.test(line)).map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`);
        assert.ok(files.length > 100, `${files.length} files`);
        assert.deepEqual(hits, []);
    });

    it("shows the fault-tolerance table that npm run plan prints for prod", () => {
        const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "components/cli/plan.ts", "--stack", "prod", "--today", TODAY], { cwd: ROOT, encoding: "utf8" });
        const table = r.stdout.slice(r.stdout.indexOf("Fault tolerance")).split("\n").slice(0, 5).join("\n");
        assert.ok(README.includes(table), `README is out of date; npm run plan prints:\n${table}`);
    });
});
