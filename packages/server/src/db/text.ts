// PostgreSQL's text cannot hold U+0000 (an insert fails with "invalid byte sequence"); SQLite's can.
// So that both stores keep the same data and bad input never becomes a 500, every string a query
// sends has U+0000 replaced by U+FFFD, the replacement character (as the XML rendering does with
// characters XML cannot carry). Strings inside stored JSON are escaped by JSON and never affected.
import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PrimitiveValueListNode,
  type ValueNode,
} from 'kysely';

const NUL = '\u0000';

export function withoutNul<T>(value: T): T {
  return typeof value === 'string' && value.includes(NUL) ? (value.replaceAll(NUL, '\uFFFD') as T) : value;
}

class ReplaceNul extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = withoutNul(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((value) => typeof value === 'string' && value.includes(NUL))
      ? { ...node, values: node.values.map(withoutNul) }
      : node;
  }
}

const transformer = new ReplaceNul();

export const replaceNulInText: KyselyPlugin = {
  transformQuery: ({ node }) => transformer.transformNode(node),
  transformResult: async ({ result }) => result,
};
