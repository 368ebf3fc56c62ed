export { createExpressionSandbox } from './sandbox.ts';
export {
  defaultExpressionLimits,
  type EvaluationPath,
  type ExpressionCheck,
  type ExpressionLimits,
  type ExpressionOutcome,
  type ExpressionRecord,
  type ExpressionSandbox,
  type ExpressionSandboxOptions,
} from './types.ts';
