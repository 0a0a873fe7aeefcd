// The one writer for line-oriented configuration files (HAProxy, keepalived, nginx, systemd
// units, sysctl and module lists). Renderers build typed models and turn them into these
// statements; only this file knows about indentation and braces.

/** A `name` block with nested statements, e.g. `vrrp_instance VI_1 { ... }` or `frontend api`. */
export interface Block {
    readonly head: string;
    readonly body: readonly Statement[];
}
export type Statement = string | Block;

function isBlock(s: Statement): s is Block {
    return typeof s !== "string";
}

/** Statements are single lines: a value with a newline would break the file's structure. */
function line(s: string): string {
    if (/[\r\n]/.test(s)) {
        throw new Error(`a configuration statement may not contain a line break: ${JSON.stringify(s)}`);
    }
    return s;
}

/** Brace syntax (keepalived, nginx): `head {`, indented body, `}`. `terminator` ends plain statements (`;` for nginx). */
export function braces(statements: readonly Statement[], terminator = "", indent = ""): string {
    return statements.map((s) => isBlock(s)
        ? `${indent}${line(s.head)} {\n${braces(s.body, terminator, `${indent}    `)}${indent}}\n`
        : `${indent}${line(s)}${terminator}\n`).join("");
}

/** Section syntax (HAProxy): an unindented `head` line followed by indented statements. */
export function sections(blocks: readonly Block[]): string {
    return blocks.map((b) => `${line(b.head)}\n${b.body.map((s) => {
        if (isBlock(s)) {
            throw new Error("sections cannot nest");
        }
        return `    ${line(s)}\n`;
    }).join("")}`).join("\n");
}

/** INI syntax (systemd units): `[Section]` then `Key=Value` lines; a key may repeat. */
export function ini(sectionsList: readonly { name: string; entries: readonly (readonly [string, string])[] }[]): string {
    return sectionsList.map((s) => `[${line(s.name)}]\n${s.entries.map(([k, v]) => `${line(k)}=${line(v)}\n`).join("")}`).join("\n");
}

/** `key = value` lines (sysctl.d), or bare lines (modules-load.d). */
export function keyValues(entries: readonly (readonly [string, string])[], separator = " = "): string {
    return entries.map(([k, v]) => `${line(k)}${separator}${line(v)}\n`).join("");
}
