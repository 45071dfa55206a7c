import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dateParser,
  timestampParser,
  timestamptzParser,
} from '../../../clients/database/postgres/postgres-dates.ts';
import { POSTGRES_URL, postgresAvailable } from '../../compute/database/database-test-helpers.ts';

const general = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;
const unparsed = () => 'general';

describe('PostgreSQL date/time parsers', () => {
  it('reads timestamptz text with fractions and zones of every width', () => {
    const parse = timestamptzParser(unparsed);
    const cases: [string, string][] = [
      ['2024-01-01 00:00:01+00', '2024-01-01T00:00:01.000Z'],
      ['2024-02-29 23:59:59.5+00', '2024-02-29T23:59:59.500Z'],
      ['2024-02-29 23:59:59.123456+00', '2024-02-29T23:59:59.123Z'],
      ['2024-02-29 23:59:59.1239+00', '2024-02-29T23:59:59.123Z'],
      ['2024-06-01 12:00:00+05:30', '2024-06-01T06:30:00.000Z'],
      ['2024-06-01 12:00:00-03', '2024-06-01T15:00:00.000Z'],
      ['1900-01-01 00:00:00+00:09:21', '1899-12-31T23:50:39.000Z'],
      ['0100-03-01 00:00:00+00', '0100-03-01T00:00:00.000Z'],
      ['9999-12-31 23:59:59.999999+00', '9999-12-31T23:59:59.999Z'],
    ];
    for (const [text, iso] of cases) {
      expect((parse(text) as Date).toISOString(), text).toBe(iso);
      expect((parse(text) as Date).getTime(), text).toBe((general(text) as Date).getTime());
    }
  });

  it('hands every other shape to the general parser', () => {
    const parse = timestamptzParser(unparsed);
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00',
      '0044-03-15 12:00:00+00 BC',
      '12345-01-01 00:00:00+00',
      '2024-01-01 00:00:00',
      '2024-01-01T00:00:00+00',
      '2024-01-01 00:00:00.+00',
      '2024-01-01 00:00:00+0',
      '2024-01-01 00:00:00+00:3',
      'Mon Jan 01 00:00:00 2024 UTC',
    ]) {
      expect(parse(text), text).toBe('general');
    }
    expect(timestampParser(unparsed)('2024-01-01 00:00:00+00')).toBe('general');
    expect(dateParser(unparsed)('2024-01-01 BC')).toBe('general');
    expect(dateParser(unparsed)('0099-01-01')).toBe('general');
  });

  it('reads timestamp without zone and date as UTC', () => {
    expect((timestampParser(unparsed)('2024-05-01 10:00:00.25') as Date).toISOString()).toBe(
      '2024-05-01T10:00:00.250Z',
    );
    expect((dateParser(unparsed)('2024-05-01') as Date).toISOString()).toBe('2024-05-01T00:00:00.000Z');
  });
});

describe.runIf(await postgresAvailable())('PostgreSQL date/time parsers on server output', () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('agree with pg on what the server prints in several time zones', async () => {
    const parse = timestamptzParser(general);
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam']) {
      await client.query(`SET TIME ZONE '${zone}'`);
      // Text as the server prints it (no parsing by pg), including an LMT offset with seconds in 1850.
      const { rows } = await client.query<{ t: string }>({
        text: `SELECT (timestamptz '1850-06-01 00:00:00+00' + g * interval '11 days 7 hours 3 minutes 1.234567 seconds')::text AS t
               FROM generate_series(0, 8000, 37) g`,
      });
      for (const { t } of rows) {
        expect((parse(t) as Date).getTime(), `${zone}: ${t}`).toBe((general(t) as Date).getTime());
      }
    }
  });
});
