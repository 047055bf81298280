/** A value with no value on either side: a line through it draws nothing, so charts show it as a dot. */
export function isLone(values: (number | null)[], i: number): boolean {
  return values[i] !== null && values[i] !== undefined && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null;
}

export function hasLone(values: (number | null)[]): boolean {
  return values.some((_, i) => isLone(values, i));
}
