import type {Multiaddr} from "@multiformats/multiaddr";

const IP4_CODE = 4;
const IP6_CODE = 41;

/** The IP address of a multiaddr (`/ip4/…` or `/ip6/…`), or null (dns, relay…). */
export function ipOfMultiaddr(ma: Multiaddr): string | null {
  for (const component of ma.getComponents()) {
    if ((component.code === IP4_CODE || component.code === IP6_CODE) && component.value !== undefined) return component.value;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (`::` and a dotted IPv4 tail expanded), or null. */
export function ipv6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const octets = dotted.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return null;
    text = `${text.slice(0, dotted.index)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] => (part === "" ? [] : part.split(":").map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.some(Number.isNaN) ? null : groups;
}

/** `::ffff:a.b.c.d` (IPv4-mapped IPv6) as `a.b.c.d`; any other address unchanged. */
export function normalizeIp(ip: string): string {
  if (!ip.includes(":")) return ip;
  const groups = ipv6Groups(ip);
  if (groups === null) return ip;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (!mapped) return ip;
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackIp(ip: string): boolean {
  const normalized = normalizeIp(ip);
  if (!normalized.includes(":")) return normalized.startsWith("127.");
  const groups = ipv6Groups(normalized);
  return groups !== null && groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1;
}

/**
 * The key an address is banned and counted by: an IPv4 address itself; for IPv6 its /64
 * prefix (one host usually holds a whole /64, so a fresh address from it is the same host).
 */
export function addressKey(ip: string): string {
  const normalized = normalizeIp(ip);
  if (!normalized.includes(":")) return normalized;
  const groups = ipv6Groups(normalized);
  if (groups === null) return normalized;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}
