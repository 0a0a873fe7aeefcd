// What the load of a rolling change counts (lab/upgrade-load.ts): the failure budget an upgrade or a
// membership change may spend (at most 1 %, connection resets only), and the etcd health rounds.
// Pure: synthetic probe results and samples.

import { strict as assert } from "node:assert";
import { failureSummary, ProbeResult } from "../lab/probe";
import { healthyPerRound, loadOutcome, Sample, withinResetBudget } from "../lab/upgrade-load";

const result = (seq: number, ok: boolean, error?: string, status = 0): ProbeResult => ({ seq, start: seq, end: seq + 1, ok, status: ok ? 200 : status, ...(error ? { error } : {}), key: `k${seq}` });
const run = (total: number, failures: readonly ProbeResult[]): ProbeResult[] =>
    [...Array.from({ length: total - failures.length }, (_, i) => result(i, true)), ...failures];
const budget = (rs: readonly ProbeResult[]) => withinResetBudget({ total: rs.length, failed: rs.filter((r) => !r.ok).length, why: failureSummary(rs) });

describe("the load of a rolling change", () => {
    it("allows at most 1 % of requests to fail, each a connection reset", () => {
        assert.equal(budget(run(1000, [])), true);
        assert.equal(budget(run(1000, Array.from({ length: 10 }, (_, i) => result(2000 + i, false, "ECONNRESET")))), true, "10 of 1000: the edge");
        assert.equal(budget(run(1000, Array.from({ length: 11 }, (_, i) => result(2000 + i, false, "ECONNRESET")))), false, "11 of 1000: over");
        assert.equal(budget(run(1000, [result(2000, false, undefined, 500)])), false, "an error answered is never within it");
        assert.equal(budget(run(1000, [result(2000, false, "ECONNRESET"), result(2001, false, "ETIMEDOUT")])), false, "nor a timeout");
        assert.equal(budget([result(0, false, "ECONNRESET")]), false, "1 of 1 is 100 %");
    });

    it("counts etcd's healthy members per sampling round, and the rounds without a quorum", () => {
        const s = (round: number, target: string, healthy: boolean): Sample => ({ round, t: round * 1000, target, status: healthy ? 200 : 0, value: healthy ? "true" : undefined });
        const samples = [s(1, "a", true), s(1, "b", true), s(1, "c", true), s(2, "a", true), s(2, "b", false), s(2, "c", false), s(3, "a", true), s(3, "b", true), s(3, "c", false), s(3, "pdb-healthy", true)];
        assert.deepEqual(healthyPerRound(samples, ["a", "b", "c"]), [3, 1, 2]);
        const o = loadOutcome(run(10, []), run(10, []), samples, ["a", "b", "c"], 0, new Set(Array.from({ length: 10 }, (_, i) => `k${i}`)));
        assert.deepEqual(o.etcd, { members: 3, minHealthy: 1, roundsWithoutQuorum: 1, rounds: 3 }, "1 of 3 healthy has no quorum; 2 of 3 has");
        assert.equal(o.writes.lost, 0);
        const lost = loadOutcome(run(10, []), run(10, []), samples, ["a", "b", "c"], 0, new Set(["k1"]));
        assert.equal(lost.writes.lost, 9, "acknowledged writes the cluster does not hold are lost");
    });
});
