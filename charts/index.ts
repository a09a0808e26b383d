export * from './healthxcape';
