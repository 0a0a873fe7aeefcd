// The one YAML emitter of the project. cloud-init reads YAML 1.1 (PyYAML): unquoted yes/on/off
// become booleans and 0644 an octal number there, so we emit YAML 1.1 (which quotes them), never
// fold long lines, and never emit anchors/aliases for repeated objects.

import { Document, stringify } from "yaml";

const OPTIONS = { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false } as const;

/** One YAML document. */
export function toYaml(value: unknown): string {
    return stringify(value, OPTIONS);
}

/** Several YAML documents in one file, separated by `---` (kubeadm reads them together). */
export function toYamlDocuments(values: readonly unknown[]): string {
    return values.map((v) => new Document(v, OPTIONS).toString(OPTIONS)).join("---\n");
}
