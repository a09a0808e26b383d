/** Every environment of the monorepo platform, in promotion order. */
import type { EnvironmentConfig } from '../../../tools/kit';
import { dev } from './dev';
import { prod } from './prod';

export const environments: readonly EnvironmentConfig[] = [dev, prod];

export { base } from './base';
export { dev, prod };
