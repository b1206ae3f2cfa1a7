/**
 * The Engine pane over a real V0 config line (vllm-project/vllm#12663, vLLM 0.7.1): a model
 * given as a long local path is cut from the left, so the model's name stays readable.
 */
import {expect, it} from 'vitest';
import {enginePane} from '../../source/ui/panes/engine-pane.js';
import {createTheme} from '../../source/ui/theme.js';
import {buildEngine} from '../../source/view/engine-model.js';
import {loadExcerpt} from '../helpers/load-scenario.js';

it('keeps the end of a long model path in a narrow Engine pane', () => {
	const state = loadExcerpt('vllm-0.7.1-v0-engine-config.log');
	const pane = enginePane(buildEngine(state.engine), {width: 40, height: 12}, createTheme({color: false, ascii: false}), 0);
	const text = pane.lines.map(l => l.map(s => s.text).join(''));
	// 40 columns: a 16-column label, then 24 for the value: `…` and the path's last 23 characters
	expect(text.find(t => t.startsWith('model'))).toBe('model           …ls/Qwen2.5-32B-Instruct');
	expect(text.find(t => t.startsWith('served as'))).toBe('served as       …ls/Qwen2.5-32B-Instruct');
	expect(text.find(t => t.startsWith('dtype'))).toBe('dtype           torch.bfloat16');
});
