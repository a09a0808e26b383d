/** Every environment of the InfraForge platform, in promotion order; all three share the nonprod cluster. */
import type { EnvironmentConfig } from '../../../tools/kit';
import { dev } from './dev';
import { qa } from './qa';
import { staging } from './staging';

export const environments: readonly EnvironmentConfig[] = [dev, qa, staging];

export { base } from './base';
export { nonprod } from './nonprod';
export { dev, qa, staging };
