// HAProxy in TCP mode in front of the apiservers: on the keepalived-haproxy LB pair, on the
// HAProxy pair behind LVS, and as the node-local proxy on workers. Health checks are HTTPS GET of
// the render context's path, /readyz by default (the TLS handshake is checked, not the
// certificate: the proxy holds no cluster CA); failures are detected in inter*fall, and `retries`
// + `option redispatch 1` move every failed connection attempt to another master at once (plain
// `redispatch` retries the same dead master first, after a turn-around of up to 1 s).
// A stopping apiserver fails /readyz at once and keeps serving for its --shutdown-delay-duration,
// so HAProxy sends it nothing new long before it stops listening; its sessions are left to finish
// (no `on-marked-down shutdown-sessions`: that cut a request in flight at the mark-down in 3 of 5
// graceful restarts of rehearsal check 16). A crashed or cut-off master's sessions are closed by
// TCP keepalive on the server side instead (5 s idle, then 3 probes 1 s apart).
// A local-only frontend serves /healthz for keepalived.

import { HAPROXY_HEALTH_PORT, RenderContext } from "./context";
import { Block, sections } from "./text";

/**
 * TCP keepalive on HAProxy's connections to the apiservers: after `idleSec` without traffic,
 * `probes` probes `intervalSec` apart; a master whose host is gone closes within idle + probes x interval.
 */
export const SERVER_KEEPALIVE = { idleSec: 5, intervalSec: 1, probes: 3 } as const;

export interface HaproxyOptions {
    /** Address:port the API frontend binds (`:6443` on LB machines, `127.0.0.1:6443` for node-local). */
    readonly bind: string;
}

/** A backend address must be an IPv4 address and a port in range: anything else would break the file. */
function server(name: string, ip: string, port: number): string {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || port < 1 || port > 65535) {
        throw new Error(`HAProxy backend ${name}: ${ip}:${port} is not an IPv4 address and port`);
    }
    return `server ${name} ${ip}:${port}`;
}

export function haproxyConfig(ctx: RenderContext, options: HaproxyOptions): string {
    const t = ctx.timers;
    const port = ctx.plan.endpoint.port;
    const blocks: Block[] = [
        // HAProxy needs about two descriptors per connection: 8000 connections stay inside
        // common hard limits (20000 on our test machines), and are plenty for an apiserver front.
        { head: "global", body: ["log stdout format raw local0 info", "maxconn 8000"] },
        {
            head: "defaults", body: [
                "mode tcp", "log global", "option tcplog", "option dontlognull",
                "timeout connect 5s",
                // apiserver watches stay open for minutes; only idle connections are closed.
                "timeout client 30m", "timeout server 30m",
                "retries 3", "option redispatch 1",
            ],
        },
        {
            head: "frontend health", body: [
                "mode http", `bind 127.0.0.1:${HAPROXY_HEALTH_PORT}`, "monitor-uri /healthz", "stats enable", "stats uri /stats",
            ],
        },
        { head: "frontend apiserver", body: [`bind ${options.bind}`, "default_backend apiservers"] },
        {
            head: "backend apiservers", body: [
                "balance roundrobin", "option srvtcpka", `srvtcpka-idle ${SERVER_KEEPALIVE.idleSec}s`,
                `srvtcpka-intvl ${SERVER_KEEPALIVE.intervalSec}s`, `srvtcpka-cnt ${SERVER_KEEPALIVE.probes}`,
                `option httpchk GET ${ctx.apiHealth.checkPath}`,
                "http-check expect status 200",
                // Connecting is bounded by inter; the answer may take this long.
                `timeout check ${t.checkTimeoutMs}ms`,
                `default-server inter ${t.checkInterMs}ms fastinter ${t.checkFastInterMs}ms downinter ${t.checkDownInterMs}ms ` +
                `fall ${t.checkFall} rise ${t.checkRise} check check-ssl verify none`,
                ...ctx.masters.map((m) => server(m.hostname, m.privateIp, port)),
            ],
        },
    ];
    return `# HAProxy for the Kubernetes API of cluster ${ctx.spec.name} (rendered by kubeadm-ha)\n${sections(blocks)}`;
}
