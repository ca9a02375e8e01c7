// Type declarations for tinytorch-wasm/build (hand-written, like ../index.d.ts).

/** One exercise of the Build step. */
export interface Exercise { readonly id: ExerciseId; readonly title: string }
export type ExerciseId = 'linear' | 'dropout' | 'sequential';
/** The three exercises, in the lesson's order. */
export const EXERCISES: readonly Exercise[];

/** The named mistakes the checks recognise: id -> what it is. */
export const MISTAKES: Readonly<Record<MistakeId, string>>;
export type MistakeId =
  | 'unscaled-init' | 'he-init' | 'glorot-init' | 'weight-transposed' | 'bias-missing' | 'bias-2d'
  | 'dropout-unscaled' | 'dropout-active-in-eval' | 'p-as-keep'
  | 'parameters-missing-bias' | 'parameters-duplicate' | 'sequential-no-chain';

/** Every check, in the order runLayerChecks runs them. */
export const CHECK_LIST: readonly { readonly id: string; readonly exercise: ExerciseId; readonly title: string }[];

/** The verdict of one check. */
export interface CheckResult {
  /** 'linear.weight-std', ... */
  id: string;
  exercise: ExerciseId;
  title: string;
  /** 'error': the student's code threw, or does not export the class. */
  status: 'pass' | 'fail' | 'error' | 'skip';
  /** What the lesson expects (values, shapes, std); '' only on an 'error' result. */
  expected: string;
  /** What the student's code gave. */
  got: string;
  /** A question that teaches; '' on a pass. */
  hint: string;
  /** The named mistake recognised, or null. */
  mistake: MistakeId | null;
  /** The tolerance of a statistical or floating-point comparison, or null when exact. */
  tolerance: string | null;
}

/** The student module's exports: real classes (Node) or host-side proxies of sandboxed classes (the page). */
export interface StudentLayers {
  Linear?: unknown;
  Dropout?: unknown;
  Sequential?: unknown;
}

/**
 * Run the checks. `api` is the tinytorch-wasm API (import * as api from 'tinytorch-wasm').
 * The default generator's state is restored afterwards.
 */
export function runLayerChecks(
  api: object,
  student: StudentLayers,
  opts?: { exercises?: ExerciseId[]; onResult?: (result: CheckResult) => void },
): Promise<CheckResult[]>;

/** Starter module texts with TODOs: all three classes, or one exercise. */
export const STARTER: Readonly<{ all: string; linear: string; dropout: string; sequential: string }>;
