// Maps CrossGuard's stack resources to the policy rules' resources. During a preview, values that
// are not known yet (ids of resources still to be created) sit behind a proxy that throws when
// read; they become UNKNOWN here. Plain data in, plain data out: no Pulumi import, so the tests
// can run it without starting the pack.

import { type PolicyResource, UNKNOWN, type Violation } from "../components/policy/rules";

/** The fields of CrossGuard's `PolicyResource` (stack validation) that the rules read. */
export interface CrossGuardResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
    readonly opts: { readonly protect: boolean; readonly parent?: string };
    readonly propertyDependencies: Record<string, readonly { readonly urn: string }[]>;
}

/** Reads `obj[key]`, or UNKNOWN when the value cannot be known during preview (CrossGuard throws). */
function read(obj: any, key: string | number): unknown {
    try {
        return obj[key];
    } catch {
        return UNKNOWN;
    }
}

/** A plain deep copy with every unknown value replaced by UNKNOWN. */
export function known(value: unknown): any {
    if (Array.isArray(value)) {
        return Array.from({ length: value.length }, (_, n) => known(read(value, n)));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.keys(value).map((k) => [k, known(read(value, k))]));
    }
    return value;
}

/** The provider id among the outputs: `id`, or the bridge's `<resource>Id` field (e.g. `placementGroupId` of a PlacementGroup). */
function providerId(type: string, props: Record<string, any>): string | undefined {
    const typeName = type.split(":").pop() ?? "";
    const field = `${typeName.charAt(0).toLowerCase()}${typeName.slice(1)}Id`;
    return [props.id, props[field]].find((v): v is string => typeof v === "string" && v !== UNKNOWN && v !== "");
}

/** One CrossGuard resource as a policy resource. */
export function fromCrossGuard(r: CrossGuardResource): PolicyResource {
    const props = known(r.props) as Record<string, any>;
    const id = providerId(r.type, props);
    return {
        type: r.type, name: r.name, urn: r.urn, props, protect: r.opts.protect === true,
        ...(r.opts.parent ? { parentUrn: r.opts.parent } : {}), ...(id ? { id } : {}),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
    };
}

/**
 * Re-reads the original (proxied) value a rule could not decide on, so that CrossGuard raises its
 * own "can't be known during preview" error and reports the policy as advisory for this preview.
 * Returns normally only if the value turned out to be readable.
 */
export function rereadUnknown(resources: readonly CrossGuardResource[], v: Violation): void {
    let value: any = resources.find((r) => r.urn === v.urn)?.props;
    for (const key of v.property.split(/[.[\]]+/).filter((k) => k !== "")) {
        if (typeof value !== "object" || value === null) {
            return;
        }
        value = value[key];
    }
}
