// The library's test harness (`kubeadm-ha-tencentcloud/testing`): the mocks and the recorder that
// `npm run plan` and the project's own tests use, for a user's unit test of a KubeadmCluster under
// `pulumi.runtime.setMocks`. Nothing here reaches a cloud or needs the Pulumi CLI.
//
//     const recorder = await installCloudMocks({ project: "infra", stack: "dev" });
//     new KubeadmCluster("demo", { cluster, previousSnapshot: null });
//     await waitForRegistrations();
//     recorder.custom().length; // every resource registered, with its inputs

export { installCloudMocks, PREVIEW_APP_ID, PREVIEW_CA_CERT, PREVIEW_IMAGE } from "./mocks";
export type { CloudMockNames } from "./mocks";
export { installRecorder, isWireSecret, Recorder, waitForRegistrations } from "./recorder";
export type { CallHandler, RecordedInvoke, RecordedPackage, RecordedResource } from "./recorder";
