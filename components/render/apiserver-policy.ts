// What the apiserver enforces beyond kubeadm's defaults: Pod Security admission with
// cluster-wide defaults (enforce `baseline`, warn and audit `restricted`; kube-system exempt,
// where the control plane's static pods and kube-proxy run), and an audit log of every request
// (metadata only for Secrets, ConfigMaps and token reviews, so no secret value is ever written;
// request and response for RBAC changes and for exec/attach/port-forward into pods), rotated by
// the apiserver itself. Both are files on every master, delivered over SSH with its kubeadm
// files, and mounted into the apiserver's static pod. Pure.

import type { RenderContext } from "./context";
import { NodeFile, publicFile } from "./node-file";
import { toYaml } from "./yaml";

export const AUDIT_DIR = "/etc/kubernetes/audit";
export const AUDIT_POLICY = `${AUDIT_DIR}/policy.yaml`;
export const AUDIT_LOG_DIR = "/var/log/kubernetes/audit";
export const AUDIT_LOG = `${AUDIT_LOG_DIR}/audit.log`;
export const ADMISSION_DIR = "/etc/kubernetes/admission";
export const ADMISSION_CONFIG = `${ADMISSION_DIR}/config.yaml`;

/** The audit policy: rules in order, the first match decides. */
export function auditPolicy(): Record<string, unknown> {
    return {
        apiVersion: "audit.k8s.io/v1", kind: "Policy", omitStages: ["RequestReceived"],
        rules: [
            { level: "None", nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/metrics"] },
            { level: "None", resources: [{ group: "", resources: ["events"] }, { group: "events.k8s.io", resources: ["events"] }, { group: "coordination.k8s.io", resources: ["leases"] }] },
            { level: "Metadata", resources: [{ group: "", resources: ["secrets", "configmaps", "serviceaccounts/token"] }, { group: "authentication.k8s.io", resources: ["tokenreviews"] }] },
            { level: "RequestResponse", resources: [{ group: "rbac.authorization.k8s.io" }, { group: "", resources: ["pods/exec", "pods/attach", "pods/portforward"] }] },
            { level: "Metadata", omitStages: ["RequestReceived"] },
        ],
    };
}

/** The admission configuration: Pod Security's defaults and exemptions. */
export function admissionConfiguration(ctx: RenderContext): Record<string, unknown> {
    const p = ctx.spec.apiServer.podSecurity;
    return {
        apiVersion: "apiserver.config.k8s.io/v1", kind: "AdmissionConfiguration",
        plugins: [{
            name: "PodSecurity",
            configuration: {
                apiVersion: "pod-security.admission.config.k8s.io/v1", kind: "PodSecurityConfiguration",
                defaults: { enforce: p.enforce, "enforce-version": "latest", audit: p.audit, "audit-version": "latest", warn: p.warn, "warn-version": "latest" },
                exemptions: { usernames: [], runtimeClasses: [], namespaces: [...new Set(["kube-system", ...p.exemptNamespaces])] },
            },
        }],
    };
}

/** The files of a master (public, delivered over SSH with its kubeadm files). */
export function apiServerPolicyFiles(ctx: RenderContext): NodeFile[] {
    const file = (path: string, doc: unknown): NodeFile => publicFile(path, toYaml(doc), "0600");
    return [file(ADMISSION_CONFIG, admissionConfiguration(ctx)), ...(ctx.spec.apiServer.auditLog.enabled ? [file(AUDIT_POLICY, auditPolicy())] : [])];
}

type Arg = { name: string; value: string };
const DIR = "DirectoryOrCreate" as const;
type Volume = { name: string; hostPath: string; mountPath: string; readOnly: boolean; pathType: "DirectoryOrCreate" };

/** The apiserver's flags and volumes for these files. */
export function apiServerPolicyArgs(ctx: RenderContext): { extraArgs: Arg[]; extraVolumes: Volume[] } {
    const a = ctx.spec.apiServer.auditLog;
    return {
        extraArgs: [
            { name: "admission-control-config-file", value: ADMISSION_CONFIG },
            ...(a.enabled ? [
                { name: "audit-policy-file", value: AUDIT_POLICY }, { name: "audit-log-path", value: AUDIT_LOG },
                { name: "audit-log-maxage", value: String(a.maxAgeDays) }, { name: "audit-log-maxbackup", value: String(a.maxBackups) }, { name: "audit-log-maxsize", value: String(a.maxSizeMb) },
            ] : []),
        ],
        extraVolumes: [
            { name: "admission-config", hostPath: ADMISSION_DIR, mountPath: ADMISSION_DIR, readOnly: true, pathType: DIR },
            ...(a.enabled ? [
                { name: "audit-policy", hostPath: AUDIT_DIR, mountPath: AUDIT_DIR, readOnly: true, pathType: DIR },
                { name: "audit-log", hostPath: AUDIT_LOG_DIR, mountPath: AUDIT_LOG_DIR, readOnly: false, pathType: DIR },
            ] : []),
        ],
    };
}
