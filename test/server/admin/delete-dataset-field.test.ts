// The admin-only `delete_dataset` mutation over a real HTTP server (listen on a free port), with reader,
// writer and admin keys, on both warehouses: refusals change nothing, deletes drop the data and the schema
// follows at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../../server/app.ts';
import { listen, type RunningServer } from '../../../server/serve.ts';
import { WAREHOUSES } from '../../helpers/temp-session.ts';
import { openStore, PHOTOS, Photo, type TestStore } from '../fixtures.ts';

const Note = z.object({ text: z.string() });

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let store: TestStore;
  let running: RunningServer;

  /** POSTs one operation to the running server with a key; returns status and the parsed body. */
  async function post(
    query: string,
    key?: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: GqlError[] } }> {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as never };
  }
  interface GqlError {
    message: string;
    extensions?: { code?: string };
  }

  /** Dataset name → versions, as the server lists them to an admin. */
  async function served(): Promise<Record<string, string[]>> {
    const { body } = await post('{ datasets { name versions { version } } }', 'a1');
    const list = (body.data?.datasets ?? []) as { name: string; versions: { version: string }[] }[];
    return Object.fromEntries(list.map((d) => [d.name, d.versions.map((v) => v.version)]));
  }

  const DELETE = `mutation($name: String!, $version: String) {
    delete_dataset(name: $name, version: $version) { name deleted_versions affected_rows remaining_versions }
  }`;

  beforeEach(async () => {
    store = await openStore(warehouse);
    await store.save('photos', PHOTOS, Photo, '1.0.0');
    await store.save('photos', PHOTOS.slice(0, 3), Photo, '1.1.0');
    await store.save('notes', [{ text: 'keep me' }], Note);
    const app = await createApp({ session: store.session, apiKeys: 'r1:reader,w1:writer,a1:admin' });
    running = await listen(app, { port: 0 });
  });
  afterEach(async () => {
    await running?.close();
    await running?.app.close();
    await store?.dispose();
  });

  describe('delete_dataset', () => {
    it('is refused to reader and writer keys with FORBIDDEN (403), also inside a fragment; nothing is deleted', async () => {
      const reader = await post(DELETE, 'r1', { name: 'photos' });
      expect(reader.status).toBe(403);
      expect(reader.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(reader.body.errors?.[0]?.message).toBe("Role 'reader' may not run mutations.");

      const writer = await post(DELETE, 'w1', { name: 'photos' });
      expect(writer.status).toBe(403);
      expect(writer.body.errors?.[0]).toMatchObject({
        message: "Role 'writer' may not run delete_dataset: it needs the admin role.",
        extensions: { code: 'FORBIDDEN' },
      });
      expect(writer.body.data ?? null).toBeNull();

      const fragment = await post(
        'mutation { ...wipe } fragment wipe on Mutation { ... on Mutation { gone: delete_dataset(name: "notes") { name } } }',
        'w1',
      );
      expect(fragment.status).toBe(403);
      expect(fragment.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      const none = await post(DELETE, undefined, { name: 'photos' });
      expect(none.status).toBe(401);
      expect(none.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      expect(await served()).toEqual({ notes: ['1.0.0'], photos: ['1.0.0', '1.1.0'] });
      expect(await store.session.registry.listVersions('photos')).toHaveLength(2);
    });

    it('deletes one version for an admin: its table is dropped and the schema no longer serves it', async () => {
      const old = await store.session.registry.getVersion('photos', '1.0.0');
      const { status, body } = await post(DELETE, 'a1', { name: 'photos', version: '1.0.0' });
      expect(status).toBe(200);
      expect(body).toEqual({
        data: {
          delete_dataset: {
            name: 'photos',
            deleted_versions: ['1.0.0'],
            affected_rows: PHOTOS.length,
            remaining_versions: ['1.1.0'],
          },
        },
      });
      expect(await store.session.warehouse.tableExists(old.table)).toBe(false);
      expect(await served()).toEqual({ notes: ['1.0.0'], photos: ['1.1.0'] });
      const gone = await post('{ photos(version: "1.0.0") { name } }', 'r1');
      expect(gone.body.errors?.[0]?.extensions?.code).toBe('VERSION_NOT_FOUND');
      const left = await post('{ photos_aggregate { aggregate { count } } }', 'r1');
      expect(left.body.data).toEqual({ photos_aggregate: { aggregate: { count: 3 } } });
    });

    it('deletes every version without `version`: the root fields disappear on the next request', async () => {
      const { body } = await post(DELETE, 'a1', { name: 'photos' });
      expect(body.data?.delete_dataset).toEqual({
        name: 'photos',
        deleted_versions: ['1.0.0', '1.1.0'],
        affected_rows: PHOTOS.length + 3,
        remaining_versions: [],
      });
      expect(await served()).toEqual({ notes: ['1.0.0'] });
      const query = await post('{ photos { name } }', 'r1');
      expect(query.body.errors?.[0]?.message).toContain('Cannot query field "photos" on type "Query"');
      expect(await post('{ notes { text } }', 'r1')).toMatchObject({
        body: { data: { notes: [{ text: 'keep me' }] } },
      });
    });

    it('names what exists for an unknown dataset or version, and deletes nothing', async () => {
      const dataset = await post(DELETE, 'a1', { name: 'nosuch' });
      expect(dataset.body.errors?.[0]).toMatchObject({
        message: "Dataset 'nosuch' does not exist. Existing datasets: notes, photos.",
        extensions: { code: 'DATASET_NOT_FOUND' },
      });
      const version = await post(DELETE, 'a1', { name: 'photos', version: '9.9.9' });
      expect(version.body.errors?.[0]).toMatchObject({
        message: "Dataset 'photos' has no version '9.9.9'. Existing versions of 'photos': 1.0.0, 1.1.0.",
        extensions: { code: 'VERSION_NOT_FOUND' },
      });
      expect(await served()).toEqual({ notes: ['1.0.0'], photos: ['1.0.0', '1.1.0'] });
    });
  });

  describe('delete_dataset and dataset names', () => {
    it("a dataset named like the mutation's result type is served under another name", async () => {
      await store.save('delete_dataset_response', [{ text: 'x' }], Note);
      const { body } = await post(
        '{ datasets { name graphql_name } delete_dataset_response_2 { text } }',
        'r1',
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.delete_dataset_response_2).toEqual([{ text: 'x' }]);
      const deleted = await post(DELETE, 'a1', { name: 'delete_dataset_response' });
      expect(deleted.body.data?.delete_dataset).toMatchObject({ deleted_versions: ['1.0.0'] });
    });
  });

  describe('delete_dataset without API keys', () => {
    it('is open to the local caller (every caller is admin, the server binds loopback only)', async () => {
      const open = await createApp({ session: store.session, apiKeys: '' });
      const local = await listen(open, { port: 0 });
      try {
        const response = await fetch(local.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation { delete_dataset(name: "notes") { remaining_versions } }',
          }),
        });
        expect(await response.json()).toEqual({ data: { delete_dataset: { remaining_versions: [] } } });
        expect((await store.session.registry.listDatasets()).map((d) => d.name)).toEqual(['photos']);
      } finally {
        await local.close();
        await open.close();
      }
    });
  });
});
