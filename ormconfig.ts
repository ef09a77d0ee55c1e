import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from './src/config/env.schema';
import { buildTypeOrmOptions } from './src/shared/database/typeorm-options';

/** DataSource for the TypeORM CLI: same options builder and env validation as the app. */
export default new DataSource(buildTypeOrmOptions(validateEnv(process.env), 'migrations'));
