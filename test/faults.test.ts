// The rehearsal's readers of HAProxy's own log (what a failed check prints, and what check 4
// tolerates), on log text in the format the lab's HAProxy writes (`option tcplog`).

import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { LbHost } from "../lab/cluster-lab";
import { haproxyLinesFor, sessionsAtLastMarkDown } from "../lab/faults";

const LOG = [
    "10.10.1.250:46852 [22/Nov/2026:09:15:40.879] apiserver apiservers/prod-master-0 1/0/2 1805 -- 1/1/0/0/0 0/0",
    "127.0.0.1:46853 [22/Nov/2026:09:15:40.886] health health/<STATS> 0/0/0 2975 LR 1/1/0/0/0 0/0",
    "10.10.1.250:46853 [22/Nov/2026:09:15:40.901] apiserver apiservers/prod-master-1 1/-1/3 0 CC 2/2/1/0/1 0/0",
    "[WARNING]  (5300) : Server apiservers/prod-master-1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. 2 active and 0 backup servers left. 1 sessions active, 0 requeued, 0 remaining in queue.",
].join("\n");

describe("the rehearsal's HAProxy log readers", () => {
    let dir: string;
    let lb: LbHost;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-faults-"));
        writeFileSync(path.join(dir, "haproxy.log"), `${LOG}\n`);
        lb = { haproxy: { log: path.join(dir, "haproxy.log") } } as unknown as LbHost;
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("finds the session lines of failed requests by client port, never HAProxy's own stats requests", () => {
        assert.deepEqual(haproxyLinesFor(lb, [46853]), [LOG.split("\n")[2]]);
        assert.deepEqual(haproxyLinesFor(lb, [1]), []);
        assert.equal(haproxyLinesFor(lb, [46852, 46853], 1).length, 1, "at most max lines");
    });

    it("reads how many sessions the last mark-down cut", () => {
        assert.equal(sessionsAtLastMarkDown(lb, "prod-master-1"), 1);
        assert.equal(sessionsAtLastMarkDown(lb, "prod-master-2"), undefined);
    });
});
