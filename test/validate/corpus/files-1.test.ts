import { describeFileCases } from './run';

describeFileCases({ index: 0, of: 3 });
