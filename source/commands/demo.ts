import type {Options} from '../options.js';
import {UserError, type Io} from './io.js';

export async function run(_options: Options, _io: Io): Promise<number> {
	throw new UserError('infertop demo: not built yet');
}
