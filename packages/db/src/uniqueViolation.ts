/** The statement broke the unique constraint (or unique index) of that name: SQLSTATE 23505. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof Error && 'code' in error && error.code === '23505' && 'constraint' in error && error.constraint === constraint;
}
