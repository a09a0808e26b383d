/**
 * Names of Kubernetes objects: human, stable, validated, never truncated or hashed.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

import { PlatformError } from './errors';

/** RFC 1123 label: lower-case alphanumerics and '-', starting and ending with an alphanumeric. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Longest DNS label. */
export const MAX_NAME_LENGTH = 63;

/**
 * Why `name` is not a valid DNS-1123 label, or `undefined` when it is one.
 */
export function dnsLabelProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a string`;
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (has ${name.length})`;
  if (!DNS_LABEL.test(name)) {
    return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
  }
  return undefined;
}

/** True when `name` is a valid DNS-1123 label of at most 63 characters. */
export function isDnsLabel(name: unknown): name is string {
  return dnsLabelProblem(name) === undefined;
}

/** Why `name` is not a valid DNS-1123 subdomain (e.g. a host name), or `undefined`. */
export function dnsSubdomainProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `must be at most 253 characters (has ${name.length})`;
  if (!DNS_SUBDOMAIN.test(name)) {
    return "must be a DNS-1123 subdomain: dot-separated labels of lower-case letters, digits and '-'";
  }
  const long = name.split('.').find((label) => label.length > MAX_NAME_LENGTH);
  if (long) return `label '${long}' is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

/**
 * Join name parts with '-' (`joinName('identity-service', 'postgres')` is `identity-service-postgres`).
 *
 * Throws when the result is not a valid DNS label; names are never silently truncated or hashed, because a
 * name that changes orphans the object it named (a StatefulSet's volumes, for one).
 */
export function joinName(...parts: string[]): string {
  const name = parts.filter((p) => p.length > 0).join('-');
  const problem = dnsLabelProblem(name);
  if (problem) {
    throw new PlatformError(`name '${name}' (from ${parts.map((p) => `'${p}'`).join(' + ')}) ${problem}; choose a shorter or simpler base name (the application's or the object's name)`);
  }
  return name;
}
