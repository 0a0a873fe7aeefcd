// The node-local API proxy (endpoint kind node-local-proxy): a static pod on every worker that
// listens on 127.0.0.1:<port> and balances over every master, like kubespray's nginx-proxy.
// Workers resolve the endpoint name to 127.0.0.1; masters use their own apiserver instead.

import { HAPROXY_HEALTH_PORT, PATHS, RenderContext } from "./context";
import { haproxyConfig } from "./haproxy";
import type { NodeFile } from "./node-file";
import { publicFile } from "./node-file";
import { NGINX_HEALTH_PORT, nginxConfig } from "./nginx";
import { StaticPod, staticPodYaml } from "./pods";
import { PROXY_IMAGES } from "../plan/images";

export { PROXY_IMAGES } from "../plan/images";

/** The proxy's image: `apiEndpoint.proxyImage`, else the exact release of PROXY_IMAGES. */
export function nodeProxyImage(ctx: RenderContext): string {
    const e = ctx.spec.apiEndpoint;
    const kind = e.proxy ?? "haproxy";
    return e.proxyImage ?? PROXY_IMAGES[kind];
}

/** A proxy over the masters: its configuration file and text, how it reads the file again (followMasters), its health port. */
export interface ProxyConfig { readonly path: string; readonly text: string; readonly how: string; readonly health: number }

/** The node-local proxy's configuration (every master a backend); its container reloads on a signal. */
export function nodeProxyConfig(ctx: RenderContext): ProxyConfig {
    const kind = ctx.spec.apiEndpoint.proxy ?? "haproxy";
    const dir = PATHS.nodeProxyDir;
    return kind === "haproxy"
        ? { path: `${dir}/haproxy.cfg`, text: haproxyConfig(ctx, { bind: `127.0.0.1:${ctx.plan.endpoint.port}` }), how: "container:haproxy:USR2", health: HAPROXY_HEALTH_PORT }
        : { path: `${dir}/nginx.conf`, text: nginxConfig(ctx, "/tmp/nginx.pid"), how: "container:nginx:HUP", health: NGINX_HEALTH_PORT };
}

/** An LB machine's HAProxy configuration (keepalived-haproxy's pair, lvs-haproxy's real servers); Debian's unit reloads it. */
export function lbProxyConfig(ctx: RenderContext): ProxyConfig {
    return { path: PATHS.haproxyConfig, text: haproxyConfig(ctx, { bind: `:${ctx.plan.endpoint.port}` }), how: "unit:haproxy", health: HAPROXY_HEALTH_PORT };
}

export function nodeProxyFiles(ctx: RenderContext): NodeFile[] {
    const kind = ctx.spec.apiEndpoint.proxy ?? "haproxy";
    const dir = PATHS.nodeProxyDir;
    const c = nodeProxyConfig(ctx);
    const config = { ...c, command: kind === "haproxy" ? ["haproxy", "-W", "-db", "-f", c.path] : ["nginx", "-c", c.path] };
    const pod: StaticPod = {
        apiVersion: "v1", kind: "Pod",
        metadata: { name: "kube-apiserver-proxy", namespace: "kube-system", labels: { component: "kube-apiserver-proxy", tier: "node" } },
        spec: {
            hostNetwork: true, priorityClassName: "system-node-critical",
            containers: [{
                name: kind, image: nodeProxyImage(ctx), command: config.command,
                volumeMounts: [{ name: "config", mountPath: dir, readOnly: true }],
                livenessProbe: { httpGet: { host: "127.0.0.1", path: "/healthz", port: config.health, scheme: "HTTP" }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
                resources: { requests: { cpu: "25m", memory: "32Mi" } },
            }],
            volumes: [{ name: "config", hostPath: { path: dir, type: "Directory" } }],
        },
    };
    return [publicFile(config.path, config.text), publicFile(`${PATHS.manifests}/kube-apiserver-proxy.yaml`, staticPodYaml(pod), "0600")];
}
