// The change guard's table, row by row: for every field the snapshot holds, what the provider does
// on a change (the audit of terraform-provider-tencentcloud v1.83.25, `audit-provider.md` §4) and
// the guard's verdict. Each row changes one field of one deployed machine and nothing else.
import { strict as assert } from "node:assert";
import { checkChange, GuardNode, GuardSnapshot, guardSnapshot } from "../../components/plan/change-guard";
import { CHANGE_RULES } from "../../components/plan/change-rules";
import { planCluster } from "../../components/plan/plan";
import { validateCluster } from "../../components/plan/validate";
import { keepalivedConfig, TODAY } from "../helpers/fixtures";

function snapshot(): GuardSnapshot {
    const { spec, warnings } = validateCluster(keepalivedConfig(), { today: TODAY });
    return guardSnapshot(spec, planCluster(spec, warnings), { image: "img-aaaaaaaa" });
}

/** A value of the field; null: the field absent (no placement group). */
type Value = string | null;

interface Row {
    readonly field: keyof GuardNode;
    readonly node: string;
    readonly before: Value;
    readonly after: Value;
    /** The effect on the machine, or a refusal's text. */
    readonly verdict: string | RegExp;
    /** Where the audit says it (provider file and line). */
    readonly audit: string;
}

const ROWS: readonly Row[] = [
    { field: "zone", node: "prod-general-0", before: "ap-guangzhou-4", after: "ap-guangzhou-3", verdict: "replaced", audit: "instance availability_zone FN, L52-58" },
    { field: "zone", node: "prod-etcd-0", before: "ap-guangzhou-4", after: "ap-guangzhou-3", verdict: "replaced", audit: "instance L52-58; cbs availability_zone FN, cbs L67" },
    { field: "privateIp", node: "prod-general-0", before: "10.10.1.99", after: "10.10.1.50", verdict: "restarted", audit: "ModifyInstancesVpcAttribute, L2445-2453; client.go L7270" },
    { field: "privateIp", node: "prod-etcd-0", before: "10.10.1.99", after: "10.10.1.21", verdict: "replaced", audit: "the same call; a member at a new address is a new etcd member" },
    { field: "subnetCidr", node: "prod-lb-0", before: "10.10.200.0/24", after: "10.10.1.0/24", verdict: "restarted", audit: "subnet cidr_block FN, subnet L47; then L2445-2453" },
    { field: "instanceType", node: "prod-master-0", before: "S5.SMALL2", after: "S5.LARGE16", verdict: "restarted", audit: "ResetInstancesType, L2421-2431; client.go L8742" },
    { field: "image", node: "prod-general-0", before: "img-bbbbbbbb", after: "img-aaaaaaaa", verdict: "reinstalled", audit: "ResetInstance, L2138-2232; client.go L8245-8252" },
    { field: "placementGroup", node: "prod-master-0", before: "prod-old-pg", after: "prod-master-pg-0", verdict: "moved", audit: "ModifyInstancesDisasterRecoverGroup without Force, L2536-2610; models L8150" },
    { field: "placementGroup", node: "prod-master-0", before: null, after: "prod-master-pg-0", verdict: "moved", audit: "joining a group: the same call" },
    { field: "placementGroup", node: "prod-master-0", before: "prod-master-pg-0", after: null, verdict: /leaving a placement group does nothing at Tencent.*Fix: keep the machine in its group/, audit: "Optional+Computed no-op; \"\" errors L2577; non-empty group delete fails, client.go L1396" },
    { field: "placement", node: "prod-master-0", before: "SW:1", after: "RACK:1", verdict: "moved", audit: "placement group type FN L35, affinity FN L49: a new group, every member moves" },
    { field: "dataDisk", node: "prod-etcd-0", before: "CLOUD_SSD:20", after: "CLOUD_SSD:100", verdict: "in place", audit: "ResizeDisk grows in place, cbs L472-490" },
    { field: "dataDisk", node: "prod-etcd-0", before: "CLOUD_PREMIUM:100", after: "CLOUD_SSD:100", verdict: "in place", audit: "ModifyDiskAttributes migration to CLOUD_SSD, cbs L398-432; models L3830" },
    { field: "dataDisk", node: "prod-etcd-0", before: "CLOUD_SSD:200", after: "CLOUD_SSD:100", verdict: /a CBS disk only grows \(ResizeDisk\): 200 GB cannot become 100 GB.*Fix: keep etcd.dataDisk.sizeGb at 200 or more/, audit: "shrink errors, cbs L475-478" },
    { field: "dataDisk", node: "prod-etcd-0", before: "CLOUD_SSD:100", after: "CLOUD_HSSD:100", verdict: /migrates in place only to CLOUD_PREMIUM or CLOUD_SSD, not CLOUD_HSSD/, audit: "migration targets, cbs models L3830" },
    { field: "systemDisk", node: "prod-lb-1", before: "CLOUD_PREMIUM:40", after: "CLOUD_PREMIUM:50", verdict: /resize or retype a running machine's system disk.*Fix: keep the system disk as deployed \(CLOUD_PREMIUM:40\)/, audit: "ResizeInstanceDisks ForceStop false, no ResizeOnline, L2355-2405; client.go L8966" },
];

describe("change guard table: each field the snapshot holds, as the provider updates it", () => {
    const now = snapshot();
    const withField = (row: Row, value: Value): GuardSnapshot => ({
        ...now, nodes: now.nodes.map((n) => {
            if (n.name !== row.node) {
                return n;
            }
            const copy: Record<string, unknown> = { ...n, [row.field]: value };
            if (value === null) {
                delete copy[row.field];
                delete copy.placement; // no group: no group level either
            }
            return copy as unknown as GuardNode;
        }),
    });

    for (const row of ROWS) {
        it(`${row.field} on ${row.node}: ${row.before ?? "none"} -> ${row.after ?? "none"} is ${typeof row.verdict === "string" ? row.verdict : "refused"} (${row.audit})`, () => {
            assert.ok(now.nodes.some((n) => n.name === row.node), `${row.node} is in the plan`);
            const r = checkChange(withField(row, row.before), withField(row, row.after));
            if (typeof row.verdict === "string") {
                assert.deepEqual(r.refusals, []);
                assert.deepEqual(r.changes.map((c) => [c.node.name, c.effect, c.fields]), [[row.node, row.verdict, [row.field]]]);
            } else {
                assert.deepEqual(r.changes, []);
                assert.equal(r.refusals.length, 1, "one refusal");
                assert.equal(r.refusals[0].path, `${row.node}.${row.field}`, "names the machine and the field");
                assert.match(`${r.refusals[0].problem}. Fix: ${r.refusals[0].fix}`, row.verdict);
                assert.match(r.refusals[0].problem, new RegExp(`^${row.node}: `));
            }
        });
    }

    it("every field the snapshot holds has a rule and a row (name, role and membership are identity)", () => {
        const fields = new Set(now.nodes.flatMap((n) => Object.keys(n)));
        const identity = ["name", "role", "etcdMember"];
        assert.deepEqual([...fields].filter((f) => !identity.includes(f)).sort(), CHANGE_RULES.map((r) => r.field).sort());
        assert.deepEqual([...new Set(ROWS.map((r) => r.field))].sort(), CHANGE_RULES.map((r) => r.field).sort());
    });

    it("a snapshot from before image, placement and system disk were recorded compares only what it holds", () => {
        const old = { ...now, nodes: now.nodes.map(({ image: _i, placement: _p, systemDisk: _s, ...n }) => n) };
        assert.deepEqual(checkChange(old, now), { changes: [], refusals: [], warnings: [] });
    });
});
