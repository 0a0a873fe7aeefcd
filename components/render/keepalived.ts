// keepalived: VRRP over unicast (a VPC carries no multicast) floating the HAVIP between the LB
// machines, and, for the lvs-haproxy tier, an LVS virtual server in DR mode in front of the
// HAProxy pair. VRRPv3 without authentication (v3 has none; VRRP's PASS auth is plain text
// anyway): only the LB machines' security group may send VRRP (protocol 112) to each other.
// The track script asks HAProxy over loopback HTTP, never `pidof`.

import { PATHS, RenderContext } from "./context";
import { SCRIPTS, scriptPath } from "./scripts";
import { braces, ini, Statement } from "./text";
import type { PlannedNode } from "../plan/topology";

const INTERFACE = "eth0";

/** The LB machines of the tier that holds the VIP (keepalived pair or LVS directors). */
function vipHolders(ctx: RenderContext): PlannedNode[] {
    const role = ctx.plan.endpoint.kind === "lvs-haproxy" ? "lvs" : "lb";
    return ctx.plan.nodes.filter((n) => n.role === role);
}

/** The planned VIP (renderContext already checked that it lies in the endpoint zone's subnet). */
function vip(ctx: RenderContext): string {
    const address = ctx.plan.endpoint.vip;
    if (!address) {
        throw new Error(`the ${ctx.plan.endpoint.kind} endpoint has no VIP to float`);
    }
    return address;
}

function vrrpInstance(ctx: RenderContext, node: PlannedNode, tracked: boolean): Statement {
    const holders = vipHolders(ctx);
    const index = holders.findIndex((n) => n.name === node.name);
    if (index < 0) {
        throw new Error(`${node.name} is not a VIP holder of this endpoint`);
    }
    const peers = holders.filter((n) => n.name !== node.name).map((n) => n.privateIp);
    return {
        head: "vrrp_instance VI_API", body: [
            index === 0 ? "state MASTER" : "state BACKUP",
            `interface ${INTERFACE}`,
            `virtual_router_id ${ctx.spec.apiEndpoint.virtualRouterId ?? 51}`,
            `priority ${index === 0 ? 150 : 100 - index}`,
            `advert_int ${ctx.timers.vrrpAdvertSec}`,
            `unicast_src_ip ${node.privateIp}`,
            { head: "unicast_peer", body: peers },
            { head: "virtual_ipaddress", body: [`${vip(ctx)}/32 dev ${INTERFACE}`] },
            "garp_master_delay 1",
            "garp_master_refresh 5",
            ...(tracked ? [{ head: "track_script", body: ["chk_haproxy"] }] : []),
        ],
    };
}

function globalDefs(node: PlannedNode): Statement {
    return { head: "global_defs", body: [`router_id ${node.hostname}`, "vrrp_version 3", "enable_script_security", "script_user root", "max_auto_priority -1"] };
}

/** keepalived.conf of a keepalived-haproxy LB machine. */
export function keepalivedConfig(ctx: RenderContext, node: PlannedNode): string {
    const t = ctx.timers;
    const statements: Statement[] = [
        globalDefs(node),
        {
            head: "vrrp_script chk_haproxy", body: [
                `script "${scriptPath(SCRIPTS.checkHaproxy)}"`, `interval ${t.trackIntervalSec}`, `timeout ${t.trackIntervalSec}`,
                `fall ${t.trackFall}`, `rise ${t.trackRise}`,
            ],
        },
        vrrpInstance(ctx, node, true),
    ];
    return `# keepalived for the Kubernetes API VIP of cluster ${ctx.spec.name} (rendered by kubeadm-ha)\n${braces(statements)}`;
}

/** keepalived.conf of an LVS director: the VIP plus a DR-mode virtual server over the HAProxy pair. */
export function lvsDirectorConfig(ctx: RenderContext, node: PlannedNode): string {
    const port = ctx.plan.endpoint.port;
    const realServers = ctx.plan.nodes.filter((n) => n.role === "haproxy").map((n): Statement => ({
        head: `real_server ${n.privateIp} ${port}`, body: [
            "weight 1",
            { head: "TCP_CHECK", body: [`connect_port ${port}`, "connect_timeout 2", "retry 2", "delay_before_retry 1"] },
        ],
    }));
    const statements: Statement[] = [
        globalDefs(node),
        vrrpInstance(ctx, node, false),
        { head: `virtual_server ${vip(ctx)} ${port}`, body: ["delay_loop 2", "lb_algo rr", "lb_kind DR", "protocol TCP", ...realServers] },
    ];
    return `# keepalived LVS director for the Kubernetes API of cluster ${ctx.spec.name} (rendered by kubeadm-ha)\n${braces(statements)}`;
}

/** The keepalived command line: foreground, explicit per-instance pid files (never the shared defaults). */
export function keepalivedCommand(): string[] {
    const run = PATHS.keepalivedRun;
    return ["/usr/sbin/keepalived", "--dont-fork", "--log-console", "--log-detail", `--use-file=${PATHS.keepalivedConfig}`,
        `--pid=${run}/keepalived.pid`, `--vrrp_pid=${run}/vrrp.pid`, `--checkers_pid=${run}/checkers.pid`];
}

/** systemd unit that runs keepalived with that command line (the packaged unit is disabled). */
export function keepalivedUnit(): string {
    return ini([
        { name: "Unit", entries: [["Description", "keepalived for the Kubernetes API VIP (kubeadm-ha)"], ["After", "network-online.target haproxy.service"], ["Wants", "network-online.target"]] },
        {
            name: "Service", entries: [
                ["Type", "simple"], ["RuntimeDirectory", PATHS.keepalivedRun.replace(/^\/run\//, "")],
                ["ExecStart", keepalivedCommand().join(" ")], ["ExecReload", "/bin/kill -HUP $MAINPID"],
                ["KillMode", "process"], ["Restart", "always"], ["RestartSec", "1"],
            ],
        },
        { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
    ]);
}
