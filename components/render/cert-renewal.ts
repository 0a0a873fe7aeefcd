// The masters' monthly certificate renewal: a systemd timer runs renew-certs.sh on a different day
// of the month per master (1, 7, 13, ...), and the script itself refuses to restart a master while
// another one is not ready, so at most one apiserver restarts at a time. CAs are not renewed this
// way (kubeadm cannot); their validity is `certificates.caValidityHours`.

import type { PlannedNode } from "../plan/topology";
import type { RenderContext } from "./context";
import type { NodeFile } from "./node-file";
import { SCRIPTS, scriptFile, scriptPath } from "./scripts";
import { timerJobFiles } from "./timer-job";

export const RENEW_CERTS_TIMER = "kubeadm-ha-renew-certs.timer";

/** Day of the month (1-28, so every month has it) on which master `ordinal` renews: 6 days apart. */
export function renewalDay(ordinal: number): number {
    return 1 + ((ordinal * 6) % 28);
}

/** The timer, its service and the script, for one master; none when `certificates.renewalTimer` is off. */
export function certRenewalFiles(ctx: RenderContext, master: PlannedNode): NodeFile[] {
    if (!ctx.spec.certificates.renewalTimer) {
        return [];
    }
    const peers = ctx.masters.filter((m) => m.name !== master.name).map((m) => m.privateIp);
    const day = String(renewalDay(master.ordinal)).padStart(2, "0");
    return [
        scriptFile(SCRIPTS.renewCerts),
        ...timerJobFiles({
            service: "kubeadm-ha-renew-certs.service", timer: RENEW_CERTS_TIMER,
            unit: [["Description", "Renew this master's kubeadm certificates and restart its control plane (kubeadm-ha)"],
                ["After", "kubelet.service"], ["ConditionPathExists", "/etc/kubernetes/manifests/kube-apiserver.yaml"]],
            run: [["TimeoutStartSec", "15min"], ["ExecStart", ["/bin/bash", scriptPath(SCRIPTS.renewCerts), String(ctx.plan.endpoint.port), ...peers].join(" ")]],
            timerDescription: `Monthly kubeadm certificate renewal on day ${Number(day)} (kubeadm-ha)`,
            schedule: [["OnCalendar", `*-*-${day} 03:00:00`], ["Persistent", "true"]],
        }),
    ];
}

/** cloud-init commands that enable the timer (it starts nothing now: the first run is on its day). */
export function certRenewalCommands(ctx: RenderContext): string[][] {
    return ctx.spec.certificates.renewalTimer ? [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", RENEW_CERTS_TIMER]] : [];
}
