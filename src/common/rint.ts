/**
 * C's rint() in the default rounding mode: to the nearest integer, ties to even (2.5 -> 2,
 * -1.5 -> -2), which PostgreSQL uses wherever it rounds a double (round(float8), interval and
 * time input, setting values, planner estimates).
 */
export function rint(x: number): number {
  const r = Math.round(x);
  // Math.round takes ties up; an odd result of a tie goes back down to the even neighbour.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
