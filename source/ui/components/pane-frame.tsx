/** A pane's box: border (or none at small sizes), a title line, and exactly `height` rows. */
import {Box, Text} from 'ink';
import React, {useMemo} from 'react';
import {truncate} from '../text.js';
import type {Theme} from '../theme.js';
import {Lines, type Line} from './lines.js';

export interface FrameProps {
	title: string;
	/** right side of the title line, e.g. counts */
	note?: string;
	focused: boolean;
	width: number;
	height: number;
	border: boolean;
	theme: Theme;
	lines: Line[];
}

/** Rows of content a frame of this size holds. */
export function contentSize(width: number, height: number, border: boolean): {width: number; height: number} {
	return border ? {width: Math.max(0, width - 2), height: Math.max(0, height - 3)} : {width, height: Math.max(0, height - 1)};
}

/** Memoised: a pane whose props did not change (cached lines, same focus and size) is skipped by React. */
export const PaneFrame = React.memo(function PaneFrame({title, note, focused, width, height, border, theme, lines}: FrameProps) {
	const inner = contentSize(width, height, border);
	const head = `${focused ? theme.glyph.cursor + ' ' : ''}${title}`;
	const noteText = note ? truncate(note, Math.max(0, inner.width - head.length - 1), theme.ascii) : '';
	const gap = Math.max(1, inner.width - head.length - noteText.length);
	const shown = useMemo(() => lines.slice(0, inner.height), [lines, inner.height]);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={border ? theme.border : undefined} borderColor={theme.fg(focused ? 'accent' : 'muted')} borderDimColor={!theme.color && !focused}>
			<Text wrap="truncate" bold={focused} color={theme.fg(focused ? 'accent' : 'normal')} inverse={!border && focused}>
				{truncate(head, inner.width, theme.ascii)}
				{noteText ? ' '.repeat(gap) : ''}
				{noteText ? <Text color={theme.fg('muted')}>{noteText}</Text> : null}
			</Text>
			<Lines lines={shown} width={inner.width} theme={theme} />
		</Box>
	);
});
