// Maps what the mock recorder (components/cli/recorder.ts) saw to the policy rules' resources, so
// the rules can run over a program's inventory without the Pulumi engine. The recorded shape is
// restated structurally rather than imported: importing components/cli here, even for types, would
// pull the CLI into the library build (dist/).

import type { PolicyResource } from "./inventory";

/** The fields of the recorder's `RecordedResource` that the policy reads. */
export interface RecordedLike {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Inputs after deserialization (secrets unwrapped). */
    readonly inputs: Record<string, any>;
    readonly parentUrn: string;
    readonly urn: string;
    readonly protect: boolean;
}

/**
 * The provider id the recorder's mocks give a custom resource (`installRecorder`: `<name>-id`);
 * other resources' inputs refer to it by this id.
 */
export function mockId(name: string): string {
    return `${name}-id`;
}

/** One recorded resource as a policy resource (components have no id). */
export function fromRecorded(r: RecordedLike): PolicyResource {
    return {
        type: r.type, name: r.name, urn: r.urn, props: r.inputs, protect: r.protect,
        ...(r.parentUrn ? { parentUrn: r.parentUrn } : {}), ...(r.custom ? { id: mockId(r.name) } : {}),
    };
}

/** Every recorded resource as a policy resource. */
export function fromRecorder(resources: readonly RecordedLike[]): PolicyResource[] {
    return resources.map(fromRecorded);
}
