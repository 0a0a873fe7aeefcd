import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { planStackFile } from "../components/plan/stack-file";
import { TODAY } from "./helpers/fixtures";

const STACKS = path.join(__dirname, "..", "stacks");
const files = readdirSync(STACKS).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).sort();

function planOf(stack: string) {
    const file = path.join(STACKS, `Pulumi.${stack}.yaml`);
    return planStackFile(parse(readFileSync(file, "utf8"), { version: "1.1" }), file, { today: TODAY });
}

describe("stacks/", () => {
    it("ships the documented scenarios", () => {
        for (const s of ["dev", "prod", "prod-keepalived", "prod-lvs"]) {
            assert.ok(files.includes(`Pulumi.${s}.yaml`), `stacks/Pulumi.${s}.yaml is missing`);
        }
    });

    for (const file of files) {
        const stack = file.slice("Pulumi.".length, -".yaml".length);
        it(`${file} is a commented example that validates and plans`, () => {
            const text = readFileSync(path.join(STACKS, file), "utf8");
            assert.match(text, /^# /, "starts with a comment that explains the scenario");
            const { spec, plan } = planOf(stack);
            assert.ok(plan.nodes.length > 0);
            if (spec.profile === "production") {
                const [host, rack] = plan.faultTolerance;
                assert.ok(host.apiServed && rack.apiServed, "production stacks survive a host and a rack/switch loss");
            }
        });
    }

    it("dev is one small zone", () => {
        const { spec, plan } = planOf("dev");
        assert.equal(spec.profile, "dev");
        assert.equal(spec.zones.length, 1);
        assert.ok(plan.nodes.length <= 5);
    });

    it("prod is three zones, five external etcd members, three masters and a CLB, and survives a zone loss", () => {
        const { spec, plan } = planOf("prod");
        assert.equal(spec.zones.length, 3);
        assert.equal(spec.etcd.topology, "external");
        assert.equal(plan.nodes.filter((n) => n.role === "etcd").length, 5);
        assert.equal(plan.nodes.filter((n) => n.role === "master").length, 3);
        assert.equal(plan.endpoint.kind, "clb");
        assert.deepEqual(plan.faultTolerance.map((r) => [r.domain, r.etcd.lost, r.masters.left, r.apiServed]),
            [["host", 1, 2, true], ["rack", 2, 2, true], ["zone", 2, 2, true]]);
    });

    it("prod-keepalived is one zone with a keepalived+HAProxy pair on a HAVIP and three external etcd members", () => {
        const { spec, plan } = planOf("prod-keepalived");
        assert.equal(spec.zones.length, 1);
        assert.equal(plan.endpoint.kind, "keepalived-haproxy");
        assert.equal(plan.nodes.filter((n) => n.role === "etcd").length, 3);
        assert.equal(plan.nodes.filter((n) => n.role === "lb").length, 2);
        assert.ok(plan.endpoint.vip);
    });

    it("prod-lvs is the CLB -> LVS -> HAProxy -> masters tier", () => {
        const { plan } = planOf("prod-lvs");
        assert.equal(plan.endpoint.kind, "lvs-haproxy");
        assert.ok(plan.endpoint.publicAccess, "a public CLB fronts the HAProxy tier");
        assert.equal(plan.nodes.filter((n) => n.role === "lvs").length, 2);
        assert.equal(plan.nodes.filter((n) => n.role === "haproxy").length, 2);
    });
});

describe("Pulumi.yaml", () => {
    const project = parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    const sdk = JSON.parse(readFileSync(path.join(__dirname, "..", "sdks", "tencentcloud", "package.json"), "utf8"));

    it("reads stack settings from stacks/ with the nodejs runtime", () => {
        assert.equal(project.stackConfigDir, "stacks");
        assert.equal(project.runtime.name ?? project.runtime, "nodejs");
        assert.equal(project.name, "kubeadm-ha");
    });

    it("pins the terraform-provider package exactly as the local SDK is parameterized", () => {
        assert.deepEqual(project.packages.tencentcloud, {
            source: "terraform-provider",
            version: sdk.pulumi.version,
            parameters: ["tencentcloudstack/tencentcloud", sdk.pulumi.parameterization.version],
        });
    });
});
