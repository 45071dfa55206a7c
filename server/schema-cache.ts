import type { GraphQLSchema } from 'graphql';
import { buildSchema } from './graphql/build-schema.ts';
import type { QueryEnv } from './graphql/query-env.ts';
import type { ServedModel } from './model/dataset-model.ts';
import { loadServedModel } from './model/model-builder.ts';
import type { RegistryView } from './registry-view.ts';

/** A generated schema and the model it was built from. */
export interface ServedSchema {
  readonly model: ServedModel;
  readonly schema: GraphQLSchema;
}

/**
 * The schema as a function of the registry, cached per `registry.revision()`. Each request asks for the
 * current schema (one cheap revision read); a save or delete changes the revision, so the next request
 * gets a rebuilt schema without a restart, while requests already running keep the schema they started
 * with (they hold their own reference). Concurrent requests share one rebuild.
 */
export class SchemaCache {
  #current: { revision: string; built: Promise<ServedSchema> } | undefined;

  constructor(
    private readonly registry: RegistryView,
    private readonly env: QueryEnv,
  ) {}

  /** The schema for the registry's current revision. */
  async current(): Promise<ServedSchema> {
    const revision = String(await this.registry.revision());
    const cached = this.#current;
    if (cached !== undefined && cached.revision === revision) return cached.built;
    const built = this.#build();
    this.#current = { revision, built };
    built.catch(() => {
      // A failed build is not cached: the next request retries.
      if (this.#current?.built === built) this.#current = undefined;
    });
    return built;
  }

  async #build(): Promise<ServedSchema> {
    const model = await loadServedModel(this.registry);
    return { model, schema: buildSchema(model, this.env) };
  }
}
