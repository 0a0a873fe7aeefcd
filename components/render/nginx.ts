// nginx stream proxy: the alternative node-local proxy. OSS nginx checks backends passively
// only (a master answering 500 on /healthz stays in rotation), so HAProxy is the default.

import { RenderContext } from "./context";
import { braces } from "./text";

/** Local health port of the node-local nginx (liveness probe of its static pod). */
export const NGINX_HEALTH_PORT = 8081;

export function nginxConfig(ctx: RenderContext, pidFile: string): string {
    const port = ctx.plan.endpoint.port;
    return `# nginx node-local proxy for the Kubernetes API of cluster ${ctx.spec.name} (rendered by kubeadm-ha)\n` + braces([
        "load_module /usr/lib/nginx/modules/ngx_stream_module.so",
        "daemon off",
        "master_process on",
        "worker_processes 1",
        `pid ${pidFile}`,
        "error_log stderr notice",
        { head: "events", body: ["worker_connections 1024"] },
        {
            head: "stream", body: [
                { head: "upstream kube_apiserver", body: ["least_conn", ...ctx.masters.map((m) => `server ${m.privateIp}:${port} max_fails=1 fail_timeout=10s`)] },
                {
                    head: "server", body: [
                        `listen 127.0.0.1:${port}`, "proxy_pass kube_apiserver", "proxy_connect_timeout 1s", "proxy_timeout 30m",
                        "proxy_next_upstream on", "proxy_next_upstream_tries 3",
                    ],
                },
            ],
        },
        {
            head: "http", body: [
                "access_log off",
                { head: "server", body: [`listen 127.0.0.1:${NGINX_HEALTH_PORT}`, { head: "location /healthz", body: ["return 200 ok"] }] },
            ],
        },
    ], ";");
}
