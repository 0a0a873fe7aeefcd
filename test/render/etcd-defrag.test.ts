import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { renderContext } from "../../components/render/context";
import { defragCalendar, DEFRAG_SERVICE, DEFRAG_TIMER, etcdDefragCommand, etcdDefragFiles } from "../../components/render/etcd-defrag";
import { renderStack } from "../helpers/rendered";
import { missingPrograms, skipUnless } from "../helpers/skip";

describe("etcd defragmentation timers", () => {
    it("fires weekly, one member 20 minutes after the other, never two at once", () => {
        const s = renderStack("prod");
        const ctx = renderContext(s.spec, s.plan);
        const calendars = ctx.etcdMembers.map((m) => etcdDefragFiles(ctx, m).find((f) => f.path.endsWith(DEFRAG_TIMER))!.content.match(/OnCalendar=(.+)/)![1]);
        assert.deepEqual(calendars, ["Sun *-*-* 03:00:00", "Sun *-*-* 03:20:00", "Sun *-*-* 03:40:00", "Sun *-*-* 04:00:00", "Sun *-*-* 04:20:00"]);
        assert.equal(defragCalendar(6), "Sun *-*-* 05:00:00");
    });

    it("is a calendar systemd reads as a weekly Sunday time", function () {
        skipUnless(this, missingPrograms("systemd-analyze"));
        const r = spawnSync("systemd-analyze", ["calendar", "--iterations=2", defragCalendar(1)], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
        assert.equal(r.status, 0, r.stderr);
        const next = [...r.stdout.matchAll(/(?:Next elapse|Iter\. #2): (\w{3} \S+ \S+)/g)].map((m) => m[1]);
        assert.equal(next.length, 2, r.stdout);
        assert.ok(next.every((n) => /^Sun \S+ 03:20:00$/.test(n)), r.stdout);
        const days = next.map((n) => Date.parse(n.split(" ")[1]));
        assert.equal((days[1] - days[0]) / 86_400_000, 7, "a week apart");
    });

    it("runs etcd-defrag.sh against the member itself with its server certificate, stacked or external", () => {
        const ext = renderStack("prod-keepalived");
        const extCtx = renderContext(ext.spec, ext.plan);
        assert.deepEqual(etcdDefragCommand(extCtx).slice(2, 6), ["https://127.0.0.1:2379", "/etc/etcd/pki/ca.crt", "/etc/etcd/pki/server.crt", "/etc/etcd/pki/server.key"]);
        const stacked = renderStack("prod-stacked-local");
        const stCtx = renderContext(stacked.spec, stacked.plan);
        assert.equal(etcdDefragCommand(stCtx)[4], "/etc/kubernetes/pki/etcd/server.crt");
        const service = etcdDefragFiles(stCtx, stCtx.etcdMembers[0]).find((f) => f.path.endsWith(DEFRAG_SERVICE))!.content;
        assert.match(service, /Type=oneshot/);
        assert.match(service, new RegExp(`ExecStart=${etcdDefragCommand(stCtx).join(" ").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
    });

    it("refuses a machine that is not an etcd member", () => {
        const s = renderStack("prod-keepalived");
        const ctx = renderContext(s.spec, s.plan);
        assert.throws(() => etcdDefragFiles(ctx, ctx.masters[0]), /is not an etcd member/);
    });
});
