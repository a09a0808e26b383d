import { describeFileCases } from './run';

describeFileCases({ index: 2, of: 3 });
