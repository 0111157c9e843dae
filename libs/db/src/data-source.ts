import { DataSource, DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './naming';
import * as v3 from './entities/v3';
import * as shared from './entities/shared';
import * as traders from './entities/traders';
import * as wallets from './entities/wallets';
import * as reports from './entities/reports';
import * as notifications from './entities/notifications';
import * as operators from './entities/operators';

export const ENTITIES = [
  ...Object.values(v3),
  ...Object.values(shared),
  ...Object.values(traders),
  ...Object.values(wallets),
  ...Object.values(reports),
  ...Object.values(notifications),
  ...Object.values(operators).filter((v) => typeof v === 'function'),
];

/**
 * Connection options shared by every service; migrations are never run from here (see tools/scripts/migrate.ts).
 * Services read and write with SQL, so no entity is registered: the entities are the schema's typed mirror, loaded
 * where the mirror is checked (test/schema.spec.ts passes `entities: ENTITIES`) and typing rows (rows.ts).
 */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: 10 },
    ...extra,
  } as DataSourceOptions;
}

export function createDataSource(url: string, extra: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource(dataSourceOptions(url, extra));
}
