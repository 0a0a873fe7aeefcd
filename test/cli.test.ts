import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { prodConfig, TODAY } from "./helpers/fixtures";

const ROOT = path.join(__dirname, "..");

function plan(...args: string[]) {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "components/cli/plan.ts", "--today", TODAY, ...args], { cwd: ROOT, encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("npm run plan", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-plan-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("prints the node table, placement groups and fault-tolerance table of a stack", () => {
        const r = plan("--stack", "prod", "--no-preview");
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^Nodes \(18\)$/m);
        assert.match(r.out, /prod-etcd-0\s+etcd\s+ap-guangzhou-3\s+prod-etcd-pg-0\s+10\.10\.1\.21/);
        assert.match(r.out, /^Placement groups \(2\)$/m);
        assert.match(r.out, /one physical host\s+ap-guangzhou-3\s+1\/5\s+3 \(kept\)\s+2\/3\s+CLB \(managed\)\s+yes/);
    });

    it("--against a deployed plan: refuses 2 of 3 etcd members at once (exit 1), accepts 1, lists every change", () => {
        const deployed = JSON.parse(plan("--stack", "prod-keepalived", "--json", "--no-preview").out);
        const write = (name: string, members: string[]) => {
            const s = deployed.changeGuardSnapshot;
            const file = path.join(dir, name);
            writeFileSync(file, JSON.stringify({ ...deployed, changeGuardSnapshot: { ...s, nodes: s.nodes.map((n: any) => (members.includes(n.name) ? { ...n, zone: "ap-shanghai-2" } : n)) } }));
            return file;
        };
        const two = plan("--stack", "prod-keepalived", "--no-preview", "--against", write("two.json", ["prod-ka-etcd-0", "prod-ka-etcd-1"]));
        assert.equal(two.code, 1, two.err);
        assert.equal(two.out, "", "no plan is printed for a refused change");
        assert.match(two.err, /change guard refused it.*takes down 2 of 3 etcd members at once \(prod-ka-etcd-0 replaced: zone ap-shanghai-2 -> ap-shanghai-4/s);
        const one = plan("--stack", "prod-keepalived", "--no-preview", "--against", write("one.json", ["prod-ka-etcd-2"]));
        assert.equal(one.code, 0, one.err);
        assert.match(one.err, /change guard against the deployed plan: 1 existing machine\(s\) changed, 0 added, 0 held back\n {2}prod-ka-etcd-2: replaced \(zone ap-shanghai-2 -> ap-shanghai-4\)/);
        const allowed = plan("--stack", "prod-keepalived", "--no-preview", "--allow-disruption", "--against", path.join(dir, "two.json"));
        assert.equal(allowed.code, 0, allowed.err);
        assert.match(allowed.err, /warning: etcd: got "prod-ka-etcd-0, prod-ka-etcd-1"/);
        const bad = plan("--stack", "prod-keepalived", "--no-preview", "--against", path.join(dir, "missing.json"));
        assert.deepEqual([bad.code, bad.err.trim()], [2, `cannot read --against ${path.join(dir, "missing.json")}: ENOENT`]);
    });

    it("--against prints each machine's effect as the provider applies it: reinstalled, held back, moved, in place", () => {
        const deployed = JSON.parse(plan("--stack", "prod-keepalived", "--json", "--no-preview").out).changeGuardSnapshot;
        const before = {
            ...deployed, image: "img-old00001",
            nodes: deployed.nodes.map((n: any) => ({
                ...n, image: "img-old00001",
                ...(n.role === "master" ? { placement: "SW:1" } : {}),
                ...(n.role === "etcd" ? { dataDisk: "CLOUD_SSD:50" } : {}),
            })),
        };
        const against = path.join(dir, "images.json");
        writeFileSync(against, JSON.stringify(before));
        const doc = parseYaml(readFileSync(path.join(ROOT, "stacks/Pulumi.prod-keepalived.yaml"), "utf8"));
        const config = path.join(dir, "Pulumi.pinned.yaml");
        writeFileSync(config, stringify({ config: { ...doc.config, "kubeadm-ha:imageId": "img-new00001" } }));
        const r = plan("--config", config, "--no-preview", "--roll-out", "prod-ka-lb-0", "--against", against);
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, /^ {2}prod-ka-lb-0: reinstalled \(image img-old00001 -> img-new00001\)$/m);
        assert.match(r.err, /^ {2}prod-ka-master-0: moved \(placement SW:1 -> RACK:1\)$/m);
        assert.match(r.err, /^ {2}prod-ka-etcd-0: in place \(dataDisk CLOUD_SSD:50 -> CLOUD_SSD:100\)$/m);
        assert.match(r.err, /^ {2}held: prod-ka-lb-1 keeps image img-old00001 \(planned img-new00001\): not in rollOut$/m);
        assert.match(r.err, /^ {2}held: prod-ka-master-0 keeps image img-old00001 .*: etcd members and masters are never reinstalled/m);
        assert.match(r.err, /warning: prod-ka-etcd-0: .*grow its file system/);
        const all = plan("--config", config, "--no-preview", "--against", against);
        assert.equal(all.code, 1, "without --roll-out every LB machine would be reinstalled at once");
        assert.match(all.err, /lb: got "prod-ka-lb-0, prod-ka-lb-1"; this update takes down every lb machine/);
    });

    it("prints the same plan as JSON with --json, with the preview's counts per type", () => {
        const r = plan("--stack", "prod", "--json");
        assert.equal(r.code, 0, r.err);
        const json = JSON.parse(r.out);
        assert.equal(json.nodes.length, 18);
        assert.equal(json.placementGroups.length, 2);
        assert.deepEqual(json.faultTolerance.map((d: any) => d.domain), ["host", "rack", "zone"]);
        assert.equal(json.preview.counts["tencentcloud:index/instance:Instance"], 18);
        assert.equal(json.preview.counts["tencentcloud:index/placementGroup:PlacementGroup"], 2);
        const etcd0 = json.preview.resources.find((x: any) => x.name === "prod-etcd-0");
        assert.equal(etcd0.inputs.privateIp, "10.10.1.21", "the inputs the text tree shows");
        const secrets = json.preview.resources.find((x: any) => x.name === "prod-master-0-secrets");
        assert.equal(secrets.inputs.stdin, "[secret]");
        assert.ok(!r.out.includes("BEGIN FAKE PRIVATE KEY"), "no key in the JSON");
    });

    it("prints the resource tree index.ts would register, run under mocks, with secrets hidden", () => {
        const r = plan("--stack", "prod-keepalived");
        assert.equal(r.code, 0, r.err);
        const tree = r.out.slice(r.out.indexOf("Resource tree"));
        assert.match(tree, /^Resource tree \(what `pulumi up` would register, run under mocks: nothing is created; \d+ resources\)$/m);
        assert.match(tree, /^kubeadm-ha:index:KubeadmCluster prod-ka$/m);
        assert.match(tree, /^ {4}tencentcloud:index\/instance:Instance prod-ka-etcd-0 .*privateIp=172\.16\.10\.21/m);
        assert.match(tree, /command:remote:Command prod-ka-master-0-secrets .*stdin=\[secret\]/);
        assert.match(tree, /^ +13 +tencentcloud:index\/instance:Instance$/m);
        assert.doesNotMatch(tree, /BEGIN FAKE (PRIVATE|OPENSSH) KEY/, "no key material is printed");
    });

    it("plans any stack file given with --config", () => {
        const file = path.join(dir, "ok.yaml");
        writeFileSync(file, stringify({ config: { "kubeadm-ha:cluster": prodConfig() } }));
        const r = plan("--config", file, "--no-preview");
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /Cluster prod \(production\)/);
    });

    it("exits 1 and lists every problem, by field, on bad input", () => {
        const c = prodConfig();
        c.etcd.members = 4;
        c.zones[0].zone = "ap-shanghai-2";
        const file = path.join(dir, "bad.yaml");
        writeFileSync(file, stringify({ config: { "tencentcloud:region": "ap-beijing", "kubeadm-ha:cluster": c } }));
        const r = plan("--config", file, "--no-preview");
        assert.equal(r.code, 1);
        assert.equal(r.out, "");
        assert.match(r.err, /\(3 problems\)/);
        assert.match(r.err, /tencentcloud:region: got "ap-beijing"/);
        assert.match(r.err, /etcd\.members: got 4/);
        assert.match(r.err, /zones\[0\]\.zone: got "ap-shanghai-2"/);
    });

    it("writes every node's rendered files with --out", () => {
        const out = path.join(dir, "rendered");
        const r = plan("--stack", "prod-keepalived", "--out", out, "--no-preview");
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, /wrote the rendered files of 13 nodes to .* \(largest user-data: prod-ka-[a-z]+-\d+, \d+ bytes base64 of 16384\)/);
        assert.equal(readdirSync(out).filter((f) => !f.startsWith(".")).length, 13);
        assert.match(readFileSync(path.join(out, "prod-ka-lb-0", "user-data.yaml"), "utf8"), /^#cloud-config\n/);
        assert.ok(existsSync(path.join(out, "prod-ka-lb-0", "files", "etc", "haproxy", "haproxy.cfg")));
        const join = path.join(out, "prod-ka-master-1", "files", "etc", "kubernetes", "kubeadm", "join.yaml");
        assert.match(readFileSync(join, "utf8"), /^# Offline rendering: .* placeholders/);
        assert.equal(statSync(join).mode & 0o777, 0o600, "secret files are written 0600");
    });

    it("--out empties a directory an earlier --out wrote, and refuses any other non-empty one before printing", () => {
        const out = path.join(dir, "again");
        assert.equal(plan("--stack", "dev", "--out", out, "--no-preview").code, 0);
        writeFileSync(path.join(out, "dev-general-9"), "a node removed since");
        assert.equal(plan("--stack", "dev", "--out", out, "--no-preview").code, 0);
        assert.ok(!existsSync(path.join(out, "dev-general-9")), "stale files are gone");
        assert.ok(existsSync(path.join(out, "dev-master-0", "user-data.yaml")));
        const theirs = mkdtempSync(path.join(dir, "theirs-"));
        writeFileSync(path.join(theirs, "notes.txt"), "keep me");
        const r = plan("--stack", "dev", "--out", theirs, "--no-preview");
        assert.equal(r.code, 2);
        assert.equal(r.out, "");
        assert.match(r.err, /--out .* is not empty and was not written by --out; nothing was written\n {2}fix: give a new or empty directory/);
        assert.equal(readFileSync(path.join(theirs, "notes.txt"), "utf8"), "keep me");
    });

    it("exits 1 when the stack file has no cluster configuration", () => {
        const file = path.join(dir, "empty.yaml");
        writeFileSync(file, "config:\n  tencentcloud:region: ap-guangzhou\n");
        const r = plan("--config", file, "--no-preview");
        assert.equal(r.code, 1);
        assert.match(r.err, /kubeadm-ha:cluster: is missing/);
    });

    it("--json with the preview exports the snapshot the program would (with its image), so it works as --against; a refusal from the program prints no stack trace", () => {
        const withPreview = JSON.parse(plan("--stack", "dev", "--json").out);
        assert.equal(withPreview.changeGuardSnapshot.image, "img-mock0001");
        const file = path.join(dir, "deployed-dev.json");
        writeFileSync(file, JSON.stringify(withPreview));
        assert.equal(plan("--stack", "dev", "--against", file).code, 0);
        const bare = JSON.parse(plan("--stack", "dev", "--json", "--no-preview").out);
        writeFileSync(file, JSON.stringify(bare));
        const r = plan("--stack", "dev", "--against", file);
        assert.equal(r.code, 1);
        assert.match(r.err, /image\.imageId: the deployed snapshot does not record the machines' image/);
        assert.doesNotMatch(r.err, /^\s+at /m);
    });

    it("--against a deployed plan of the minor before: accepts the upgrade and prints the order it takes", () => {
        const older = path.join(dir, "Pulumi.prod-keepalived-1.36.yaml");
        writeFileSync(older, readFileSync(path.join(ROOT, "stacks", "Pulumi.prod-keepalived.yaml"), "utf8").replace(/kubernetesVersion: "[^"]+"/, `kubernetesVersion: "1.36.3"`));
        const deployed = path.join(dir, "deployed-1.36.json");
        writeFileSync(deployed, plan("--config", older, "--json", "--no-preview").out);
        assert.equal(JSON.parse(readFileSync(deployed, "utf8")).changeGuardSnapshot.kubernetesVersion, "1.36.3");
        const shown = plan("--stack", "prod-keepalived", "--no-preview", "--against", deployed);
        assert.equal(shown.code, 0, shown.err);
        assert.match(shown.err, /^ {2}Kubernetes 1\.36\.3 -> 1\.37\.2, in this order:\n {4}1\. prod-ka-etcd-0: etcd 3\.6\.8-0 -> 3\.7\.0-0/m);
        assert.match(shown.err, /^ {4}4\. prod-ka-master-0: drain, kubeadm upgrade apply v1\.37\.2/m);
        const skipped = path.join(dir, "deployed-1.35.json");
        writeFileSync(skipped, readFileSync(deployed, "utf8").replace(/("kubernetesVersion": *)"1\.36\.3"/g, `$1"1.35.4"`));
        const refused = plan("--stack", "prod-keepalived", "--no-preview", "--against", skipped);
        assert.equal(refused.code, 1);
        assert.match(refused.err, /kubernetesVersion: got "1\.35\.4 -> 1\.37\.2"; skips 1 minor release/);
    });

    it("names a misspelt kubeadm-ha:cluster key and the rename that fixes it", () => {
        const file = path.join(dir, "typo.yaml");
        writeFileSync(file, readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8").replace("kubeadm-ha:cluster:", "kubeadm-ha:clustr:"));
        const r = plan("--config", file, "--no-preview");
        assert.equal(r.code, 1);
        assert.match(r.err, /kubeadm-ha:cluster: is missing from .* \(it has 'kubeadm-ha:clustr'\)\. Fix: rename 'kubeadm-ha:clustr' to 'kubeadm-ha:cluster'/);
    });

    it("exits 2 with usage on a missing stack or bad arguments", () => {
        assert.equal(plan("--stack", "no-such-stack").code, 2);
        const r = plan();
        assert.equal(r.code, 2);
        assert.match(r.err, /usage: npm run plan/);
        assert.equal(plan("--stak", "prod").code, 2);
    });
});
