import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * Response serialisation. Read routes (GET) answer what our own services built from our own
 * rows, so checking it against the schema again on every request buys nothing: their zod
 * schema is turned once into JSON Schema and compiled by fast-json-stringify (which also writes
 * only the properties the schema names, so nothing unlisted leaks). Changes (POST, PATCH ...)
 * and any schema JSON Schema cannot express keep zod's checked serialiser.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  if (route.method === 'GET' && route.schema instanceof z.ZodType) {
    const compiled = compileFast(route.schema);
    if (compiled) return compiled;
  }
  return zodSerializerCompiler(route);
};

/** A fast-json-stringify function for a zod schema, or null when it cannot be expressed. */
export function compileFast(schema: z.ZodType): ((data: unknown) => string) | null {
  try {
    const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', target: 'draft-07' });
    return fastJson(simplify(json) as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
  } catch {
    return null;
  }
}

/**
 * Objects left open (see below), and `anyOf: [{type: X}, {type: 'null'}]` (zod's nullable) as `type: [X, 'null']`: fast-json-stringify
 * then writes it directly instead of testing each branch with a validator.
 */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (!node || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) out[k] = simplify(v);
  // zod's output schemas close every object (additionalProperties: false). fast-json-stringify
  // writes only the named properties anyway, but inside anyOf it picks a branch by validating,
  // and a value with one extra key (which zod would strip) then matches no branch: a 500.
  if (out.additionalProperties === false) delete out.additionalProperties;
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nul = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nul];
    if (
      nul >= 0 &&
      other &&
      typeof other.type === 'string' &&
      other.type !== 'object' &&
      other.type !== 'array'
    ) {
      const { anyOf: _drop, ...rest } = out;
      return { ...rest, ...other, type: [other.type, 'null'] };
    }
  }
  return out;
}
