import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Only globally routed unicast addresses may be called. ipaddr.js names every other range
 * (loopback, private, link-local — where cloud metadata answers —, unique-local, carrier-grade
 * NAT, multicast, unspecified, reserved, and the IPv6 ranges that embed an IPv4 address);
 * an IPv4-mapped IPv6 address is judged as the IPv4 address it is.
 */
export function isCallableAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

/** A URL's host without IPv6 brackets. */
export const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

/**
 * A `lookup` for the connection itself: the addresses the socket will connect to are the ones
 * checked, so a name that resolved publicly at submit and privately now (DNS rebinding) is
 * refused here.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => !isCallableAddress(entry.address));
    if (refused || addresses.length === 0) {
      return callback(new AddressRefusedError(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which webhooks do not call`), '', 0);
    }
    if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
