import { z } from 'zod';
import type { FieldType } from '../../../schema/record/field-type.ts';
import { vector } from '../../../schema/record/vector.ts';

/** One supported zod type: how fromZod describes it, its SQL types, and sample values. */
export interface TypeCase {
  readonly name: string;
  readonly zod: z.ZodType;
  readonly type: FieldType;
  readonly sqlite: string;
  readonly clickhouse: string;
  /** Non-null sample values that must survive every round trip. */
  readonly samples: readonly unknown[];
}

const point = z.object({ x: z.number(), y: z.number().optional(), at: z.date() });

/** Every supported construct, as a required (non-null) field. */
export const TYPE_CASES: readonly TypeCase[] = [
  {
    name: 'string',
    zod: z.string(),
    type: { kind: 'string' },
    sqlite: 'TEXT',
    clickhouse: 'String',
    samples: ['', 'héllo ✓', "it's"],
  },
  {
    name: 'email',
    zod: z.email(),
    type: { kind: 'string' },
    sqlite: 'TEXT',
    clickhouse: 'String',
    samples: ['a@b.co'],
  },
  {
    name: 'float',
    zod: z.number(),
    type: { kind: 'float' },
    sqlite: 'REAL',
    clickhouse: 'Float64',
    samples: [0.5, -3, 1e300],
  },
  {
    name: 'int',
    zod: z.int(),
    type: { kind: 'int' },
    sqlite: 'INTEGER',
    clickhouse: 'Int64',
    samples: [0, -7, Number.MAX_SAFE_INTEGER],
  },
  {
    name: 'numberInt',
    zod: z.number().int(),
    type: { kind: 'int' },
    sqlite: 'INTEGER',
    clickhouse: 'Int64',
    samples: [42],
  },
  {
    name: 'boolean',
    zod: z.boolean(),
    type: { kind: 'boolean' },
    sqlite: 'INTEGER',
    clickhouse: 'Bool',
    samples: [true, false],
  },
  {
    name: 'bigint',
    zod: z.bigint(),
    type: { kind: 'bigint' },
    sqlite: 'INTEGER',
    clickhouse: 'Int64',
    samples: [0n, 9007199254740993n, -(2n ** 63n)],
  },
  {
    name: 'date',
    zod: z.date(),
    type: { kind: 'datetime' },
    sqlite: 'INTEGER',
    clickhouse: "DateTime64(3, 'UTC')",
    samples: [new Date('2024-02-29T23:59:59.123Z'), new Date(0)],
  },
  {
    name: 'enum',
    zod: z.enum(['cat', 'dog']),
    type: { kind: 'enum', values: ['cat', 'dog'] },
    sqlite: 'TEXT',
    clickhouse: 'LowCardinality(String)',
    samples: ['cat', 'dog'],
  },
  {
    name: 'literalString',
    zod: z.literal('v1'),
    type: { kind: 'literal', value: 'v1' },
    sqlite: 'TEXT',
    clickhouse: 'String',
    samples: ['v1'],
  },
  {
    name: 'literalInt',
    zod: z.literal(3),
    type: { kind: 'literal', value: 3 },
    sqlite: 'INTEGER',
    clickhouse: 'Int64',
    samples: [3],
  },
  {
    name: 'literalFloat',
    zod: z.literal(2.5),
    type: { kind: 'literal', value: 2.5 },
    sqlite: 'REAL',
    clickhouse: 'Float64',
    samples: [2.5],
  },
  {
    name: 'literalBool',
    zod: z.literal(true),
    type: { kind: 'literal', value: true },
    sqlite: 'INTEGER',
    clickhouse: 'Bool',
    samples: [true],
  },
  {
    name: 'vector',
    zod: vector(),
    type: { kind: 'vector' },
    sqlite: 'TEXT',
    clickhouse: 'Array(Float64)',
    samples: [[0.25, -1], []],
  },
  {
    name: 'vector3',
    zod: vector(3),
    type: { kind: 'vector', dimensions: 3 },
    sqlite: 'TEXT',
    clickhouse: 'Array(Float64)',
    samples: [[0.1, 0.2, 0.3]],
  },
  {
    name: 'arrayOfString',
    zod: z.array(z.string()),
    type: { kind: 'array', items: { kind: 'string' } },
    sqlite: 'TEXT',
    clickhouse: 'Array(String)',
    samples: [['a', 'b'], []],
  },
  {
    name: 'arrayOfNullableInt',
    zod: z.array(z.int().nullable()),
    type: { kind: 'array', items: { kind: 'int' }, itemsNullable: true },
    sqlite: 'TEXT',
    clickhouse: 'Array(Nullable(Int64))',
    samples: [[1, null, 3]],
  },
  {
    name: 'arrayOfDate',
    zod: z.array(z.date()),
    type: { kind: 'array', items: { kind: 'datetime' } },
    sqlite: 'TEXT',
    clickhouse: "Array(DateTime64(3, 'UTC'))",
    samples: [[new Date('2020-01-01T00:00:00.001Z')]],
  },
  {
    name: 'arrayOfBigint',
    zod: z.array(z.bigint()),
    type: { kind: 'array', items: { kind: 'bigint' } },
    sqlite: 'TEXT',
    clickhouse: 'Array(Int64)',
    samples: [[2n ** 62n, -1n]],
  },
  {
    name: 'arrayOfArray',
    zod: z.array(z.array(z.number())),
    type: { kind: 'array', items: { kind: 'array', items: { kind: 'float' } } },
    sqlite: 'TEXT',
    clickhouse: 'Array(Array(Float64))',
    samples: [[[1.5], [], [2, 3]]],
  },
  {
    name: 'arrayOfObject',
    zod: z.array(point),
    type: {
      kind: 'array',
      items: {
        kind: 'object',
        fields: {
          x: { type: { kind: 'float' }, nullable: false, optional: false },
          y: { type: { kind: 'float' }, nullable: false, optional: true },
          at: { type: { kind: 'datetime' }, nullable: false, optional: false },
        },
      },
    },
    sqlite: 'TEXT',
    clickhouse: 'String',
    samples: [
      [
        { x: 1, y: 2, at: new Date(5) },
        { x: 3, at: new Date(6) },
      ],
    ],
  },
  {
    name: 'recordOfFloat',
    zod: z.record(z.string(), z.number()),
    type: { kind: 'record', values: { kind: 'float' } },
    sqlite: 'TEXT',
    clickhouse: 'Map(String, Float64)',
    samples: [{ a: 1.5, 'b c': -2 }, {}],
  },
  {
    name: 'recordOfNullableBool',
    zod: z.record(z.string(), z.boolean().nullable()),
    type: { kind: 'record', values: { kind: 'boolean' }, valuesNullable: true },
    sqlite: 'TEXT',
    clickhouse: 'Map(String, Nullable(Bool))',
    samples: [{ yes: true, no: false, unknown: null }],
  },
  {
    name: 'recordOfObject',
    zod: z.record(z.string(), z.object({ n: z.bigint() })),
    type: {
      kind: 'record',
      values: {
        kind: 'object',
        fields: { n: { type: { kind: 'bigint' }, nullable: false, optional: false } },
      },
    },
    sqlite: 'TEXT',
    clickhouse: 'String',
    samples: [{ k: { n: 12345678901234567n } }],
  },
];
