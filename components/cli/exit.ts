// How the command-line tools stop: the message on stderr, then the documented exit status.

/** Writes `message` to stderr and exits with `code`. */
export function fail(code: number, message: string): never {
    process.stderr.write(`${message}\n`);
    process.exit(code);
}
