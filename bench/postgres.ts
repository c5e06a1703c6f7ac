import pg from 'pg';

/** The PostgreSQL the benchmarks that need one use (CI and the tests use the same). */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A schema no other run uses, for one benchmark's store (`<url>?schema=...`). */
export function benchSchema(name: string): string {
  return `hc_bench_${name}_${process.pid}_${Date.now().toString(36)}`;
}

/** Drops a benchmark's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
