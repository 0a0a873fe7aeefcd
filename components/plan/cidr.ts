// IPv4 CIDR arithmetic on top of ipaddr.js (parsing and validation come from the library;
// only the offset arithmetic that it does not offer lives here).

import * as ipaddr from "ipaddr.js";

/** A parsed IPv4 block. `first` is the network address as an unsigned 32-bit integer. */
export interface Cidr {
    readonly text: string;
    readonly first: number;
    readonly prefix: number;
    /** Number of addresses in the block (2^(32-prefix)). */
    readonly size: number;
}

function toInt(addr: ipaddr.IPv4): number {
    return addr.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
}

function fromInt(n: number): string {
    const bytes = [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256);
    return new ipaddr.IPv4(bytes).toString();
}

/** Why a string is not a usable IPv4 network block and how to fix it, or undefined if it is one. */
export function cidrProblem(text: string): { problem: string; fix: string } | undefined {
    if (!ipaddr.IPv4.isValidCIDR(text) || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(text)) {
        return { problem: "is not an IPv4 CIDR block", fix: "write it like 10.0.0.0/16" };
    }
    const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
    const network = ipaddr.IPv4.networkAddressFromCIDR(text);
    if (network.toString() !== addr.toString()) {
        return { problem: "has host bits set", fix: `write the block's first address: ${network.toString()}/${prefix}` };
    }
    return undefined;
}

/** Parses a block that `cidrProblem` accepted. */
export function parseCidr(text: string): Cidr {
    const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
    return { text, first: toInt(addr), prefix, size: 2 ** (32 - prefix) };
}

/** True if `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
    return inner.first >= outer.first && inner.first + inner.size <= outer.first + outer.size;
}

/** True if the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.first < b.first + b.size && b.first < a.first + a.size;
}

/** The address at `offset` from the start of the block (offset 0 is the network address). */
export function addressAt(block: Cidr, offset: number): string {
    if (!Number.isInteger(offset) || offset < 0 || offset >= block.size) {
        throw new RangeError(`offset ${offset} is outside ${block.text} (size ${block.size})`);
    }
    return fromInt(block.first + offset);
}

/** True if a dotted IPv4 address lies inside the block. */
export function containsAddress(block: Cidr, address: string): boolean {
    return ipaddr.IPv4.isValidFourPartDecimal(address) &&
        ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parse(fromInt(block.first)), block.prefix);
}

/** The RFC 1918 private ranges, the only ones a Tencent VPC may use. */
export const PRIVATE_RANGES: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(parseCidr);

/** Address space that is not the internet: RFC 1918 and the shared 100.64/10 (carrier-grade NAT, VPN pools). */
export const NOT_PUBLIC_RANGES: readonly Cidr[] = [...PRIVATE_RANGES, parseCidr("100.64.0.0/10")];

/** Widest public range a production access list may hold: a /16 is 65536 addresses, a large office or VPN egress pool. */
export const WIDEST_PUBLIC_PREFIX = 16;

/** A block wider than a /16 that is not inside a private range (0.0.0.0/1 counts as surely as 0.0.0.0/0). */
export function widePublicRange(r: Cidr): boolean {
    return r.prefix < WIDEST_PUBLIC_PREFIX && !NOT_PUBLIC_RANGES.some((p) => contains(p, r));
}
