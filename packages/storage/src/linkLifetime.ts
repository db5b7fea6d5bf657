/** A signed link must live a whole, positive number of seconds; anything else is a caller's bug. */
export function assertValidLinkLifetime(expiresInSeconds: number): void {
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds <= 0) {
    throw new RangeError(`expiresInSeconds must be a positive whole number, got ${expiresInSeconds}.`);
  }
}
