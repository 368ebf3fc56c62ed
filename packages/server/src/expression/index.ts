export { createExpressionSandbox } from './sandbox.ts';
export {
  defaultExpressionLimits,
  type ExpressionCheck,
  type ExpressionLimits,
  type ExpressionOutcome,
  type ExpressionRecord,
  type ExpressionSandbox,
} from './types.ts';
