/** The size the job asked for, when its model's params have one (a workflow may fix its own size). */
export function resultSizeOf(params: unknown): { width: number; height: number } | undefined {
  const { width, height } = params as { width?: unknown; height?: unknown };
  return typeof width === 'number' && typeof height === 'number' ? { width, height } : undefined;
}
