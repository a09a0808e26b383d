import { version } from '../../package.json';

/**
 * Version label of objects that run no image of their own (namespaces, storage classes, Argo CD objects):
 * the version of the platform repository, from package.json.
 */
export const PLATFORM_VERSION: string = version;
