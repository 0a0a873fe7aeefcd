// Where each machine keeps the key material Pulumi generates (kubeadm's file names under
// /etc/kubernetes/pki, and the etcd member's own directory). All of it is secret and travels
// over SSH. Masters get the shared CA material kubeadm's "manual certificate distribution"
// lists; kubeadm signs each master's own certificates from it.

import { PATHS } from "./context";
import { NodeFile, secretFile as secret } from "./node-file";

/** Key material shared by the control plane (PEM strings). */
export interface ControlPlanePki {
    readonly caCert: string;
    readonly caKey: string;
    readonly frontProxyCaCert: string;
    readonly frontProxyCaKey: string;
    readonly serviceAccountKey: string;
    readonly serviceAccountPub: string;
    /** External etcd only: the etcd CA and the apiserver's client certificate. */
    readonly etcd?: { readonly caCert: string; readonly clientCert: string; readonly clientKey: string };
}

/** One etcd member's certificates (PEM strings). */
export interface EtcdMemberPki {
    readonly caCert: string;
    readonly serverCert: string;
    readonly serverKey: string;
    readonly peerCert: string;
    readonly peerKey: string;
}

export function controlPlanePkiFiles(p: ControlPlanePki): NodeFile[] {
    const d = PATHS.pkiDir;
    return [
        secret(`${d}/ca.crt`, p.caCert, "0644"), secret(`${d}/ca.key`, p.caKey),
        secret(`${d}/front-proxy-ca.crt`, p.frontProxyCaCert, "0644"), secret(`${d}/front-proxy-ca.key`, p.frontProxyCaKey),
        secret(`${d}/sa.key`, p.serviceAccountKey), secret(`${d}/sa.pub`, p.serviceAccountPub, "0644"),
        ...(p.etcd ? [
            secret(`${d}/etcd/ca.crt`, p.etcd.caCert, "0644"),
            secret(`${d}/apiserver-etcd-client.crt`, p.etcd.clientCert, "0644"), secret(`${d}/apiserver-etcd-client.key`, p.etcd.clientKey),
        ] : []),
    ];
}

export function etcdMemberPkiFiles(p: EtcdMemberPki): NodeFile[] {
    const d = PATHS.etcdPki;
    return [
        secret(`${d}/ca.crt`, p.caCert, "0644"),
        secret(`${d}/server.crt`, p.serverCert, "0644"), secret(`${d}/server.key`, p.serverKey),
        secret(`${d}/peer.crt`, p.peerCert, "0644"), secret(`${d}/peer.key`, p.peerKey),
    ];
}
