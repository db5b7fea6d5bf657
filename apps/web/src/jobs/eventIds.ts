/**
 * Order two SSE event ids. The API uses Redis Stream entry ids (`<ms>-<seq>`), which grow
 * with every entry, so an id at or below the last one applied is a replay. Ids of any other
 * shape can only be told equal or not: a different one counts as newer.
 */
export function compareEventIds(a: string, b: string): number {
  const left = parseStreamId(a);
  const right = parseStreamId(b);
  if (!left || !right) return a === b ? 0 : 1;
  if (left.ms !== right.ms) return left.ms < right.ms ? -1 : 1;
  if (left.seq !== right.seq) return left.seq < right.seq ? -1 : 1;
  return 0;
}

function parseStreamId(id: string): { ms: bigint; seq: bigint } | null {
  const match = /^(\d+)-(\d+)$/.exec(id);
  return match ? { ms: BigInt(match[1]!), seq: BigInt(match[2]!) } : null;
}
