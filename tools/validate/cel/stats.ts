/**
 * The rule ids and statistics of the CEL check, apart from the evaluator (./index.ts): validation imports these
 * at start, and loads the evaluator and the CEL runtime only when an object has to be checked (objects known to
 * pass are not: tools/validate/passed.ts).
 */
/** Rule ids of CEL findings. */
export const CEL_RULES = {
  /** A CRD rule refuses the object (error: the API server would reject it). */
  violation: 'schema/cel',
  /** A CRD rule could not be evaluated here (warning: checked by nobody until the cluster does). */
  unevaluated: 'schema/cel-unevaluated',
} as const;

/** Counts of one validation run. */
export interface CelStats {
  /** Rule evaluations that ran (passed or refused). */
  evaluated: number;
  /** Evaluations skipped because the rule compares with the previous version (`oldSelf`). */
  skippedOldSelf: number;
  /** Evaluations that could not run (reported as warnings). */
  unevaluated: number;
}

/** A new, zeroed `CelStats`. */
export function celStats(): CelStats {
  return { evaluated: 0, skippedOldSelf: 0, unevaluated: 0 };
}
