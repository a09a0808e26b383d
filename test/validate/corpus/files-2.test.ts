import { describeFileCases } from './run';

describeFileCases({ index: 1, of: 3 });
