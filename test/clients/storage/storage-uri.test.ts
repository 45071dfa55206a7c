import { describe, expect, it } from 'vitest';
import { openStorage, StorageContext } from '../../../clients/storage/storage-context.ts';
import { InvalidStorageUriError } from '../../../clients/storage/storage-errors.ts';
import { joinStorageUri, parseStorageUri } from '../../../clients/storage/storage-uri.ts';

describe('parseStorageUri', () => {
  it('parses cloud URIs into scheme, bucket, key and source', () => {
    expect(parseStorageUri('s3://my-bucket/images/a b.jpg')).toEqual({
      scheme: 's3',
      bucket: 'my-bucket',
      key: 'images/a b.jpg',
      source: 's3://my-bucket',
    });
    expect(parseStorageUri('gs://b/x/')).toMatchObject({ scheme: 'gs', bucket: 'b', key: 'x/' });
    expect(parseStorageUri('gcs://b')).toMatchObject({ scheme: 'gs', bucket: 'b', key: '' });
    expect(parseStorageUri('az://container/dir/*.png')).toMatchObject({
      scheme: 'az',
      bucket: 'container',
      key: 'dir/*.png',
    });
    expect(parseStorageUri('memory://ns/k')).toMatchObject({ scheme: 'memory', bucket: 'ns', key: 'k' });
  });

  it('maps local paths and file URLs onto the filesystem root, keeping a trailing slash', () => {
    expect(parseStorageUri('/data/images/')).toEqual({
      scheme: 'file',
      bucket: '/',
      key: 'data/images/',
      source: 'file:///',
    });
    expect(parseStorageUri('file:///data/a%20b.txt')).toMatchObject({ key: 'data/a b.txt' });
    expect(parseStorageUri('./rel/x.txt', '/work')).toMatchObject({ key: 'work/rel/x.txt' });
  });

  it('round-trips canonical URIs', () => {
    for (const uri of ['s3://b/a/ü x.txt', 'file:///data/a%20b/%C3%BC.txt']) {
      const loc = parseStorageUri(uri);
      expect(joinStorageUri(loc.source, loc.key)).toBe(uri);
    }
  });

  it('rejects unknown schemes and missing buckets with INVALID_URI', () => {
    expect(() => parseStorageUri('ftp://host/x')).toThrow(InvalidStorageUriError);
    expect(() => parseStorageUri('s3:///key')).toThrow(/missing bucket/);
    expect(() => parseStorageUri('s3://bad bucket/key')).toThrow(/not a valid bucket/);
    try {
      parseStorageUri('hdfs://x/y');
    } catch (err) {
      expect((err as InvalidStorageUriError).code).toBe('INVALID_URI');
    }
  });
});

describe('StorageContext', () => {
  it('caches one driver per (scheme, bucket, anon) and keeps contexts isolated', async () => {
    const a = new StorageContext();
    const b = new StorageContext();
    a.memory.createBucket('ns');
    const d1 = (await a.resolve('memory://ns/x')).driver;
    expect((await a.resolve('memory://ns/y')).driver).toBe(d1);
    expect((await a.resolve('memory://ns/y', { anon: true })).driver).not.toBe(d1);
    await d1.write('x', Buffer.from('1'));
    const other = (await b.resolve('memory://ns/x')).driver;
    await expect(other.read('x')).rejects.toMatchObject({ code: 'BUCKET_NOT_FOUND' });
  });

  it('openStorage resolves a URI to its driver and key', async () => {
    const { driver, location } = await openStorage('s3://bucket/some/prefix/', {
      s3: { endpoint: 'http://127.0.0.1:1' },
    });
    expect(driver.name).toBe('s3');
    expect(driver.bucket).toBe('bucket');
    expect(location.key).toBe('some/prefix/');
  });
});
