// External etcd grown 3 -> 5 and shrunk back to 3 on real etcd members (prod-keepalived's), under
// writes every 100 ms, through the commands the program's updates run (lab/etcd-membership.ts):
// new members join as learners one at a time and are promoted, leaving members leave the
// membership before their machines go. Needs root and `npm run bins` (CI has both).

import { strict as assert } from "node:assert";
import { BRING_UP_PROGRAMS } from "../lab/bring-up";
import { etcdMembershipRehearsal, MembershipReport, renderMembershipReport } from "../lab/etcd-membership";
import { labUnavailable } from "../lab/lab";
import { skipUnless } from "./helpers/skip";

describe("external etcd membership 3 -> 5 -> 3 on real members, under writes (prod-keepalived)", function () {
    this.timeout(1_500_000);
    let r: MembershipReport;

    before(async function () {
        skipUnless(this, labUnavailable(BRING_UP_PROGRAMS));
        r = await etcdMembershipRehearsal("prod-keepalived", { timeLimitMs: 1_200_000, log: (s) => process.stderr.write(`      ${s}\n`) });
        console.log(renderMembershipReport(r).split("\n").map((l) => `      ${l}`).join("\n"));
    });

    it("grows to 5 voting members: each new one added as a learner, one at a time, and promoted", () => {
        assert.equal(r.error, undefined);
        assert.deepEqual(r.afterGrow, ["prod-ka-etcd-0 voter", "prod-ka-etcd-1 voter", "prod-ka-etcd-2 voter", "prod-ka-etcd-3 voter", "prod-ka-etcd-4 voter"]);
        const out = r.grow.runs.filter((x) => /etcd-[34]-etcd-start$/.test(x.name)).map((x) => x.output).join("\n");
        assert.equal((out.match(/added https:\/\/\S+ as a learner/g) ?? []).length, 2, out);
        assert.equal((out.match(/promoted to a voting member/g) ?? []).length, 2, out);
        assert.ok(r.grow.guard.some((g) => /join one at a time, each as a learner/.test(g)), r.grow.guard.join("; "));
        assert.deepEqual(r.grow.runs.filter((x) => x.code !== 0).map((x) => x.name), []);
    });

    it("shrinks back to 3: the leaving members leave the membership through their delete step, before their machines go", () => {
        assert.deepEqual(r.afterShrink, ["prod-ka-etcd-0 voter", "prod-ka-etcd-1 voter", "prod-ka-etcd-2 voter"]);
        const leaves = r.shrink.runs.filter((x) => x.name.endsWith("-etcd-leave"));
        assert.deepEqual(leaves.map((x) => [x.name, x.code]).sort(), [["prod-ka-etcd-3-etcd-leave", 0], ["prod-ka-etcd-4-etcd-leave", 0]]);
        assert.ok(leaves.every((x) => /removed \(through https:/.test(x.output)), leaves.map((x) => x.output).join("\n"));
        assert.ok(r.shrink.guard.some((g) => /leave the membership/.test(g)), r.shrink.guard.join("; "));
    });

    it("loses no acknowledged write and never a quorum; at most 1 % of writes fail", () => {
        assert.ok(r.writes.acknowledged > 300, `${r.writes.acknowledged} writes acknowledged (every 100 ms from 10 s before the growth to 10 s after the shrink)`);
        assert.equal(r.writes.lost, 0);
        assert.ok(r.writes.failed <= r.writes.total / 100, `${r.writes.failed} of ${r.writes.total} failed: ${r.writes.why}`);
        assert.ok(r.health.rounds > 30, `${r.health.rounds} health rounds`);
        assert.equal(r.health.minHealthy, 3, "the three members that stay answer healthy in every round");
        assert.equal(r.health.roundsWithoutQuorum, 0);
    });
});
